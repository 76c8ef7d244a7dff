#!/usr/bin/env bash
# make demo: see the provider do its job in well under a minute, offline.
#
#   1. builds the provider and the Domain Trust API emulator into a temp dir;
#   2. starts the emulator on a free loopback port;
#   3. writes a throw-away Terraform CLI config whose dev_overrides point at the
#      freshly built provider (your ~/.terraformrc is never read or touched, and
#      Terraform never contacts the registry: no `terraform init` is needed);
#   4. copies examples/quickstart into a temp work dir and runs
#      `terraform apply`, prints the key ids per environment (never the secret
#      values), checks each new key authenticates against the emulator, runs
#      `terraform destroy` and checks the keys were revoked;
#   5. stops the emulator and removes everything it wrote.
#
# Step 5 also runs when a step fails or on Ctrl-C. Nothing lands in the
# repository. Works with bash 3.2 (macOS) and later.
#
# Environment hooks (for tests of this script and for trying other examples):
#   DEMO_EXAMPLE_DIR   example to apply instead of examples/quickstart (it should
#                      have `key_ids` and `keys` outputs like the quickstart's)
#   DEMO_EMULATOR_FLAGS extra emulator flags, e.g. "-latency 2s" or "-fault-rate 0.2"
#
# With an emulator of your own already running (`make emulator`, its two lines
# exported in this shell), the demo uses that one instead, so that its
# dashboard shows the keys appear; at a terminal, it waits for Enter before
# destroying them. It does so only when DOMAINTRUST_ENDPOINT is a loopback
# address that answers the emulator's statistics, never with a real account.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXAMPLE_DIR=${DEMO_EXAMPLE_DIR:-$ROOT/examples/quickstart}

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go 1.26 or later (https://go.dev/dl/)."
# TF_ACC_TERRAFORM_PATH picks another Terraform, or OpenTofu, as for the tests.
TERRAFORM=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}
[ -n "$TERRAFORM" ] || die "terraform is not on PATH; install Terraform >= 1.0 (https://developer.hashicorp.com/terraform/install), or set TF_ACC_TERRAFORM_PATH."
[ -d "$EXAMPLE_DIR" ] || die "example directory $EXAMPLE_DIR does not exist."

# --- timing -------------------------------------------------------------------
# Microseconds since the epoch; $EPOCHREALTIME needs bash 5, else whole seconds.
now_us() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t=${EPOCHREALTIME/[.,]/}
    echo "$t"
  else
    echo "$(($(date +%s) * 1000000))"
  fi
}
DEMO_START=$(now_us)
PHASE_NAME=""
PHASE_START=0
TIMINGS=""
phase() { # phase NAME: ends the running phase (if any) and starts NAME.
  phase_end
  PHASE_NAME=$1
  PHASE_START=$(now_us)
  say "$1"
}
phase_end() {
  [ -n "$PHASE_NAME" ] || return 0
  local ms=$((($(now_us) - PHASE_START) / 1000))
  TIMINGS="$TIMINGS$(printf '  %-40s %6d.%01d s' "$PHASE_NAME" $((ms / 1000)) $((ms % 1000 / 100)))"$'\n'
  PHASE_NAME=""
}
print_timings() {
  local ms=$((($(now_us) - DEMO_START) / 1000))
  printf '\nTimings:\n%s  %-40s %6d.%01d s\n' "$TIMINGS" "total" $((ms / 1000)) $((ms % 1000 / 100))
}

# --- scratch space and cleanup ------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/domaintrust-demo.XXXXXX")
EMU_PID=""

stop_emulator() {
  [ -n "$EMU_PID" ] || return 0
  if kill -0 "$EMU_PID" 2>/dev/null; then
    kill -TERM "$EMU_PID" 2>/dev/null || true
    local i=0
    while kill -0 "$EMU_PID" 2>/dev/null && [ $i -lt 100 ]; do # up to 10 s for a graceful stop
      sleep 0.1
      i=$((i + 1))
    done
    if kill -0 "$EMU_PID" 2>/dev/null; then
      echo "demo: the emulator did not stop within 10 s; killing it" >&2
      kill -KILL "$EMU_PID" 2>/dev/null || true
    fi
  fi
  wait "$EMU_PID" 2>/dev/null || true
  EMU_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  phase_end
  stop_emulator
  rm -rf "$WORK"
  print_timings
  if [ "$rc" -eq 0 ]; then
    printf '\nDemo finished: the emulator it started is stopped and the temporary files are removed.\n'
  else
    printf '\nDemo FAILED (exit %d); the emulator is stopped and the temporary files are removed.\n' "$rc" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; exit 130' INT
trap 'echo "demo: terminated" >&2; exit 143' TERM
trap 'echo "demo: step \"$PHASE_NAME\" failed" >&2' ERR

# Everything the tools below write to a temp dir goes to ours, and is removed with it.
mkdir -p "$WORK/tmp" "$WORK/bin" "$WORK/plugins" "$WORK/emulator" "$WORK/quickstart"
export TMPDIR="$WORK/tmp"
echo "Temporary files: $WORK (removed at the end)"

# --- 1. build -------------------------------------------------------------------
phase "Building the provider and the emulator"
# One go command: the two share most packages, and link in parallel.
(cd "$ROOT" && go build -trimpath -o "$WORK/bin/" . ./internal/cmd/domaintrust-emulator)
mv "$WORK/bin/terraform-provider-domaintrust" "$WORK/plugins/"
mv "$WORK/bin/domaintrust-emulator" "$WORK/emulator/"

# --- 2. start the emulator, or use the one the environment points at -------------------
# running_emulator prints the base URL (without /api) of the emulator that
# DOMAINTRUST_ENDPOINT names, or nothing: it must be a loopback http URL that
# answers the emulator's own statistics page, so no real account is used.
running_emulator() {
  local base
  case "${DOMAINTRUST_ENDPOINT:-}" in
  http://127.*/api | http://localhost:*/api | "http://[::1]:"*/api) base=${DOMAINTRUST_ENDPOINT%/api} ;;
  *) return 0 ;;
  esac
  [ -n "${DOMAINTRUST_API_KEY:-}" ] && command -v curl >/dev/null 2>&1 || return 0
  if curl --silent --fail --max-time 5 --output /dev/null "$base/_emulator/stats"; then
    printf '%s\n' "$base"
  fi
}
EXTERNAL_EMULATOR=$(running_emulator)
if [ -n "$EXTERNAL_EMULATOR" ]; then
phase "Using the emulator at $EXTERNAL_EMULATOR"
echo "DOMAINTRUST_ENDPOINT points at a running emulator: the demo uses it and leaves it running."
echo "Watch the keys in its dashboard: $EXTERNAL_EMULATOR/dashboard/ (sign in with DOMAINTRUST_API_KEY)."
else
phase "Starting the emulator"
# set -m puts the emulator in its own process group, so Ctrl-C reaches
# Terraform (which then stops gracefully) but not the emulator, which is
# stopped by cleanup once Terraform is done.
set -m
# shellcheck disable=SC2086 # DEMO_EMULATOR_FLAGS is a list of flags
"$WORK/emulator/domaintrust-emulator" -addr 127.0.0.1:0 -production-access=true ${DEMO_EMULATOR_FLAGS:-} \
  >"$WORK/emulator.env" 2>"$WORK/emulator.log" &
EMU_PID=$!
set +m

DOMAINTRUST_ENDPOINT=""
DOMAINTRUST_API_KEY=""
i=0
while :; do
  lines=$(grep -c '^DOMAINTRUST_' "$WORK/emulator.env" 2>/dev/null || true)
  [ "${lines:-0}" -lt 2 ] || break
  if ! kill -0 "$EMU_PID" 2>/dev/null || [ $i -ge 300 ]; then
    echo "--- the emulator's log:" >&2
    cat "$WORK/emulator.log" >&2 || true
    die "the emulator did not start (it should print its endpoint within 30 s)."
  fi
  sleep 0.1
  i=$((i + 1))
done
# Read the two lines as data (no eval of anything the emulator printed).
while IFS='=' read -r name value; do
  case "$name" in
  DOMAINTRUST_ENDPOINT) DOMAINTRUST_ENDPOINT=$value ;;
  DOMAINTRUST_API_KEY) DOMAINTRUST_API_KEY=$value ;;
  esac
done <"$WORK/emulator.env"
if [ -z "$DOMAINTRUST_ENDPOINT" ] || [ -z "$DOMAINTRUST_API_KEY" ]; then
  die "could not read the emulator's endpoint and key."
fi
export DOMAINTRUST_ENDPOINT DOMAINTRUST_API_KEY
echo "emulator (pid $EMU_PID) listening at $DOMAINTRUST_ENDPOINT; DOMAINTRUST_API_KEY is set (not shown)"
fi

# --- 3. Terraform configuration ---------------------------------------------------------
# shellcheck source=scripts/dev-overrides.sh
. "$ROOT/scripts/dev-overrides.sh"
use_dev_overrides "$WORK" "$WORK/plugins"

cp -R "$EXAMPLE_DIR/." "$WORK/quickstart/"
rm -rf "$WORK/quickstart/.terraform" "$WORK/quickstart/.terraform.lock.hcl" "$WORK/quickstart"/terraform.tfstate*

TF_COLOR=""
[ -t 1 ] || TF_COLOR="-no-color"
tf() { "$TERRAFORM" -chdir="$WORK/quickstart" "$@" ${TF_COLOR:+"$TF_COLOR"}; }

# 90 days from now (GNU date, then BSD date); the example's default otherwise.
EXPIRY=$(date -u -d '+90 days' '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null || date -u -v+90d '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null || true)
VAR_ARGS=""
if [ -n "$EXPIRY" ] && grep -q 'variable "expiration"' "$WORK/quickstart"/*.tf 2>/dev/null; then
  VAR_ARGS="-var=expiration=$EXPIRY"
fi

# --- 4. apply, look, destroy -----------------------------------------------------------
phase "terraform apply"
tf apply -auto-approve -input=false -compact-warnings ${VAR_ARGS:+"$VAR_ARGS"}

phase "Summary"
# `terraform output -json NAME` of a map(string) is one flat JSON object. Ids are
# UUIDs and key values URL-safe base64 with a prefix, so no quoting or escapes
# occur and a tr/grep split is enough (no jq needed). Key values are kept in
# shell variables only: never printed, never passed on a command line.
json_pairs() { tr -d '{}" \n' | tr ',' '\n' | grep ':' || true; }
ID_PAIRS=$("$TERRAFORM" -chdir="$WORK/quickstart" output -json key_ids 2>/dev/null | json_pairs)
KEY_PAIRS=$("$TERRAFORM" -chdir="$WORK/quickstart" output -json keys 2>/dev/null | json_pairs)
[ -n "$ID_PAIRS" ] || die "the example has no key_ids output (a map of environment => key id)."

HAVE_CURL=""
if command -v curl >/dev/null 2>&1; then HAVE_CURL=1; fi
key_of() { # key_of ENV: the secret value of ENV's key, from KEY_PAIRS.
  # A pipe from the printf builtin, not a here-document: bash may write those to disk.
  printf '%s\n' "$KEY_PAIRS" | while IFS=':' read -r e k; do
    if [ "$e" = "$1" ]; then
      printf '%s' "$k"
    fi
  done
}
auth_status() { # auth_status ENV: HTTP status of GET /user with ENV's new key as bearer.
  local key
  key=$(key_of "$1")
  if [ -z "$HAVE_CURL" ] || [ -z "$key" ]; then
    echo "-"
    return 0
  fi
  # The header reaches curl on stdin, so the key never shows in a process list.
  printf 'header = "Authorization: Bearer %s"\n' "$key" |
    curl --silent --output /dev/null --write-out '%{http_code}' --max-time 10 --config - \
      "$DOMAINTRUST_ENDPOINT/user" || echo "-"
}
key_table() { # key_table WANT_STATUS: prints env, id, GET /user status; fails on a mismatch.
  local env id status bad=""
  printf '  %-12s %-38s %s\n' "environment" "key id" "GET /user with the key"
  while IFS=':' read -r env id; do
    status=$(auth_status "$env")
    printf '  %-12s %-38s %s\n' "$env" "$id" "$status"
    if [ "$status" != "-" ] && [ "$status" != "$1" ]; then
      bad="$bad $env"
    fi
  done <<EOF
$ID_PAIRS
EOF
  if [ -z "$HAVE_CURL" ]; then
    echo "  (curl is not installed: the keys were not tried against the API)"
  fi
  if [ -n "$bad" ]; then
    echo "demo: expected GET /user to answer $1 for:$bad" >&2
    return 1
  fi
}
echo "Keys created. The secret values are not shown: Terraform keeps them in state,"
echo "marked sensitive (the outputs above show keys = <sensitive>)."
key_table 200
if [ -n "$EXTERNAL_EMULATOR" ] && [ -t 0 ]; then
  phase_end
  printf '\nThe keys are in the dashboard now: %s/dashboard/\nPress Enter to destroy them. ' "$EXTERNAL_EMULATOR"
  read -r _
fi

phase "terraform destroy"
tf destroy -auto-approve -input=false -compact-warnings ${VAR_ARGS:+"$VAR_ARGS"}

phase "Checking the keys are revoked"
echo "After destroy, the same keys are refused:"
key_table 401
KEY_PAIRS=""

# --- 5. stop -------------------------------------------------------------------
if [ -z "$EXTERNAL_EMULATOR" ]; then
  phase "Stopping the emulator"
  stop_emulator
fi
phase_end
