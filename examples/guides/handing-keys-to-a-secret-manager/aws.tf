# AWS Secrets Manager. secret_string_wo is write-only: AWS receives the key,
# the state does not. secret_string_wo_version tells the provider when to
# send it again: whenever the key is replaced.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.88.0" # secret_string_wo
    }
  }
}

resource "aws_secretsmanager_secret" "domaintrust" {
  name = "scoring/domaintrust-api-key"
}

resource "aws_secretsmanager_secret_version" "domaintrust" {
  secret_id                = aws_secretsmanager_secret.domaintrust.id
  secret_string_wo         = ephemeral.domaintrust_unsealed_api_key.service.key
  secret_string_wo_version = domaintrust_api_key.service.secret_version
}
