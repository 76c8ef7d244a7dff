# The private half of the pair the key is sealed for, from the environment
# of the run (TF_VAR_seal_identity): never saved in a plan or the state.
variable "seal_identity" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "seal_recipient" {
  description = "The public half: an age recipient (age1...), or a sealed-box public key in base64."
  type        = string
}

resource "domaintrust_api_key" "service" {
  environment = "production"
  description = "Scoring service"

  rotation = {
    period        = "2160h"
    rotate_before = "336h"
  }
  retire_after = "24h"

  seal = {
    recipient = var.seal_recipient
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The key, opened for this run only, and checked against Domain Trust.
ephemeral "domaintrust_unsealed_api_key" "service" {
  sealed_key = domaintrust_api_key.service.sealed_key
  identity   = var.seal_identity
  verify     = true
}
