# A throw-away testing key for one run: created when Terraform opens the
# ephemeral resource, deleted when it closes it, never stored in plan or state.
ephemeral "domaintrust_api_key" "smoke_test" {
  environment = "testing"
  description = "CI smoke test"
  ttl         = "30m"
}

# Provisioners (and provider configurations) may use ephemeral values. This
# smoke test runs on every apply with the short-lived key in its environment.
resource "terraform_data" "smoke_test" {
  triggers_replace = timestamp()

  provisioner "local-exec" {
    command = "./smoke-test.sh"
    environment = {
      DOMAINTRUST_API_KEY = ephemeral.domaintrust_api_key.smoke_test.key
    }
  }
}
