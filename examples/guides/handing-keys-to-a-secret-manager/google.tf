# Google Secret Manager. secret_data_wo is write-only; a new
# secret_data_wo_version replaces the secret version, which
# create_before_destroy makes add the new version before it destroys the old.
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.23.0" # secret_data_wo
    }
  }
}

resource "google_secret_manager_secret" "domaintrust" {
  secret_id = "domaintrust-api-key"

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "domaintrust" {
  secret                 = google_secret_manager_secret.domaintrust.id
  secret_data_wo         = ephemeral.domaintrust_unsealed_api_key.service.key
  secret_data_wo_version = domaintrust_api_key.service.secret_version

  lifecycle {
    create_before_destroy = true
  }
}
