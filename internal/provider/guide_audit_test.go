package provider

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

var uuidInText = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// checkWarnings splits Terraform's output into the text of each "Check block
// assertion failed" warning.
func checkWarnings(out string) []string {
	parts := strings.Split(out, "Warning: Check block assertion failed")
	if len(parts) < 2 {
		return nil
	}
	warnings := parts[1:]
	for i, w := range warnings {
		// A warning ends where the next diagnostic or the summary starts.
		for _, end := range []string{"\nWarning: ", "\nError: ", "\nApply complete!", "\nNo changes.", "\nTerraform will perform", "\nPlan: "} {
			if j := strings.Index(w, end); j >= 0 {
				w = w[:j]
			}
		}
		warnings[i] = strings.Join(strings.Fields(w), " ")
	}
	return warnings
}

// TestAccGuideAuditingKeys proves the guide "Auditing keys with check
// blocks" (examples/guides/auditing-keys): on plan and apply, one warning
// per broken rule naming exactly the offending keys (expiring within 7 days,
// valid for more than 90 days, not managed here), never a key this
// configuration manages, also in the apply that rotates one; the run still
// succeeds.
func TestAccGuideAuditingKeys(t *testing.T) {
	skipWithoutTFAcc(t)
	// The order of the API requests, and a way to hold back the DELETE of
	// one key until the check's list has been answered.
	var (
		mu         sync.Mutex
		requests   []string
		holdDelete string        // key id whose DELETE waits
		lists      int           // lists answered since holdDelete was set
		listed     chan struct{} // closed at the second: the apply's, after the plan's
	)
	env := newTestEnv(t, true)
	env.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			requests = append(requests, r.Method+" "+r.URL.Path)
			hold, done := holdDelete != "" && r.Method == http.MethodDelete && r.URL.Path == "/api/keys/"+holdDelete, listed
			mu.Unlock()
			if hold {
				select {
				case <-done:
				case <-time.After(time.Minute):
					t.Errorf("the apply never listed the keys while the old key %s existed", holdDelete)
				}
			}
			next.ServeHTTP(w, r)
			if r.Method == http.MethodGet && r.URL.Path == "/api/keys" {
				mu.Lock()
				if lists++; holdDelete != "" && lists == 2 {
					close(listed)
				}
				mu.Unlock()
			}
		})
	})
	env.useEnvCredentials(t)
	now := env.clock.Now().Truncate(time.Second)
	issue := func(environment, description string, expiry time.Time) emulator.Key {
		t.Helper()
		k, _, err := env.emu.IssueKey(env.boot.UserID, emulator.KeySpec{Environment: environment, Description: description, Expiry: expiry})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	soon := issue("testing", "Partner feed", now.Add(3*day))
	long := issue("production", "Legacy SIEM", now.Add(365*day))
	adHoc := issue("testing", "Ad-hoc analysis", now.Add(30*day))
	bootstrap, _ := env.emu.Key(env.boot.KeyID)

	cli := newTFCLI(t, env)
	cli.copyGuideExample("auditing-keys", "main.tf")
	known := `-var=known_unmanaged_key_ids=["` + env.boot.KeyID + `"]`

	managed := func() []string {
		return []string{
			cli.stateInstance(`domaintrust_api_key.service["testing"]`).str("id"),
			cli.stateInstance(`domaintrust_api_key.service["production"]`).str("id"),
		}
	}
	expectAudit := func(what, out string, extraManaged ...string) {
		t.Helper()
		warnings := checkWarnings(out)
		// The key Terraform acts with (the emulator's lives ten years) is
		// exempt from the unmanaged rule only.
		want := map[string][]emulator.Key{
			"API keys that expire within 7 days, or have expired:": {soon},
			"API keys valid for more than 90 days:":                {long, bootstrap},
			"API keys not managed by this configuration:":          {soon, long, adHoc},
		}
		for prefix, keys := range want {
			n := 0
			for _, w := range warnings {
				_, msg, ok := strings.Cut(w, prefix)
				if !ok {
					continue
				}
				n++
				for _, k := range keys {
					if !strings.Contains(msg, k.ID+" ("+k.Description) {
						t.Errorf("%s: the warning %q does not name %s (%s)", what, prefix, k.ID, k.Description)
					}
				}
				for _, id := range append(managed(), extraManaged...) {
					if strings.Contains(msg, id) {
						t.Errorf("%s: the warning %q names %s, a key managed here", what, prefix, id)
					}
				}
				if len(uuidInText.FindAllString(msg, -1)) != len(keys) {
					t.Errorf("%s: the warning %q names other keys than %d:\n%s", what, prefix, len(keys), msg)
				}
			}
			if n != 1 {
				t.Errorf("%s: %d warnings start %q, want 1:\n%s", what, n, prefix, out)
			}
		}
	}

	out := cli.mustRun("apply", "-auto-approve", "-input=false", known)
	expectOutput(t, out, "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.")
	expectAudit("apply", out)

	// While an assertion fails, the plan re-reads the check's data source
	// during apply: no resource changes, but -detailed-exitcode says 2.
	out, code := cli.exitCode("plan", "-input=false", "-detailed-exitcode", known)
	expectOutput(t, out, `in check "api_key_policy"`, "(config will be reloaded to verify a check block)",
		"Plan: 0 to add, 0 to change, 0 to destroy.")
	if code != 2 {
		t.Errorf("plan -detailed-exitcode with failing checks exited %d, want 2", code)
	}
	expectAudit("plan", out)

	// The apply that replaces a managed key lists the keys while the old
	// one still exists: it must not be reported as unmanaged.
	old := cli.stateInstance(`domaintrust_api_key.service["production"]`).str("id")
	// The apply's check lists the keys concurrently with deleting the old
	// one; hold the DELETE back until the list is answered, the case where
	// the old key is listed, so that it is tested on every run.
	mu.Lock()
	holdDelete, lists, listed = old, 0, make(chan struct{})
	mu.Unlock()
	out = cli.mustRun("apply", "-auto-approve", "-input=false", known, `-replace=domaintrust_api_key.service["production"]`)
	expectOutput(t, out, "Resources: 1 added, 0 changed, 1 destroyed.")
	expectAudit("apply with a rotation", out, old)
	mu.Lock()
	holdDelete = ""
	mu.Unlock()

	// Without the allow-list, the key Terraform uses is reported too.
	out = cli.mustRun("plan", "-input=false")
	expectOutput(t, out, env.boot.KeyID+" (emulator bootstrap key, testing)")

	cli.mustRun("destroy", "-auto-approve", "-input=false", known)
}
