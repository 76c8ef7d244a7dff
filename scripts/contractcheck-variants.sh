#!/usr/bin/env bash
# The contract check (internal/cmd/contractcheck), run as a user runs it,
# against the emulator command in its default reading and in each variant
# (admin-writes as a member): each run must name the variant it met, print
# no secret, and leave no working key behind. CI runs this; so can you.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
emulator_pid=""
stop_emulator() {
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" && wait "$emulator_pid" || true
  fi
  emulator_pid=""
}
trap 'stop_emulator; rm -rf "$work"' EXIT INT TERM
fail() { echo "contract check against the emulator FAILED: $*" >&2; exit 1; }

go build -o "$work/domaintrust-emulator" ./internal/cmd/domaintrust-emulator
go build -o "$work/contractcheck" ./internal/cmd/contractcheck

for variant in default expired-hidden no-key-paging admin-writes no-patch uuid-secrets; do
  args=(-addr 127.0.0.1:0)
  want="Emulator variants this API matches: none (the emulator's default reading)"
  if [ "$variant" != default ]; then
    args+=(-variant "$variant")
    want="Emulator variants this API matches: $variant"
  fi
  [ "$variant" = admin-writes ] && args+=(-role member)
  "$work/domaintrust-emulator" "${args[@]}" >"$work/env" 2>"$work/emulator.log" &
  emulator_pid=$!
  for _ in $(seq 100); do [ "$(wc -l <"$work/env")" -ge 2 ] && break; sleep 0.1; done
  [ "$(wc -l <"$work/env")" -ge 2 ] || { cat "$work/emulator.log" >&2; fail "the emulator ($variant) did not print its two lines"; }
  started=$SECONDS
  (set -a; . "$work/env"; set +a; "$work/contractcheck" -key-lifetime 2s) >"$work/check.log" 2>&1 ||
    { cat "$work/check.log" >&2; fail "contractcheck against $variant exited non-zero"; }
  api_key=$(sed -n 's/^DOMAINTRUST_API_KEY=//p' "$work/env")
  if grep -qF -- "$api_key" "$work/check.log"; then fail "contractcheck printed the API key ($variant)"; fi
  grep -qxF -- "$want" "$work/check.log" || { cat "$work/check.log" >&2; fail "contractcheck did not name $variant"; }
  grep -q '^Left behind: nothing' "$work/check.log" || { cat "$work/check.log" >&2; fail "contractcheck left a key behind ($variant)"; }
  stop_emulator
  echo "$variant: named by the contract check in $((SECONDS - started)) s"
done
