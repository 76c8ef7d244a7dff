# Adopts keys found by `terraform query` (Terraform 1.14 and later). The list
# blocks live in keys.tfquery.hcl beside this file:
#   terraform query                                    # shows what it finds
#   terraform query -generate-config-out=generated.tf  # writes resource and import blocks
#   terraform plan                                     # only imports, no change

terraform {
  required_version = ">= 1.14"

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials from DOMAINTRUST_API_KEY (and DOMAINTRUST_ENDPOINT).
provider "domaintrust" {}
