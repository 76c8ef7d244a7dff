package provider

import (
	"strings"
	"testing"
)

// TestAccGuideRespondingToALeakedKey proves the guide "Responding to a
// leaked key" (examples/guides/responding-to-a-leaked-key): -replace swaps a
// managed key's value; the check warns while the leaked key exists and
// lists what is left; and, with Terraform 1.14+, the revoke action deletes
// any key, refuses an unknown one, and the managed key's next plan warns and
// creates a new key.
func TestAccGuideRespondingToALeakedKey(t *testing.T) {
	skipWithoutTFAcc(t)
	env := newTestEnv(t, false)
	env.useEnvCredentials(t)

	// Replace a managed key.
	managed := newTFCLI(t, env)
	managed.copyGuideExample("responding-to-a-leaked-key/replace", "main.tf")
	managed.mustRun("apply", "-auto-approve", "-input=false")
	before := managed.stateInstance("domaintrust_api_key.ci")
	out := managed.mustRun("apply", "-auto-approve", "-input=false", "-replace=domaintrust_api_key.ci")
	expectOutput(t, out, "+/- create replacement and then destroy", "Resources: 1 added, 0 changed, 1 destroyed.")
	after := managed.stateInstance("domaintrust_api_key.ci")
	if env.emu.Authenticates(before.key()) {
		t.Error("the replaced key's value still authenticates")
	}
	if after.str("id") == before.str("id") || !env.emu.Authenticates(after.key()) {
		t.Error("the replacement is not a new, working key")
	}

	// Check afterwards: a warning while the leaked key exists, none once it
	// is gone; the remaining keys listed.
	leaked, _ := env.issueKey(env.boot.UserID, testingKey("pasted into a ticket", env.clock.Now().Add(30*day)))
	check := newTFCLI(t, env)
	check.copyGuideExample("responding-to-a-leaked-key/check", "main.tf")
	leakedVar := "-var=leaked_key_id=" + leaked.ID
	out = check.mustRun("apply", "-auto-approve", "-input=false", leakedVar)
	expectOutput(t, out, "Check block assertion failed", "Domain Trust API key "+leaked.ID+" still exists: revoke it.",
		after.str("id"), "CI pipeline (testing, created ")
	if err := env.emu.DeleteKeyOutOfBand(leaked.ID); err != nil {
		t.Fatal(err)
	}
	out = check.mustRun("apply", "-auto-approve", "-input=false", leakedVar)
	if strings.Contains(out, "Check block assertion failed") {
		t.Errorf("the check still warns after the key is gone:\n%s", out)
	}

	t.Run("revoke action", func(t *testing.T) {
		skipWithout(t, featureActions)
		other, secret := env.issueKey(env.boot.UserID, testingKey("committed to a repository", env.clock.Now().Add(30*day)))
		revoke := newTFCLI(t, env)
		revoke.copyGuideExample("responding-to-a-leaked-key/revoke", "main.tf")
		invoke := func(id string) (string, int) {
			return revoke.exitCode("apply", "-auto-approve", "-input=false",
				"-invoke=action.domaintrust_revoke_api_key.leaked", "-var=leaked_key_id="+id)
		}
		if out, code := invoke(other.ID); code != 0 {
			t.Fatalf("invoking the action exited %d:\n%s", code, out)
		}
		if _, ok := env.emu.Key(other.ID); ok || env.emu.Authenticates(secret) {
			t.Error("the revoked key still exists or authenticates")
		}
		out, code := invoke(other.ID)
		if code == 0 {
			t.Fatalf("revoking a key that is gone succeeded:\n%s", out)
		}
		expectOutput(t, out, "API key not found")

		// Revoking the managed key: its next plan warns and creates a new one.
		if out, code := invoke(after.str("id")); code != 0 {
			t.Fatalf("invoking the action for the managed key exited %d:\n%s", code, out)
		}
		out, code = managed.exitCode("plan", "-detailed-exitcode", "-input=false")
		if code != 2 {
			t.Fatalf("plan after revoking the managed key exited %d, want 2:\n%s", code, out)
		}
		expectOutput(t, out, "API key deleted outside Terraform", "Plan: 1 to add, 0 to change, 0 to destroy.")
	})

	managed.mustRun("destroy", "-auto-approve", "-input=false")
}
