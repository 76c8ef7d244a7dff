# A key whose secret never enters the state: it is sealed for the service's
# age recipient (`age-keygen -y key.txt`) as it is created, and kept only as
# ciphertext in sealed_key. A replaced key keeps working for a day.
resource "domaintrust_api_key" "enrichment" {
  environment = "testing"
  description = "Enrichment service"

  rotation = {
    period        = "720h"
    rotate_before = "168h"
  }
  retire_after = "24h"

  seal = {
    recipient = "age1hr6d4k7h6gtdvaj08uc2vlrtktx4tpyrnxf5cje3d8qwpecy94gs933pvf"
  }

  lifecycle {
    create_before_destroy = true
  }
}

output "enrichment_key_age" {
  value = domaintrust_api_key.enrichment.sealed_key
}
