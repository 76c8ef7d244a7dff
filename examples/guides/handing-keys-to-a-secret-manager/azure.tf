# Azure Key Vault. value_wo is write-only; a new value_wo_version sets a new
# version of the secret.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 4.23.0" # value_wo
    }
  }
}

variable "key_vault_id" {
  description = "The id of the Key Vault that holds the service's secrets."
  type        = string
}

resource "azurerm_key_vault_secret" "domaintrust" {
  name             = "domaintrust-api-key"
  key_vault_id     = var.key_vault_id
  value_wo         = ephemeral.domaintrust_unsealed_api_key.service.key
  value_wo_version = domaintrust_api_key.service.secret_version
}
