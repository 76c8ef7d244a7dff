package provider

import (
	"encoding/json"
	"strings"
	"testing"
)

// validateDiagnostic is one entry of `terraform validate -json`.
type validateDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Range    *struct {
		Start struct {
			Line int `json:"line"`
		} `json:"start"`
	} `json:"range"`
}

// TestAccValidate_mistakesAtTheAttribute runs `terraform validate` on each
// mistake the provider can know about without the API and reads what
// Terraform shows: exactly one error, on the line of the attribute to fix
// (for rotation's durations, the `rotation = {` line: Terraform 1.11 places
// no diagnostic deeper), whose text names the attribute and holds no literal
// "\n" and no Go parse error.
func TestAccValidate_mistakesAtTheAttribute(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	for _, tc := range []struct {
		name, config string
		at           string // the text of the line the error must point at
		detail       string
	}{
		{"period in days", `
resource "domaintrust_api_key" "test" {
  environment = "testing"
  rotation = {
    period        = "90d"
    rotate_before = "336h"
  }
}`, "rotation = {", `rotation.period: "90d" is not a duration: Go durations have no unit for days. Write "2160h" for 90 days.`},
		{"rotate_before not shorter than period", `
resource "domaintrust_api_key" "test" {
  environment = "testing"
  rotation = {
    period        = "24h"
    rotate_before = "24h"
  }
}`, "rotation = {", `rotation.rotate_before (24h) must be shorter than period (24h)`},
		{"request_timeout in words", `
provider "domaintrust" {
  request_timeout = "thirty seconds"
}
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "2030-01-01T00:00:00Z"
}`, "request_timeout =", `request_timeout: "thirty seconds" is not a duration. Write a number followed by a unit`},
		{"user_id not a UUID", `
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "2030-01-01T00:00:00Z"
  user_id     = "bob"
}`, "user_id     =", `Attribute user_id must be a Domain Trust user id, a UUID`},
		{"expiration not RFC 3339", `
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "30 June 2027"
}`, "expiration  =", `"30 June 2027" is not an RFC 3339 time`},
		{"seal recipient that is a private key", `
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "2030-01-01T00:00:00Z"
  seal = {
    recipient = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"
  }
}`, "seal = {", `seal.recipient: the value is an age identity (AGE-SECRET-KEY-...), a private key: give its recipient instead`},
		{"seal recipient in neither form", `
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "2030-01-01T00:00:00Z"
  seal = {
    recipient = "c2hvcnQ="
  }
}`, "seal = {", `decodes to 5 bytes, want 32; a recipient is a base64 Curve25519 public key of 32 bytes, for a libsodium sealed box`},
		{"seal recipient that is a low-order age point", `
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "2030-01-01T00:00:00Z"
  seal = {
    recipient = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z"
  }
}`, "seal = {", `seal.recipient: the value is not a usable age X25519 recipient (a low-order point, such as all zeros)`},
		{"seal recipient that is a low-order sealed-box key", `
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "2030-01-01T00:00:00Z"
  seal = {
    recipient = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
  }
}`, "seal = {", `seal.recipient: the value is not a usable Curve25519 public key (a low-order point, such as all zeros)`},
		{"retire_after below a minute", `
resource "domaintrust_api_key" "test" {
  environment  = "testing"
  expiration   = "2030-01-01T00:00:00Z"
  retire_after = "30s"
}`, "retire_after =", `retire_after: "30s" is shorter than the minimum of 1m.`},
		{"ttl above the maximum", `
ephemeral "domaintrust_api_key" "test" {
  environment = "testing"
  ttl         = "48h"
}`, "ttl         =", `ttl: "48h" is longer than the maximum of 24h.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli.write(tc.config)
			out, err := cli.run("validate", "-json")
			if err == nil {
				t.Fatalf("validate accepted the mistake:\n%s", out)
			}
			var result struct {
				Diagnostics []validateDiagnostic `json:"diagnostics"`
			}
			if err := json.Unmarshal([]byte(out), &result); err != nil {
				t.Fatalf("validate -json: %v\n%s", err, out)
			}
			var errs []validateDiagnostic
			for _, d := range result.Diagnostics {
				if d.Severity == "error" {
					errs = append(errs, d)
				}
			}
			if len(errs) != 1 {
				t.Fatalf("%d errors, want exactly 1:\n%s", len(errs), out)
			}
			d := errs[0]
			if !strings.Contains(d.Detail, tc.detail) {
				t.Errorf("detail %q lacks %q", d.Detail, tc.detail)
			}
			for _, bad := range []string{`\n`, "time: ", "parsing time"} {
				if strings.Contains(d.Detail, bad) {
					t.Errorf("detail %q holds %q", d.Detail, bad)
				}
			}
			line := 0
			for i, text := range strings.Split(requiredProviders+tc.config, "\n") {
				if strings.Contains(text, tc.at) {
					line = i + 1
				}
			}
			if d.Range == nil || d.Range.Start.Line != line {
				t.Errorf("diagnostic at %+v, want line %d (%q):\n%s", d.Range, line, tc.at, out)
			}
		})
	}
	if n := env.stats().Total; n != 0 {
		t.Errorf("terraform validate sent %d requests, want 0", n)
	}
}
