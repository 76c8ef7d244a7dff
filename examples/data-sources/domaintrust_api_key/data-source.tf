# Read a key by id, for example one created in the Domain Trust dashboard.
# Everything but the secret value is available: Domain Trust shows that only
# once, when the key is created.
data "domaintrust_api_key" "ci" {
  id = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
}

output "ci_key" {
  value = {
    description = data.domaintrust_api_key.ci.description
    environment = data.domaintrust_api_key.ci.environment
    expiration  = data.domaintrust_api_key.ci.expiration
    owner       = data.domaintrust_api_key.ci.user_id
  }
}

# Warn on every plan once the key is within 14 days of its expiry. A check
# block reports a warning and never stops the run (Terraform 1.5 or later).
check "ci_key_not_expiring_soon" {
  assert {
    condition     = timecmp(data.domaintrust_api_key.ci.expiration, timeadd(plantimestamp(), "336h")) > 0
    error_message = "API key ${data.domaintrust_api_key.ci.id} expires at ${data.domaintrust_api_key.ci.expiration}, within 14 days. Rotate it."
  }
}
