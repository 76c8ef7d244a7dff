#!/usr/bin/env bash
# Writes the scoring service's Domain Trust API key to HashiCorp Vault, where
# the service reads it. Run by terraform_data.deliver_scoring_key in main.tf
# with KEY_ID and KEY_VALUE in its environment; needs the vault CLI with
# VAULT_ADDR and a VAULT_TOKEN that may write the path.
#
# `api_key=-` makes vault read the value from standard input: it never
# appears as a command-line argument, which every user of the machine can see.
set -euo pipefail

printf '%s' "$KEY_VALUE" |
  vault kv put -mount=secret scoring/domaintrust api_key=- key_id="$KEY_ID" >/dev/null
