# Rotation on a schedule with the hashicorp/time provider: when time_rotating
# rotates (it is replaced on the first plan after rotation_days), its id
# changes, and the changed rotation_triggers replace the key.
#
# Needs the hashicorp/time provider in required_providers.
resource "time_rotating" "nightly_tests_key" {
  rotation_days = 30
}

resource "domaintrust_api_key" "nightly_tests" {
  environment = "testing"
  description = "Nightly integration tests"

  # Valid until a week after the next scheduled rotation, so a late run does
  # not find the key already expired.
  expiration = timeadd(time_rotating.nightly_tests_key.rotation_rfc3339, "168h")

  rotation_triggers = {
    rotated_at = time_rotating.nightly_tests_key.id
  }

  lifecycle {
    create_before_destroy = true
  }
}
