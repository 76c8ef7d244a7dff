# The key the deploy pipeline uses, sealed for the repository's GitHub
# Actions secrets: the provider encrypts it with the repository's public key
# the moment Domain Trust returns it, and the state holds only the ciphertext.
resource "domaintrust_api_key" "deploy" {
  environment = "production"
  description = "Deploy pipeline (GitHub Actions)"

  rotation = {
    period        = "2160h" # 90 days
    rotate_before = "336h"  # replaced in its last 14 days
  }

  # Workflow runs that started before a rotation still hold the old key:
  # it keeps working for a day after it is replaced, then expires.
  retire_after = "24h"

  seal = {
    recipient = local.github_public_key
  }

  lifecycle {
    create_before_destroy = true
  }
}
