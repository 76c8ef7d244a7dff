terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

# Credentials come from the environment, so none are written in configuration:
#
#   export DOMAINTRUST_API_KEY="..."   # required
#   export DOMAINTRUST_ENDPOINT="..."  # optional; defaults to the public service,
#                                      # https://domain-trust.globalcyberalliance.org/api
provider "domaintrust" {
  # Optional tuning; these are the defaults.
  max_retries     = 12
  request_timeout = "30s"
}
