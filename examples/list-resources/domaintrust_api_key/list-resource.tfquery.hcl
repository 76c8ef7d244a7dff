# Terraform 1.14 and later, in a .tfquery.hcl file beside the configuration
# that holds the provider block. `terraform query` lists the testing keys
# that expire before 2028; `terraform query -generate-config-out=keys.tf`
# also writes a resource and an import block for each.
list "domaintrust_api_key" "testing" {
  provider         = domaintrust
  include_resource = true

  config {
    environment    = "testing"
    expires_before = "2028-01-01T00:00:00Z"
  }
}
