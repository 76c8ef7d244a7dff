#!/usr/bin/env bash
# make bench: the provider against Terraform's own floor (terraform_data),
# and with BENCH_BASELINE=<git revision> against the provider built from
# that revision, side by side in one interleaved run.
#
# Builds the provider (as `make build` does), the baseline when asked for
# (from `git archive` of the revision, in a temporary directory) and the
# benchmark driver (internal/cmd/bench), then runs the driver, which serves
# the emulator on a free loopback port and runs create / refresh / update /
# destroy for N keys on each side, rotating which side goes first. The
# Markdown report goes to stdout, progress to stderr. Nothing is downloaded
# but Go modules: no `terraform init`, the CLI configuration is a throw-away
# one with dev_overrides.
#
# Settings (environment):
#   BENCH_NS="100 500 1000"  BENCH_RUNS=3  BENCH_PARALLELISM=10
#   BENCH_BASELINE=<revision>   e.g. 75656b0, a build to compare with
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
    # The driver interrupts terraform (letting it finish in-flight work)
    # and removes its work directory.
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

echo "bench: building the provider and the driver" >&2
go build -trimpath -ldflags "-s -w -X main.version=bench" -o "$BUILD_DIR/provider/terraform-provider-domaintrust" .
go build -trimpath -o "$BUILD_DIR/bench" ./internal/cmd/bench
args=(-terraform "$TERRAFORM" -provider "$BUILD_DIR/provider/terraform-provider-domaintrust")

if [ -n "${BENCH_BASELINE:-}" ]; then
  rev=$(git rev-parse --short "$BENCH_BASELINE^{commit}")
  echo "bench: building the baseline from $rev" >&2
  mkdir -p "$BUILD_DIR/baseline-src"
  git archive "$rev" | tar -x -C "$BUILD_DIR/baseline-src"
  (cd "$BUILD_DIR/baseline-src" && go build -trimpath -ldflags "-s -w -X main.version=baseline" -o "$BUILD_DIR/baseline/terraform-provider-domaintrust" .)
  args+=(-baseline "$BUILD_DIR/baseline/terraform-provider-domaintrust" -baseline-name "$rev")
fi

# In the background and waited for, so that a signal to this script is handled
# at once rather than after the driver has finished.
"$BUILD_DIR/bench" "${args[@]}" &
driver_pid=$!
rc=0
wait "$driver_pid" || rc=$?
driver_pid=""
exit "$rc"
