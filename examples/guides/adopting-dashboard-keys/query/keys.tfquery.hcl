# The keys of the provider's user that expire before 2031, with everything
# Terraform needs to write their configuration.
list "domaintrust_api_key" "dashboard" {
  provider         = domaintrust
  include_resource = true

  config {
    expires_before = "2031-01-01T00:00:00Z"
  }
}
