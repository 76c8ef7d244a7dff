# Terraform 1.5 and later: import with an import block, then `terraform plan`.
# With configuration matching the key, the plan shows the import and no change.
import {
  to = domaintrust_api_key.ci["production"]
  id = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
}
