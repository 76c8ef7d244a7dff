# One Domain Trust API key per CI pipeline and environment. Terraform hands
# each key to its pipeline's secret store; no person sees or copies a value.
#
# The provider reads its credentials from the environment of the run:
#   DOMAINTRUST_API_KEY   the key Terraform acts with (required)
#   DOMAINTRUST_ENDPOINT  optional; defaults to the public service

terraform {
  required_version = ">= 1.4" # terraform_data

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

provider "domaintrust" {}

variable "pipelines" {
  description = "CI pipelines that call Domain Trust: repository => the environments it needs a key for."
  type        = map(set(string))
  default = {
    "example-org/scoring"    = ["testing", "production"]
    "example-org/enrichment" = ["testing"]
  }

  validation {
    condition     = alltrue([for envs in values(var.pipelines) : alltrue([for e in envs : contains(["testing", "production"], e)])])
    error_message = "Every environment must be \"testing\" or \"production\"."
  }
}

locals {
  # One entry per pipeline and environment, keyed "REPOSITORY/ENVIRONMENT",
  # such as "example-org/scoring/production".
  ci_keys = merge([
    for repository, environments in var.pipelines : {
      for environment in environments : "${repository}/${environment}" => {
        repository  = repository
        environment = environment
      }
    }
  ]...)
}

resource "domaintrust_api_key" "ci" {
  for_each = local.ci_keys

  environment = each.value.environment
  description = "CI ${each.value.repository} (${each.value.environment}), managed by Terraform"

  # Each key is valid for 90 days and is replaced by a new one in its last
  # 14 days, by whichever plan and apply runs then.
  rotation = {
    period        = "2160h"
    rotate_before = "336h"
  }

  # A replacement key is created, and delivered, before the old one is deleted.
  lifecycle {
    create_before_destroy = true
  }
}

# Delivers each key to its pipeline's secret store. deliver-key.sh receives
# the value in its environment (never on a command line) and Terraform hides
# the script's output, because the environment holds a sensitive value. A new
# key has a new id, which replaces this resource and runs the script again.
resource "terraform_data" "deliver" {
  for_each = domaintrust_api_key.ci

  triggers_replace = each.value.id

  provisioner "local-exec" {
    command = "./deliver-key.sh"
    environment = {
      REPOSITORY  = local.ci_keys[each.key].repository
      ENVIRONMENT = each.value.environment
      KEY_ID      = each.value.id
      KEY_VALUE   = each.value.key
    }
  }
}

# Ids are not secret: they name the keys in the Domain Trust dashboard.
output "ci_key_ids" {
  description = "Key id per \"REPOSITORY/ENVIRONMENT\"."
  value       = { for name, k in domaintrust_api_key.ci : name => k.id }
}

# The values, for a pipeline step that must read one from Terraform instead
# of from the secret store: terraform output -json ci_keys. Whoever can run
# that can read every key, as can whoever can read the state.
output "ci_keys" {
  description = "Key value per \"REPOSITORY/ENVIRONMENT\"."
  value       = { for name, k in domaintrust_api_key.ci : name => k.key }
  sensitive   = true
}
