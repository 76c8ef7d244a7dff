package provider

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

const partnerFeedKey = "domaintrust_api_key.partner_feed"

// plannedChange is one resource's change in a saved plan, with the plan's
// own timestamp (the value of plantimestamp() in that plan).
type plannedChange struct {
	timestamp         time.Time
	actions           []string
	before, afterExp  string
	afterExpIsUnknown bool
}

// TestAccGuideRelativeExpiration proves the guide "Expirations that are not
// fixed dates" (examples/guides/relative-expiration): with ignore_changes,
// the key gets 90 days from the plan that creates it and later plans keep
// that expiry (no change); without it, every plan computes the expiry anew
// from its own timestamp and updates the key whenever that moved; and once a
// pinned key has expired, plans warn about it (Terraform hands the provider
// the pinned value, not the newly computed one).
func TestAccGuideRelativeExpiration(t *testing.T) {
	skipWithoutTFAcc(t)
	env := newTestEnv(t, false)
	env.useEnvCredentials(t)
	example := readGuideExample(t, "relative-expiration/main.tf")
	pin := regexp.MustCompile(`(?m)^\s*ignore_changes\s*=\s*\[expiration\]\n`)
	if len(pin.FindAllString(example, -1)) != 1 {
		t.Fatal("the example no longer pins expiration with ignore_changes = [expiration]")
	}

	cli := newTFCLI(t, env)
	cli.writeFile("main.tf", example)
	created := cli.planChange(partnerFeedKey)
	if !slices.Equal(created.actions, []string{"create"}) || created.afterExp != created.timestamp.Add(90*day).UTC().Format(time.RFC3339) {
		t.Fatalf("creating plan: actions %v, expiration %q; want create with the plan's timestamp + 90 days (%s)",
			created.actions, created.afterExp, created.timestamp)
	}
	cli.mustRun("apply", "-input=false", "tfplan")
	pinned := cli.stateInstance(partnerFeedKey).str("expiration")
	if pinned != created.afterExp {
		t.Fatalf("the key expires %s, the plan said %s", pinned, created.afterExp)
	}
	out := cli.mustRun("output", "-raw", "partner_feed_key_expires")
	if out != pinned {
		t.Errorf("output partner_feed_key_expires = %q, want %q", out, pinned)
	}

	// Pinned: a later plan computes another time, and proposes nothing.
	later := cli.planChange(partnerFeedKey)
	if !slices.Equal(later.actions, []string{"no-op"}) || later.afterExp != pinned {
		t.Errorf("pinned: a later plan (timestamp %s) proposes %v with expiration %q, want no-op keeping %s",
			later.timestamp, later.actions, later.afterExp, pinned)
	}
	cli.expectEmptyPlan()

	// Not pinned: each plan's expiration is its own timestamp + 90 days, an
	// update in place whenever a second has passed since the key was made.
	cli.writeFile("main.tf", pin.ReplaceAllString(example, ""))
	moving := cli.planChange(partnerFeedKey)
	if want := moving.timestamp.Add(90 * day).UTC().Format(time.RFC3339); moving.afterExp != want || moving.before != pinned {
		t.Errorf("not pinned: the plan (timestamp %s) takes expiration %s -> %s, want %s -> %s", moving.timestamp, moving.before, moving.afterExp, pinned, want)
	}
	wantAction := "update"
	if moving.afterExp == pinned { // the same second as the creating plan
		wantAction = "no-op"
		t.Log("not pinned: the plan ran in the same second as the creating plan; only its expiration formula is checked")
	}
	if !slices.Equal(moving.actions, []string{wantAction}) {
		t.Errorf("not pinned: the plan proposes %v, want %s", moving.actions, wantAction)
	}
	if wantAction == "update" {
		out := cli.mustRun("plan", "-input=false")
		expectOutput(t, out, "# domaintrust_api_key.partner_feed will be updated in-place", `~ expiration = "`+pinned+`" -> "`,
			"Plan: 0 to add, 1 to change, 0 to destroy.")
	}
	cli.writeFile("main.tf", example)
	cli.mustRun("destroy", "-auto-approve", "-input=false")

	// A pinned key that has expired (an expired key, imported into the
	// pinned configuration): the plan warns, naming the key.
	expired, _, err := env.emu.IssueKey(env.boot.UserID, emulator.KeySpec{
		Environment: "testing", Description: "Partner feed import", Expiry: env.clock.Now().Add(-time.Hour).Truncate(time.Second),
	})
	if err != nil {
		t.Fatal(err)
	}
	cli.writeFile("import.tf", `import {
  to = domaintrust_api_key.partner_feed
  id = "`+expired.ID+`"
}
`)
	out = cli.mustRun("plan", "-input=false")
	expectOutput(t, out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.", "Warning: API key has expired",
		`Domain Trust API key `+expired.ID+` ("Partner feed import") expired at `+expired.Expiry.UTC().Format(time.RFC3339))
}

func (c *tfCLI) planChange(addr string, args ...string) plannedChange {
	c.t.Helper()
	c.mustRun(append([]string{"plan", "-input=false", "-out=tfplan"}, args...)...)
	var plan struct {
		Timestamp       time.Time `json:"timestamp"`
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string       `json:"actions"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(c.mustRun("show", "-json", "tfplan")), &plan); err != nil {
		c.t.Fatal(err)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address == addr {
			before, _ := rc.Change.Before["expiration"].(string)
			after, ok := rc.Change.After["expiration"].(string)
			return plannedChange{plan.Timestamp, rc.Change.Actions, before, after, !ok}
		}
	}
	c.t.Fatalf("the plan has no change for %s", addr)
	return plannedChange{}
}
