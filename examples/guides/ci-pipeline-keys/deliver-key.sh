#!/usr/bin/env bash
# Stores one Domain Trust API key as the GitHub Actions environment secret
# DOMAINTRUST_API_KEY of a repository. Run by terraform_data.deliver in
# main.tf, with REPOSITORY, ENVIRONMENT, KEY_ID and KEY_VALUE in its
# environment.
#
# Needs the GitHub CLI (gh) with a token that may write the repository's
# environment secrets (GH_TOKEN). For another secret store, replace the
# command; keep passing the value on standard input, never as an argument
# (arguments are visible to every user of the machine).
set -euo pipefail

printf '%s' "$KEY_VALUE" |
  gh secret set DOMAINTRUST_API_KEY --repo "$REPOSITORY" --env "$ENVIRONMENT"
