#!/usr/bin/env bash
# make bench: the provider against Terraform's own floor (terraform_data) and
# the framework floor (a minimal terraform-plugin-framework resource).
#
# Builds the provider (as `make build` does), the emulator and the benchmark
# driver (internal/cmd/bench, which also serves the framework floor) into a
# temporary directory, then runs the driver, which starts the emulator on a
# free loopback port and runs, interleaved, create / refresh / update /
# destroy for N keys, N terraform_data resources and N framework-floor
# resources, then a second pass with emulator latency, then a third with the
# same latency and N managed keys in an account of BENCH_ACCOUNT_KEYS. The Markdown report
# goes to stdout, progress to stderr. Nothing is downloaded: no
# `terraform init`, the CLI configuration is a throw-away one with
# dev_overrides for the provider and the framework floor.
#
# Settings (environment):
#   BENCH_NS="100 500 1000"  BENCH_RUNS=3  BENCH_PARALLELISM=10  BENCH_REFRESH=false
#   BENCH_LATENCY=50ms (0 skips the pass)  BENCH_LATENCY_NS="500 1000"  BENCH_LATENCY_RUNS=$BENCH_RUNS
#   BENCH_ACCOUNT_KEYS=5000 (0 skips the pass)  BENCH_ACCOUNT_NS=10
#   BENCH_STEPS="create refresh update destroy" (create and destroy are needed)
#   BENCH_KEEP=1 keeps the driver's work directory (terraform logs) for inspection.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

export CHECKPOINT_DISABLE=1

command -v go >/dev/null || { echo "bench: go is not on PATH" >&2; exit 1; }
# TF_ACC_TERRAFORM_PATH picks another Terraform, as for the tests.
TERRAFORM=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}
[ -n "$TERRAFORM" ] || { echo "bench: terraform is not on PATH (Terraform >= 1.10 needed), or set TF_ACC_TERRAFORM_PATH" >&2; exit 1; }

BUILD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/domaintrust-bench-build.XXXXXX")
driver_pid=""

# shellcheck disable=SC2317 # invoked by the traps below
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    # The driver stops terraform (letting it finish in-flight work) and the
    # emulator, and removes its work directory.
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  rm -rf "$BUILD_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

echo "bench: building the provider, the emulator and the driver" >&2
go build -trimpath -ldflags "-s -w -X main.version=bench" -o "$BUILD_DIR/terraform-provider-domaintrust" .
go build -trimpath -o "$BUILD_DIR/domaintrust-emulator" ./internal/cmd/domaintrust-emulator
go build -trimpath -o "$BUILD_DIR/bench" ./internal/cmd/bench

# In the background and waited for, so that a signal to this script is handled
# at once rather than after the driver has finished.
"$BUILD_DIR/bench" \
  -terraform "$TERRAFORM" \
  -provider "$BUILD_DIR/terraform-provider-domaintrust" \
  -emulator "$BUILD_DIR/domaintrust-emulator" \
  -go-version "$(go version)" &
driver_pid=$!
rc=0
wait "$driver_pid" || rc=$?
driver_pid=""
exit "$rc"
