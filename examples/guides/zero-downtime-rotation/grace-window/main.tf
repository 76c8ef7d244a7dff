# The same rotating key, for consumers that Terraform does not update: a
# secrets-manager sync, a service that reads its secret only at startup, a
# job that started before the apply. After a rotation the old key is
# retired rather than deleted: it keeps working for another 24 hours, and
# then expires by itself.

terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

provider "domaintrust" {}

resource "domaintrust_api_key" "scoring" {
  environment = "production"
  description = "Abuse scoring service"

  rotation = {
    period        = "2160h"
    rotate_before = "336h"
  }

  # Longer than the slowest consumer takes to pick up the new key.
  retire_after = "24h"

  lifecycle {
    create_before_destroy = true
  }
}
