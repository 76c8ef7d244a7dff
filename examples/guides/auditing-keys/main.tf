# Keys managed here, and a check block that audits every key of the
# provider's user on each plan and apply (Terraform 1.5 and later: check
# blocks, plantimestamp()). A failed assertion is a warning: it never stops a
# run, and neither does an API error inside the check.

terraform {
  required_version = ">= 1.5"

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials from DOMAINTRUST_API_KEY (and DOMAINTRUST_ENDPOINT).
provider "domaintrust" {}

variable "known_unmanaged_key_ids" {
  description = "Ids of keys that are not managed here on purpose, such as the key Terraform itself authenticates with."
  type        = set(string)
  default     = []
}

resource "domaintrust_api_key" "service" {
  for_each = toset(["testing", "production"])

  environment = each.key
  description = "Abuse scoring service (${each.key})"

  rotation = {
    period        = "2160h" # 90 days: the longest lifetime the policy below allows
    rotate_before = "336h"  # 14 days: longer than the 7 days of the expiry warning
  }

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  managed_ids          = [for k in domaintrust_api_key.service : k.id]
  managed_descriptions = [for k in domaintrust_api_key.service : k.description]
}

check "api_key_policy" {
  # Read on every plan and apply. Auto-generated keys (dashboard and CLI
  # logins) are not listed; an admin can audit another user with user_id.
  data "domaintrust_api_keys" "all" {}

  # Keys that expire within 7 days, or have expired. Keys rotated here are
  # replaced 14 days before they expire, so they only show up when no apply
  # has run for a week.
  assert {
    condition = alltrue([
      for k in data.domaintrust_api_keys.all.keys :
      timecmp(k.expiration, timeadd(plantimestamp(), "168h")) > 0
    ])
    error_message = "API keys that expire within 7 days, or have expired: ${join("; ", [
      for k in data.domaintrust_api_keys.all.keys :
      "${k.id} (${k.description}, expires ${k.expiration})"
      if timecmp(k.expiration, timeadd(plantimestamp(), "168h")) <= 0
    ])}."
  }

  # Keys valid for more than 90 days from their creation.
  assert {
    condition = alltrue([
      for k in data.domaintrust_api_keys.all.keys :
      timecmp(k.expiration, timeadd(k.created, "2160h")) <= 0
    ])
    error_message = "API keys valid for more than 90 days: ${join("; ", [
      for k in data.domaintrust_api_keys.all.keys :
      "${k.id} (${k.description}, created ${k.created}, expires ${k.expiration})"
      if timecmp(k.expiration, timeadd(k.created, "2160h")) > 0
    ])}."
  }

  # Keys this configuration does not manage. A key with the description of a
  # managed key is its previous generation: an apply that rotates a key lists
  # the keys before it deletes the old one, at its very end.
  assert {
    condition = alltrue([
      for k in data.domaintrust_api_keys.all.keys :
      contains(local.managed_ids, k.id) || contains(local.managed_descriptions, k.description) || contains(var.known_unmanaged_key_ids, k.id)
    ])
    error_message = "API keys not managed by this configuration: ${join("; ", [
      for k in data.domaintrust_api_keys.all.keys :
      "${k.id} (${k.description}, ${k.environment})"
      if !(contains(local.managed_ids, k.id) || contains(local.managed_descriptions, k.description) || contains(var.known_unmanaged_key_ids, k.id))
    ])}. Adopt them (import) or delete them in the dashboard."
  }
}
