# A revocation that may run again (in a runbook, say): a key that is already
# gone is a success.
variable "leaked_key_id" {
  description = "Id of the key to revoke."
  type        = string
}

action "domaintrust_revoke_api_key" "runbook" {
  config {
    id            = var.leaked_key_id
    allow_missing = true
  }
}
