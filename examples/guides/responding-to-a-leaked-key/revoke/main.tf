# Revokes one key now, whether or not a configuration manages it
# (Terraform 1.14 and later):
#   terraform apply -invoke=action.domaintrust_revoke_api_key.leaked -var leaked_key_id=ID

terraform {
  required_version = ">= 1.14"

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials from DOMAINTRUST_API_KEY (and DOMAINTRUST_ENDPOINT). Use a key
# other than the leaked one.
provider "domaintrust" {}

variable "leaked_key_id" {
  description = "Id (a UUID) of the leaked key, as the dashboard or terraform query shows it. Not the secret value."
  type        = string
}

action "domaintrust_revoke_api_key" "leaked" {
  config {
    id = var.leaked_key_id
  }
}
