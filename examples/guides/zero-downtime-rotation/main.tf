# A production key that rotates itself: valid for 90 days, replaced by a new
# key in its last 14 days, and delivered to the service before the old key
# is deleted. Run `terraform apply` on a schedule (daily, say) so that some
# run falls inside every 14-day window.

terraform {
  required_version = ">= 1.4" # terraform_data

  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials from DOMAINTRUST_API_KEY (and DOMAINTRUST_ENDPOINT).
provider "domaintrust" {}

resource "domaintrust_api_key" "scoring" {
  environment = "production"
  description = "Abuse scoring service"

  rotation = {
    period        = "2160h" # each key is valid for 90 days from its creation
    rotate_before = "336h"  # and is replaced in its last 14 days
  }

  # New key first, then everything that uses it, then delete the old key.
  lifecycle {
    create_before_destroy = true
  }
}

# Hands the current key to the service's secret store. A new key has a new
# id, which replaces this resource and runs the script again, before the old
# key is deleted. If the script fails, the apply stops there and the old key
# is kept, still working, until an apply delivers the new one.
resource "terraform_data" "deliver_scoring_key" {
  triggers_replace = domaintrust_api_key.scoring.id

  provisioner "local-exec" {
    command = "./deliver-key.sh"
    environment = {
      KEY_ID    = domaintrust_api_key.scoring.id
      KEY_VALUE = domaintrust_api_key.scoring.key
    }
  }
}
