# The GitHub side: the repository's public key to seal for, and the Actions
# secret that receives the sealed key. Needs the integrations/github provider
# and a token that may manage the repository's secrets (GITHUB_TOKEN).
terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
    github = {
      source  = "integrations/github"
      version = "~> 6.0"
    }
  }
}

provider "github" {
  owner = "example-org"
}

data "github_actions_public_key" "deploy" {
  repository = "deploy"
}

locals {
  github_public_key = data.github_actions_public_key.deploy.key
}

resource "github_actions_secret" "domaintrust" {
  repository      = "deploy"
  secret_name     = "DOMAINTRUST_API_KEY"
  encrypted_value = domaintrust_api_key.deploy.sealed_key
}
