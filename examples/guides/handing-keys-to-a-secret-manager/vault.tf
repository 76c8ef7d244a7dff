# HashiCorp Vault, KV version 2. data_json_wo is write-only; a new
# data_json_wo_version writes a new version of the secret.
terraform {
  required_providers {
    vault = {
      source  = "hashicorp/vault"
      version = ">= 5.0.0" # data_json_wo
    }
  }
}

resource "vault_kv_secret_v2" "domaintrust" {
  mount = "secret"
  name  = "scoring/domaintrust"
  data_json_wo = jsonencode({
    api_key = ephemeral.domaintrust_unsealed_api_key.service.key
  })
  data_json_wo_version = domaintrust_api_key.service.secret_version
}
