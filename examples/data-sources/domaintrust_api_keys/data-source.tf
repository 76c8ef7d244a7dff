# Warn on every plan about production keys that expire within 14 days (or
# have expired already). The data source lives inside the check block, so
# even an API failure is only a warning and never stops the run. Check blocks
# and plantimestamp() need Terraform 1.5 or later.
check "production_keys_not_expiring_soon" {
  data "domaintrust_api_keys" "production" {
    environment = "production"
  }

  assert {
    condition = alltrue([
      for k in data.domaintrust_api_keys.production.keys :
      timecmp(k.expiration, timeadd(plantimestamp(), "336h")) > 0
    ])
    error_message = format(
      "Production API keys expiring within 14 days: %s. Rotate them before they stop working.",
      join(", ", [
        for k in data.domaintrust_api_keys.production.keys :
        "${k.id} (${k.description}, expires ${k.expiration})"
        if timecmp(k.expiration, timeadd(plantimestamp(), "336h")) <= 0
      ]),
    )
  }
}

# The ids of one user's keys. Listing another user's keys needs the admin
# role in that user's organization; without user_id the provider's own user
# is listed.
variable "user_id" {
  description = "Id of the user whose keys to list."
  type        = string
}

data "domaintrust_api_keys" "user" {
  user_id = var.user_id
}

output "user_key_ids" {
  description = "Ids of the user's API keys, oldest first. Ids are not secret."
  value       = data.domaintrust_api_keys.user.keys[*].id
}
