# The opened key can also configure a provider: here a second domaintrust
# provider that acts as the service would, with its key, and reads that key.
# It checks, in every run, that what the secret manager holds works; like
# the write-only arguments, a provider configuration is never stored.
provider "domaintrust" {
  alias   = "as_service"
  api_key = ephemeral.domaintrust_unsealed_api_key.service.key
}

data "domaintrust_api_key" "as_service" {
  provider = domaintrust.as_service
  id       = domaintrust_api_key.service.id
}

output "service_key_expires" {
  description = "When the key the service holds expires, as the service's own key reads it."
  value       = data.domaintrust_api_key.as_service.expiration
}
