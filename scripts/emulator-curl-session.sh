#!/usr/bin/env bash
# The emulator command, started as its README says, serves a real curl
# session: create a key, use it as bearer, patch its expiry, list it, delete
# it, and see 401 with it afterwards. CI runs this; so can you.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" && wait "$emulator_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "curl session FAILED: $*" >&2; exit 1; }

go build -o "$work/domaintrust-emulator" ./internal/cmd/domaintrust-emulator
"$work/domaintrust-emulator" -addr 127.0.0.1:0 >"$work/env" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do [ "$(wc -l <"$work/env")" -ge 2 ] && break; sleep 0.1; done
[ "$(wc -l <"$work/env")" -ge 2 ] || { cat "$work/emulator.log" >&2; fail "the emulator did not print its two lines"; }
# shellcheck disable=SC1091
. "$work/env"

api() { # METHOD PATH BEARER [BODY] -> prints "STATUS BODY"
  local args=(-sS -o "$work/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" -H 'Accept: application/json')
  [ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' --data "$4")
  local status
  status=$(curl "${args[@]}" "$DOMAINTRUST_ENDPOINT$2")
  echo "$status $(cat "$work/body")"
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

expiry=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
later=$(date -u -d '+60 days' +%Y-%m-%dT%H:%M:%SZ)

read -r status body < <(api POST /keys "$DOMAINTRUST_API_KEY" "{\"key\":{\"description\":\"curl session\",\"environment\":\"testing\",\"expiry\":\"$expiry\"}}")
[ "$status" = 201 ] || fail "create answered $status"
id=$(echo "$body" | json '["key"]["id"]')
secret=$(echo "$body" | json '["key"]["key"]')
echo "created key $id"

read -r status body < <(api GET "/keys/$id" "$secret")
[ "$status" = 200 ] || fail "GET with the new key as bearer answered $status"
echo "$body" | grep -q '"key":"' && fail "GET returned the secret value"
echo "the new key authenticates"

read -r status body < <(api PATCH "/keys/$id" "$secret" "{\"key\":{\"expiry\":\"$later\"}}")
[ "$status" = 200 ] || fail "PATCH answered $status"
[ "$(echo "$body" | json '["key"]["expiry"]')" = "$later" ] || fail "PATCH did not move the expiry: $body"
echo "patched expiry to $later"

read -r status body < <(api GET "/keys?environment=testing" "$secret")
[ "$status" = 200 ] || fail "list answered $status"
echo "$body" | json '["keys"]' | grep -q "$id" || fail "list lacks $id"
echo "listed it"

read -r status _ < <(api DELETE "/keys/$id" "$secret")
[ "$status" = 204 ] || fail "DELETE answered $status"
read -r status _ < <(api GET "/keys/$id" "$secret")
[ "$status" = 401 ] || fail "the deleted key still authenticates (GET answered $status)"
echo "deleted; the key now answers 401"
echo "curl session passed"
