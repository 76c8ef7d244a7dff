# Adopts one key created in the dashboard (Terraform 1.5 and later). Put the
# key's id here, then let Terraform write its resource block:
#   terraform plan -generate-config-out=generated.tf

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

import {
  to = domaintrust_api_key.billing_sync
  id = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
}
