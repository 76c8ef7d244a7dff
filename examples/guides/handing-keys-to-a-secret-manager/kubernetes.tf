# A Kubernetes secret. data_wo is write-only; a new data_wo_revision writes
# the secret's data again.
terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.36.0" # data_wo
    }
  }
}

resource "kubernetes_secret_v1" "domaintrust" {
  metadata {
    name      = "domaintrust"
    namespace = "scoring"
  }

  data_wo = {
    DOMAINTRUST_API_KEY = ephemeral.domaintrust_unsealed_api_key.service.key
  }
  data_wo_revision = domaintrust_api_key.service.secret_version
}
