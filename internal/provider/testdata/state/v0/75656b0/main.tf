# The state of a build before seal and retire_after: a testing key with a
# fixed expiry and rotation triggers, and a production key under built-in
# rotation (see ../../README.md).

resource "domaintrust_api_key" "fixed" {
  environment       = "testing"
  description       = "fixed expiry"
  expiration        = "2030-01-01T00:00:00Z"
  rotation_triggers = { version = "1" }
}

resource "domaintrust_api_key" "rotating" {
  environment = "production"
  description = "rotating"
  rotation = {
    period        = "2160h"
    rotate_before = "336h"
  }

  lifecycle {
    create_before_destroy = true
  }
}
