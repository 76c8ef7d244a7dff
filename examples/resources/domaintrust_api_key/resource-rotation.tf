# Built-in rotation: each key is valid for `period` from its creation. Once a
# plan runs within `rotate_before` of the key's expiry (or after it), the plan
# replaces the key and says why. `expiration` is computed.
resource "domaintrust_api_key" "scoring" {
  environment = "production"
  description = "Abuse scoring service"

  rotation = {
    period        = "2160h" # 90 days
    rotate_before = "336h"  # 14 days
  }

  lifecycle {
    create_before_destroy = true
  }
}
