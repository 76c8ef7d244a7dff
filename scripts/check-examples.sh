#!/usr/bin/env bash
# make examples-check: every Terraform example under examples/ is formatted and
# valid against the provider as built from this tree.
#
#   1. terraform fmt -check -diff on every directory under examples/ that holds
#      .tf, .tfvars or .tftest.hcl files (every such file, no exceptions);
#   2. for every directory that holds .tf files, terraform validate on a
#      temporary copy of the directory, with the provider built from this tree
#      and installed through a throw-away CLI config's dev_overrides: no
#      `terraform init`, no registry, nothing downloaded. When no file of the
#      example declares required_providers (tfplugindocs examples usually
#      don't), the copy gets one for domaintrust/domaintrust. validate also
#      checks the example's test files (*.tftest.hcl and tests/*.tftest.hcl);
#   3. terraform test on each of those test files, one at a time, with no
#      Domain Trust credentials in the environment: files that mock the
#      provider (mock_provider) need none. Files that create keys through the
#      API are listed in TEST_NEEDS_API below; make test runs them against the
#      emulator.
# Shell examples (import.sh, the guides' scripts) get a `bash -n` syntax check.
#
# Exclusions from validate (fmt -check still applies to them). Only files that
# need a provider other than domaintrust and Terraform's built-ins belong here:
# such a provider would have to be downloaded from the registry, which this
# check never does. Paths are relative to the repository root; a listed file
# that no longer exists fails the check, so the list cannot go stale.
VALIDATE_EXCLUDE="
examples/resources/domaintrust_api_key/resource-time-rotating.tf  needs hashicorp/time (time_rotating)
examples/guides/delivering-sealed-keys/github-actions/github.tf   needs integrations/github (github_actions_secret)
examples/guides/delivering-sealed-keys/github-actions/key.tf      its recipient comes from github.tf; TestAccGuideDeliveringSealedKeys runs it
examples/guides/handing-keys-to-a-secret-manager/aws.tf            needs hashicorp/aws (aws_secretsmanager_secret_version)
examples/guides/handing-keys-to-a-secret-manager/vault.tf          needs hashicorp/vault (vault_kv_secret_v2)
examples/guides/handing-keys-to-a-secret-manager/azure.tf          needs hashicorp/azurerm (azurerm_key_vault_secret)
examples/guides/handing-keys-to-a-secret-manager/google.tf         needs hashicorp/google (google_secret_manager_secret_version)
examples/guides/handing-keys-to-a-secret-manager/kubernetes.tf     needs hashicorp/kubernetes (kubernetes_secret_v1)
examples/ephemeral-resources/domaintrust_unsealed_api_key/secret-manager.tf  needs hashicorp/aws (aws_secretsmanager_secret_version)
"
# Files that need a newer CLI than the one running: validated only where the
# CLI has the feature. A path, the first Terraform and the first OpenTofu
# version that have it ("-" while no OpenTofu has it), and the feature; the
# tests that run these files are gated the same way.
VALIDATE_NEEDS="
examples/resources/domaintrust_api_key/import-identity.tf                 1.12.0  1.12.0  resource identity
examples/actions/domaintrust_revoke_api_key/action.tf                     1.14.0  -       actions
examples/actions/domaintrust_revoke_api_key/action-allow-missing.tf       1.14.0  -       actions
examples/guides/adopting-dashboard-keys/query/main.tf                     1.14.0  -       list resources
examples/guides/responding-to-a-leaked-key/revoke/main.tf                 1.14.0  -       actions
"
# Test files that step 3 does not run, because they create keys through a live
# API. Same rules as above: a path, the reason, and a listed file must exist.
TEST_NEEDS_API="
examples/guides/testing-offline/tests/emulator.tftest.hcl  runs against the emulator in TestAccGuideTestingOffline (make test)
"
set -Eeuo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

fail() { printf 'examples-check: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || fail "go is not on PATH"
# TF_ACC_TERRAFORM_PATH picks another Terraform, or OpenTofu, as for the tests.
TERRAFORM=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}
[ -n "$TERRAFORM" ] || fail "terraform is not on PATH; install Terraform >= 1.10 (the ephemeral resource examples need it), or set TF_ACC_TERRAFORM_PATH"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/domaintrust-examples-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$WORK/plugins" "$WORK/tmp"
export TMPDIR="$WORK/tmp"

listed_reason() { # listed_reason LIST PATH: prints why LIST names PATH, or nothing.
  printf '%s\n' "$1" | while read -r path reason; do
    if [ -n "$path" ] && [ "$path" = "$2" ]; then
      printf '%s\n' "$reason"
    fi
  done
}
# The CLI's version, and whether it is OpenTofu (both answer version -json).
CLI_VERSION=$("$TERRAFORM" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$CLI_VERSION" ] || fail "could not read the version of $TERRAFORM (version -json)"
CLI_NAME=Terraform
if "$TERRAFORM" version 2>/dev/null | grep -q OpenTofu; then CLI_NAME=OpenTofu; fi
version_at_least() { # version_at_least HAVE WANT
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}
needs_reason() { # needs_reason PATH: why this CLI cannot validate PATH, or nothing.
  printf '%s\n' "$VALIDATE_NEEDS" | while read -r path terraform_min tofu_min feature; do
    [ -n "$path" ] && [ "$path" = "$1" ] || continue
    min=$terraform_min
    [ "$CLI_NAME" = OpenTofu ] && min=$tofu_min
    if [ "$min" = "-" ]; then
      printf '%s %s has no %s\n' "$CLI_NAME" "$CLI_VERSION" "$feature"
    elif ! version_at_least "$CLI_VERSION" "$min"; then
      printf '%s needs %s %s or later\n' "$feature" "$CLI_NAME" "$min"
    fi
  done
}
excluded_reason() { # why PATH is not validated, or nothing
  listed_reason "$VALIDATE_EXCLUDE" "$1"
  needs_reason "$1"
}

FAILURES=""
failed() { # failed FILE-OR-DIR MESSAGE
  FAILURES="$FAILURES  $1: $2"$'\n'
  printf 'FAIL  %s: %s\n' "$1" "$2" >&2
}

# Stale entries are errors: the lists must describe real files.
while read -r list path _; do
  [ -n "$path" ] || continue
  [ -f "$path" ] || failed "$path" "listed in $list (scripts/check-examples.sh) but does not exist"
done <<EOF
$(printf '%s\n' "$VALIDATE_EXCLUDE" | sed -e '/^$/d' -e 's/^/VALIDATE_EXCLUDE /')
$(printf '%s\n' "$VALIDATE_NEEDS" | sed -e '/^$/d' -e 's/^/VALIDATE_NEEDS /')
$(printf '%s\n' "$TEST_NEEDS_API" | sed -e '/^$/d' -e 's/^/TEST_NEEDS_API /')
EOF

echo "Building the provider for dev_overrides..."
go build -trimpath -o "$WORK/plugins/terraform-provider-domaintrust" .

# shellcheck source=scripts/dev-overrides.sh
. "$ROOT/scripts/dev-overrides.sh"
use_dev_overrides "$WORK" "$WORK/plugins"

DIRS=$(find examples -type f -name '*.tf' -not -path '*/.terraform/*' -exec dirname {} \; | LC_ALL=C sort -u)
[ -n "$DIRS" ] || fail "no .tf files under examples/"
FMT_DIRS=$(find examples -type f \( -name '*.tf' -o -name '*.tfvars' -o -name '*.tftest.hcl' \) \
  -not -path '*/.terraform/*' -exec dirname {} \; | LC_ALL=C sort -u)

# 1. formatting
while read -r dir; do
  if ! fmt_out=$("$TERRAFORM" fmt -check -diff -no-color "$dir" 2>&1); then
    failed "$dir" "not formatted (run: terraform fmt $dir)"
    printf '%s\n' "$fmt_out" | sed 's/^/      /' >&2
  fi
done <<EOF
$FMT_DIRS
EOF

checked=0
tested=0
n=0
while read -r dir; do
  n=$((n + 1))
  copy="$WORK/validate/$n"

  # 2. validate a copy, without the excluded files
  mkdir -p "$copy"
  cp -R "$dir/." "$copy/"
  rm -rf "$copy/.terraform" "$copy/.terraform.lock.hcl" "$copy"/terraform.tfstate*
  skipped=""
  for f in "$dir"/*.tf; do
    reason=$(excluded_reason "$f")
    if [ -n "$reason" ]; then
      rm -f "$copy/$(basename "$f")"
      skipped="$skipped $(basename "$f") ($reason)"
    fi
  done
  if ! ls "$copy"/*.tf >/dev/null 2>&1; then
    echo "skip  $dir: every file is excluded from validate:$skipped"
    continue
  fi
  if ! grep -q 'required_providers' "$copy"/*.tf; then
    cat >"$copy/zz_examples_check_required_providers.tf" <<'EOF'
# Added by scripts/check-examples.sh to the temporary copy only.
terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}
EOF
  fi
  # Local modules (such as a test's helper module) are installed as by
  # `terraform init`, which would also look the provider up in the registry.
  if ! get_out=$("$TERRAFORM" -chdir="$copy" get -no-color 2>&1); then
    failed "$dir" "terraform get failed"
    printf '%s\n' "$get_out" | sed 's/^/      /' >&2
    continue
  fi
  if validate_out=$("$TERRAFORM" -chdir="$copy" validate -no-color 2>&1); then
    checked=$((checked + 1))
    if [ -n "$skipped" ]; then
      echo "ok    $dir (not validated:$skipped)"
    else
      echo "ok    $dir"
    fi
    # 3. terraform test, one file at a time, without credentials
    test_files=$(cd "$copy" && { ls ./*.tftest.hcl tests/*.tftest.hcl 2>/dev/null || true; } | sed 's#^\./##')
    for test_file in $test_files; do
      reason=$(listed_reason "$TEST_NEEDS_API" "$dir/$test_file")
      if [ -n "$reason" ]; then
        echo "skip  $dir/$test_file: $reason"
      elif test_out=$(env -u DOMAINTRUST_API_KEY -u DOMAINTRUST_ENDPOINT \
        "$TERRAFORM" -chdir="$copy" test -no-color -filter="$test_file" 2>&1); then
        tested=$((tested + 1))
        echo "ok    $dir/$test_file (terraform test)"
      else
        failed "$dir/$test_file" "terraform test failed (a file that needs the API belongs in TEST_NEEDS_API)"
        printf '%s\n' "$test_out" | sed 's/^/      /' >&2
      fi
    done
  else
    failed "$dir" "terraform validate failed"
    # Drop the dev_overrides warning (expected here), and name the example's
    # files by their path in the repository.
    printf '%s\n' "$validate_out" |
      awk '/^Warning: Provider development overrides are in effect/ { skip = 1; next }
           skip && /releases\.$/ { skip = 0; next }
           !skip' |
      sed -e "s#on \\([^ /]*\\.tf\\) line#on $dir/\\1 line#" -e 's/^/      /' >&2
    # "Missing required provider" names no file: point at the likely ones.
    for addr in $(printf '%s\n' "$validate_out" | tr '\n' ' ' |
      grep -o 'requires provider *registry\.terraform\.io/[a-z0-9_-]*/[a-z0-9_-]*' |
      sed 's#.*registry\.terraform\.io/##' | sort -u); do
      name=${addr#*/}
      if [ "$addr" != "domaintrust/domaintrust" ] && [ "$name" = "domaintrust" ]; then
        echo "      hint: Terraform guessed $addr for a domaintrust_ address that no resource or data block in $dir declares (an import block's 'to', or a reference)." >&2
      else
        files=$( (grep -l "\"${name}_" "$dir"/*.tf 2>/dev/null || true) | sed "s#^$dir/##" | tr "\n" " ")
        files=${files% }
        echo "      hint: $addr is not installed here and is never downloaded by this check. Files using ${name}_ types: ${files:-none found}." >&2
        echo "            If an example needs it, list the file in VALIDATE_EXCLUDE at the top of scripts/check-examples.sh." >&2
      fi
    done
  fi
done <<EOF
$DIRS
EOF

# Shell examples must at least parse.
while read -r sh; do
  [ -n "$sh" ] || continue
  if ! out=$(bash -n "$sh" 2>&1); then
    failed "$sh" "bash -n: $out"
  fi
done <<EOF
$(find examples -type f -name '*.sh' | LC_ALL=C sort)
EOF

if [ -n "$FAILURES" ]; then
  printf '\nexamples-check FAILED:\n%s' "$FAILURES" >&2
  exit 1
fi
echo "examples-check: $n example directories, $checked validated, $tested test files run."
