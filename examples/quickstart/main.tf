# Quickstart: one Domain Trust API key per environment.
#
# The provider reads its credentials from the environment:
#   DOMAINTRUST_API_KEY   the API key Terraform acts with (required)
#   DOMAINTRUST_ENDPOINT  the API's base URL (optional; `make demo` points it
#                         at the local emulator)
#
# `make demo` applies and destroys this configuration against the emulator.

terraform {
  required_version = ">= 1.0"

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

provider "domaintrust" {}

resource "domaintrust_api_key" "quickstart" {
  for_each = toset(var.environments)

  environment = each.key
  description = "${var.description} (${each.key})"
  expiration  = var.expiration

  # Replacing a key (new environment, rotation) creates the new key before the
  # old one is deleted, so whatever uses the key never goes without one.
  lifecycle {
    create_before_destroy = true
  }
}
