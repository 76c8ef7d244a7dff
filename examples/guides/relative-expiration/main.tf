# A key that expires 90 days after it was created, without rotation: the
# expiry is computed once, when the key is created, and then kept.
# plantimestamp() needs Terraform 1.5 or later.

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

resource "domaintrust_api_key" "partner_feed" {
  environment = "testing"
  description = "Partner feed import"

  # 90 days from the plan that creates the key. Every later plan computes a
  # later time; ignore_changes keeps the one the key was created with, until
  # the key is replaced (terraform apply -replace=ADDRESS).
  expiration = timeadd(plantimestamp(), "2160h")

  lifecycle {
    ignore_changes        = [expiration]
    create_before_destroy = true
  }
}

output "partner_feed_key_expires" {
  description = "When the key stops working. Nothing renews it: replace it before then."
  value       = domaintrust_api_key.partner_feed.expiration
}
