# The configuration under test: one key per environment for a service.
# tests/ holds its tests (Terraform 1.7 and later for mock_provider):
#   terraform test                                  # every file in tests/
#   terraform test -filter=tests/mock.tftest.hcl    # the mocked file only: no API at all

terraform {
  required_version = ">= 1.7"

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials from DOMAINTRUST_API_KEY and DOMAINTRUST_ENDPOINT: for the
# emulator, the two lines it prints when it starts.
provider "domaintrust" {}

variable "service" {
  description = "What the keys are for; the environment is appended."
  type        = string
}

variable "environments" {
  description = "Environments to create a key in."
  type        = set(string)
  default     = ["testing"]

  validation {
    condition     = alltrue([for e in var.environments : contains(["testing", "production"], e)])
    error_message = "Every environment must be \"testing\" or \"production\"."
  }
}

resource "domaintrust_api_key" "this" {
  for_each = var.environments

  environment = each.key
  description = "${var.service} (${each.key})"

  rotation = {
    period        = "2160h"
    rotate_before = "336h"
  }

  lifecycle {
    create_before_destroy = true
  }
}

output "key_ids" {
  description = "Key id per environment."
  value       = { for env, k in domaintrust_api_key.this : env => k.id }
}

output "keys" {
  description = "Key value per environment."
  value       = { for env, k in domaintrust_api_key.this : env => k.key }
  sensitive   = true
}
