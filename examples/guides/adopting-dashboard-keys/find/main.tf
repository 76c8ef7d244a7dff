# Lists the keys you have, to decide which to adopt. Creates nothing:
#   terraform apply            # reads the keys, records the output
#   terraform output -json keys

terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials from DOMAINTRUST_API_KEY (and DOMAINTRUST_ENDPOINT).
provider "domaintrust" {}

variable "user_id" {
  description = "Whose keys to list: null for the provider's own user; an admin may name another user of the organization."
  type        = string
  default     = null
}

# Oldest first. Keys minted by dashboard and CLI logins are left out; set
# include_auto_generated = true to see those too.
data "domaintrust_api_keys" "mine" {
  user_id = var.user_id
}

output "keys" {
  description = "Keys by id, with the settings an adopting configuration must repeat."
  value = {
    for k in data.domaintrust_api_keys.mine.keys : k.id => {
      environment = k.environment
      description = k.description
      expiration  = k.expiration
      created     = k.created
    }
  }
}
