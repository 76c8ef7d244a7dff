#!/usr/bin/env bash
# Runs `terraform test` in the current directory against a throw-away Domain
# Trust API emulator: for a CI job, or a laptop, with no Domain Trust account
# and no access to the service. Run it after `terraform init`; its arguments
# go to terraform test (such as -filter=tests/emulator.tftest.hcl).
#
#   PROVIDER_SRC  a checkout of github.com/domaintrust/terraform-provider-domaintrust,
#                 at the tag of the provider version you use. The emulator is
#                 built from it, which needs Go.
#   TERRAFORM     the command to run the tests with: terraform (the default),
#                 a path to another Terraform, or tofu for OpenTofu.
#
# The emulator and its files are removed when the script exits, also when a
# test fails.
set -euo pipefail
: "${PROVIDER_SRC:?set PROVIDER_SRC to a checkout of terraform-provider-domaintrust}"

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$PROVIDER_SRC" && go build -o "$work/domaintrust-emulator" ./internal/cmd/domaintrust-emulator)

# Port 0 picks a free port. Once it listens, the emulator prints the two
# variables the provider reads, DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY.
"$work/domaintrust-emulator" -addr 127.0.0.1:0 >"$work/emulator.env" 2>"$work/emulator.log" &
emulator_pid=$!
tries=0
until [ "$(grep -c '^DOMAINTRUST_' "$work/emulator.env")" -ge 2 ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 300 ] || ! kill -0 "$emulator_pid" 2>/dev/null; then
    cat "$work/emulator.log" >&2
    echo "test-against-emulator: the emulator did not start" >&2
    exit 1
  fi
  sleep 0.1
done
set -a
# shellcheck disable=SC1091 # written by the emulator above
. "$work/emulator.env"
set +a

"${TERRAFORM:-terraform}" test "$@"
