# A key for a service that reads it from a secret manager. The key is
# sealed for a key pair whose private half only the Terraform run holds, so
# the state keeps nothing but ciphertext. Every run opens the key for that
# run alone and hands it to the secret manager through a write-only argument
# (aws.tf, vault.tf, azure.tf, google.tf, kubernetes.tf), which no state or
# plan keeps either.
#
# The provider reads its credentials from the environment of the run:
#   DOMAINTRUST_API_KEY   the key Terraform acts with (required)
#   DOMAINTRUST_ENDPOINT  optional; defaults to the public service

terraform {
  # Write-only arguments: Terraform 1.11 or OpenTofu 1.11.
  required_version = ">= 1.11"

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

provider "domaintrust" {}

variable "seal_recipient" {
  description = "The public half of the pair the key is sealed for: an age recipient (age1..., from age-keygen -y), or the standard base64 public key of a sealed-box pair. Not secret."
  type        = string
}

variable "seal_identity" {
  description = "The private half: the age identity (AGE-SECRET-KEY-1...), or the sealed-box private key in standard base64. Set TF_VAR_seal_identity in the environment of the run; never write it into a file."
  type        = string
  sensitive   = true
  # Not saved in a plan file; usable only where ephemeral values are.
  ephemeral = true
}

resource "domaintrust_api_key" "service" {
  environment = "production"
  description = "Scoring service (from the secret manager), managed by Terraform"

  rotation = {
    period        = "2160h" # each key is valid for 90 days
    rotate_before = "336h"  # and is replaced in its last 14 days
  }

  # The service re-reads its secret at least once a day: the old key keeps
  # working that long after it is replaced, then expires.
  retire_after = "24h"

  # Only the holder of var.seal_identity can open sealed_key; key stays null.
  seal = {
    recipient = var.seal_recipient
  }

  # New key first, then the secret manager, then the old key.
  lifecycle {
    create_before_destroy = true
  }
}

# The key, opened for this run only: never in a plan or the state. verify
# makes one GET /user with it, so that a key that no longer works fails the
# run instead of being handed on.
ephemeral "domaintrust_unsealed_api_key" "service" {
  sealed_key = domaintrust_api_key.service.sealed_key
  identity   = var.seal_identity
  verify     = true
}
