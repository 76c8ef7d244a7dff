# One key per environment for a CI pipeline. Changing `description` or
# `expiration` updates a key in place; changing `environment` replaces it.
resource "domaintrust_api_key" "ci" {
  for_each = {
    testing    = "2030-06-30T00:00:00Z"
    production = "2030-03-31T00:00:00Z"
  }

  environment = each.key
  description = "GitHub Actions, example-org/example-repo (${each.key})"
  expiration  = each.value

  # When a key is replaced, the new key is created before the old one is
  # deleted, so the pipeline never goes without a working key.
  lifecycle {
    create_before_destroy = true
  }
}

# Ids are not secret.
output "ci_key_ids" {
  value = { for env, k in domaintrust_api_key.ci : env => k.id }
}

# The secret values are known only to the run that created the keys and are
# kept in state, marked sensitive. Hand them to your CI system's secret store,
# for example with its Terraform provider.
output "ci_keys" {
  value     = { for env, k in domaintrust_api_key.ci : env => k.key }
  sensitive = true
}
