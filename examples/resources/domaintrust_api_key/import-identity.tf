# Terraform 1.12 and later: import by the key's resource identity, the form
# that `terraform query -generate-config-out` writes.
import {
  to = domaintrust_api_key.ci["production"]
  identity = {
    id = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
  }
}
