# Terraform 1.14 and later. Revoke the key now:
#   terraform apply -invoke=action.domaintrust_revoke_api_key.leaked
action "domaintrust_revoke_api_key" "leaked" {
  config {
    id = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
  }
}
