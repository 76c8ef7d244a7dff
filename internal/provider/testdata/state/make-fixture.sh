#!/usr/bin/env bash
# make-fixture.sh COMMIT DIR writes DIR/terraform-state.json: the state a build
# of the provider at COMMIT writes for DIR/main.tf, applied against the
# emulator, and DIR/emulator-state.json: what that emulator then holds (the
# keys the state names, with hashes of their secrets), which the test loads
# so that every key the state names exists.
#
# It builds COMMIT in a git worktree of its own in a temporary directory, and
# the emulator from the current tree; it runs the Terraform that
# TF_ACC_TERRAFORM_PATH names, else terraform on PATH. Use Terraform 1.11.4,
# the oldest CLI the tests run: a CLI refuses a state file written by a newer
# one. Nothing is left behind but the two files. See README.md.
set -Eeuo pipefail

[ $# -eq 2 ] || { echo "usage: $0 COMMIT FIXTURE_DIR" >&2; exit 2; }
COMMIT=$1
OUT=$(cd "$2" && pwd)
[ -f "$OUT/main.tf" ] || { echo "$OUT/main.tf does not exist" >&2; exit 2; }
ROOT=$(git rev-parse --show-toplevel)
TERRAFORM=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform)}

WORK=$(mktemp -d)
EMU_PID=""
cleanup() {
  [ -z "$EMU_PID" ] || { kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; }
  git -C "$ROOT" worktree remove --force "$WORK/src" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

git -C "$ROOT" worktree add --quiet --detach "$WORK/src" "$COMMIT"
(cd "$WORK/src" && go build -trimpath -o "$WORK/plugins/terraform-provider-domaintrust" .)
(cd "$ROOT" && go build -o "$WORK/domaintrust-emulator" ./internal/cmd/domaintrust-emulator)

"$WORK/domaintrust-emulator" -addr 127.0.0.1:0 -state "$WORK/emulator-state.json" \
  >"$WORK/emulator.env" 2>"$WORK/emulator.log" &
EMU_PID=$!
for _ in $(seq 300); do
  [ "$(grep -c '^DOMAINTRUST_' "$WORK/emulator.env" 2>/dev/null || true)" -ge 2 ] && break
  sleep 0.1
done
while IFS='=' read -r name value; do
  case "$name" in DOMAINTRUST_ENDPOINT | DOMAINTRUST_API_KEY) export "$name=$value" ;; esac
done <"$WORK/emulator.env"
[ -n "${DOMAINTRUST_API_KEY:-}" ] || { cat "$WORK/emulator.log" >&2; exit 1; }

# shellcheck source=scripts/dev-overrides.sh
. "$ROOT/scripts/dev-overrides.sh"
use_dev_overrides "$WORK" "$WORK/plugins"
mkdir "$WORK/config"
cp "$OUT/main.tf" "$WORK/config/"
cat >"$WORK/config/versions.tf" <<'HCL'
terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}
HCL
"$TERRAFORM" -chdir="$WORK/config" apply -auto-approve -input=false -no-color
cp "$WORK/config/terraform.tfstate" "$OUT/terraform-state.json"

kill "$EMU_PID"
wait "$EMU_PID" 2>/dev/null || true
EMU_PID=""
cp "$WORK/emulator-state.json" "$OUT/emulator-state.json"
echo "wrote $OUT/terraform-state.json and $OUT/emulator-state.json (provider at $(git -C "$ROOT" rev-parse --short "$COMMIT"), $("$TERRAFORM" version | head -n1))"
