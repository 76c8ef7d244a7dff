# A key this configuration manages. If it leaks, replace it:
#   terraform apply -replace=domaintrust_api_key.ci
# creates a new key (a new secret value) first, then deletes the leaked one.

terraform {
  required_version = ">= 1.5"

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials from DOMAINTRUST_API_KEY (and DOMAINTRUST_ENDPOINT).
provider "domaintrust" {}

resource "domaintrust_api_key" "ci" {
  environment = "testing"
  description = "CI pipeline"
  expiration  = "2030-01-01T00:00:00Z"

  lifecycle {
    create_before_destroy = true
  }
}

output "ci_key_id" {
  description = "Id of the current CI key."
  value       = domaintrust_api_key.ci.id
}
