# The keys to adopt, from `terraform output -json keys` of the find
# configuration. The names on the left are yours to choose; they become the
# instance keys, as in domaintrust_api_key.adopted["soar_playbook"].
dashboard_keys = {
  soar_playbook = {
    id          = "3f1c9a52-8d4e-4b7a-a1f0-6c2e9d8b7a14"
    environment = "production"
    description = "SOAR playbook: enrich phishing reports"
    expiration  = "2030-06-30T00:00:00Z"
  }
  nightly_export = {
    id          = "9b2e7d41-5c3a-4f86-b0d9-1e4a7c6f3b25"
    environment = "testing"
    description = "Nightly export to the data lake"
    expiration  = "2030-12-31T00:00:00Z"
  }
}
