# shellcheck shell=bash
# Sourced by scripts that run terraform against a locally built provider.
# use_dev_overrides WORKDIR PLUGIN_DIR writes a throw-away CLI configuration
# whose dev_overrides point at PLUGIN_DIR (no terraform init, no registry,
# the user's ~/.terraformrc never read) and isolates terraform from the
# caller's environment.
use_dev_overrides() {
  cat >"$1/terraformrc" <<CONFIG
# Written by $(basename "$0"); removed with its work directory.
provider_installation {
  dev_overrides {
    "domaintrust/domaintrust" = "$2"
  }
  direct {}
}
CONFIG
  export TF_CLI_CONFIG_FILE="$1/terraformrc"
  export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
  unset TF_DATA_DIR TF_WORKSPACE TF_REATTACH_PROVIDERS TF_PLUGIN_CACHE_DIR
}
