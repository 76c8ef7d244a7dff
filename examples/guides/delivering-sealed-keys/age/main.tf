# A key for a service that reads its secrets from age-encrypted files (with
# age itself, or with SOPS and the same age identity). The key is sealed for
# the service's age recipient; the state and the file hold only ciphertext.
terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

variable "age_recipient" {
  description = "The age recipient (age1...) of the identity the service decrypts with: age-keygen -y prints it."
  type        = string
}

resource "domaintrust_api_key" "enrichment" {
  environment = "testing"
  description = "Enrichment service (age file)"

  rotation = {
    period        = "720h" # 30 days
    rotate_before = "168h" # replaced in its last 7 days
  }

  # The service re-reads the file at least every three days: the old key
  # keeps working that long after it is replaced.
  retire_after = "72h"

  seal = {
    recipient = var.age_recipient
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Writes the armored age file, again after every rotation, where the
# service's deployment picks it up.
resource "terraform_data" "key_file" {
  triggers_replace = domaintrust_api_key.enrichment.sealed_key

  provisioner "local-exec" {
    command = "printf '%s' \"$SEALED_KEY\" > domaintrust-key.age"
    environment = {
      SEALED_KEY = domaintrust_api_key.enrichment.sealed_key
    }
  }
}

output "sealed_key" {
  description = "The key, encrypted for var.age_recipient: safe to print, store and commit."
  value       = domaintrust_api_key.enrichment.sealed_key
}
