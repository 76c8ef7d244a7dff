package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAccAPIKey_driftIsExplained reads, through the real CLI, the warnings a
// plan carries when a key was changed or deleted outside Terraform, and
// checks that a plan without drift and an import carry none.
func TestAccAPIKey_driftIsExplained(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	exp := env.future(30 * day)
	cli.write(keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "drift"
  expiration  = %q`, exp)))
	cli.mustRun("apply", "-auto-approve")
	id := cli.stateKeys()[0].id

	out := cli.mustRun("plan")
	if strings.Contains(out, "Warning:") {
		t.Errorf("a plan without drift warns:\n%s", out)
	}

	changed := env.clock.Now().Add(90 * day).UTC().Truncate(time.Second)
	other := "changed in the dashboard"
	if err := env.emu.UpdateKeyOutOfBand(id, &other, &changed); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"plan"}, {"plan", "-refresh-only"}} {
		out := cli.mustRun(args...)
		expectOutput(t, out, "Warning: API key changed outside Terraform", "with domaintrust_api_key.test",
			"Domain Trust API key "+id+" was changed outside Terraform",
			`description "drift" → "changed in the dashboard"`,
			"expiration "+exp+" → "+changed.Format(time.RFC3339),
			"it sets the configured value again, in place (same key, same secret)")
	}
	out = cli.mustRun("apply", "-auto-approve")
	expectOutput(t, out, "Warning: API key changed outside Terraform", "0 added, 1 changed, 0 destroyed")
	if out := cli.mustRun("plan"); strings.Contains(out, "Warning:") {
		t.Errorf("drift was corrected, yet the next plan warns:\n%s", out)
	}

	if err := env.emu.DeleteKeyOutOfBand(id); err != nil {
		t.Fatal(err)
	}
	out = cli.mustRun("plan")
	expectOutput(t, out, "Warning: API key deleted outside Terraform", "with domaintrust_api_key.test",
		`Domain Trust API key `+id+` ("drift") no longer exists in Domain Trust`,
		"the plan creates a new key, with a new secret, in its place", "Plan: 1 to add, 0 to change, 0 to destroy.")

	// An import reads a key whose state knows nothing yet: no drift to tell.
	// One that does not exist is Terraform's own error, not a drift warning.
	cli.write(keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "drift"
  expiration  = %q`, exp)))
	cli.mustRun("state", "rm", "domaintrust_api_key.test")
	k, _, err := env.emu.IssueKey(env.boot.UserID, testingKey("adopted", env.clock.Now().Add(30*day)))
	if err != nil {
		t.Fatal(err)
	}
	out = cli.mustRun("import", "domaintrust_api_key.test", k.ID)
	if strings.Contains(out, "outside Terraform") {
		t.Errorf("import warns of drift:\n%s", out)
	}
	cli.mustRun("state", "rm", "domaintrust_api_key.test")
	out, err = cli.run("import", "domaintrust_api_key.test", id)
	if err == nil || strings.Contains(out, "outside Terraform") {
		t.Errorf("import of a deleted key: err %v\n%s", err, out)
	}
	expectOutput(t, out, "Cannot import non-existent remote object")
	if err := env.emu.DeleteKeyOutOfBand(k.ID); err != nil {
		t.Fatal(err)
	}
}

// TestAccAPIKey_deletedBetweenPlanAndApply: an update whose key was deleted
// after the plan says so and how to recover, rather than "404".
func TestAccAPIKey_deletedBetweenPlanAndApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	config := func(description string) string {
		return keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = %q
  expiration  = %q`, description, env.future(30*day)))
	}
	cli.write(config("before"))
	cli.mustRun("apply", "-auto-approve")
	id := cli.stateKeys()[0].id
	cli.write(config("after"))
	cli.mustRun("plan", "-out=tfplan")
	if err := env.emu.DeleteKeyOutOfBand(id); err != nil {
		t.Fatal(err)
	}
	out, err := cli.run("apply", "tfplan")
	if err == nil {
		t.Fatalf("apply of a plan whose key is gone succeeded:\n%s", out)
	}
	expectOutput(t, out, "Error: API key deleted outside Terraform",
		`Domain Trust API key `+id+` ("before") was deleted after the plan was made`,
		"Run terraform apply again: the new plan creates a key")
	out = cli.mustRun("apply", "-auto-approve")
	expectOutput(t, out, "1 added, 0 changed, 0 destroyed")
	cli.mustRun("destroy", "-auto-approve")
}
