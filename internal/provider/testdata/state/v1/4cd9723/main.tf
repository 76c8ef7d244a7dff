# The state of the last build at schema version 1 (before secret_version):
# a testing key with a fixed expiry and rotation triggers, a production key
# under built-in rotation, and keys sealed for age and for a sealed box, one
# retired on destroy (see ../../README.md).

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

resource "domaintrust_api_key" "sealed_age" {
  environment  = "testing"
  description  = "sealed for age, retired on destroy"
  expiration   = "2030-01-01T00:00:00Z"
  seal         = { recipient = "age1x2m97y27gtxl5m3xpzfdxx4cy4phf9yl8s35lw4f6rqugv57s59skjqj46" }
  retire_after = "72h"
}

resource "domaintrust_api_key" "sealed_box" {
  environment = "testing"
  description = "sealed box"
  expiration  = "2030-01-01T00:00:00Z"
  seal        = { recipient = "zJCgJI9ZKLvPLn653Y5xtV5cVjqwZv2b4MAhae86dRw=" }
}
