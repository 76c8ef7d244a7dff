# The opened key, handed to AWS Secrets Manager through a write-only
# argument (hashicorp/aws 5.88.0 or later, Terraform 1.11 or OpenTofu 1.11):
# neither this state nor the AWS resource's holds it. A new key has a new
# secret_version, which sends it again.
resource "aws_secretsmanager_secret" "service" {
  name = "scoring/domaintrust-api-key"
}

resource "aws_secretsmanager_secret_version" "service" {
  secret_id                = aws_secretsmanager_secret.service.id
  secret_string_wo         = ephemeral.domaintrust_unsealed_api_key.service.key
  secret_string_wo_version = domaintrust_api_key.service.secret_version
}
