# Adopts many keys created in the dashboard at once: one import block with
# for_each (Terraform 1.7 and later), driven by the ids in dashboard-keys.tfvars.
#   terraform plan  -var-file=dashboard-keys.tfvars   # N to import, 0 to add, 0 to change
#   terraform apply -var-file=dashboard-keys.tfvars

terraform {
  required_version = ">= 1.7"

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials from DOMAINTRUST_API_KEY (and DOMAINTRUST_ENDPOINT).
provider "domaintrust" {}

variable "dashboard_keys" {
  description = "Keys to adopt, by the name they get in Terraform: each key's id and its current settings."
  type = map(object({
    id          = string
    environment = string
    description = string
    expiration  = string
  }))
}

# Once a key is in state, Terraform ignores its import block, so the blocks
# can stay (or go) after the first apply.
import {
  for_each = var.dashboard_keys
  to       = domaintrust_api_key.adopted[each.key]
  id       = each.value.id
}

resource "domaintrust_api_key" "adopted" {
  for_each = var.dashboard_keys

  environment = each.value.environment
  description = each.value.description
  expiration  = each.value.expiration

  lifecycle {
    create_before_destroy = true
  }
}
