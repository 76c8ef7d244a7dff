# After a revocation: warns while the leaked key still exists, and lists the
# keys that remain, for a review (Terraform 1.5 and later):
#   terraform apply -var leaked_key_id=ID

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

variable "leaked_key_id" {
  description = "Id (a UUID) of the revoked key."
  type        = string
}

variable "user_id" {
  description = "Owner of the leaked key, when it is not the provider's user (needs the admin role)."
  type        = string
  default     = null
}

data "domaintrust_api_keys" "remaining" {
  user_id                = var.user_id
  include_auto_generated = true
}

check "leaked_key_revoked" {
  assert {
    condition     = !contains(data.domaintrust_api_keys.remaining.keys[*].id, var.leaked_key_id)
    error_message = "Domain Trust API key ${var.leaked_key_id} still exists: revoke it."
  }
}

output "remaining_keys" {
  description = "The keys left, to review: any you do not recognise may have been made with the leaked key."
  value = {
    for k in data.domaintrust_api_keys.remaining.keys :
    k.id => "${k.description} (${k.environment}, created ${k.created}, expires ${k.expiration})"
  }
}
