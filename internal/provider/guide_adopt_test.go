package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// TestAccGuideAdoptingDashboardKeys proves the guide "Adopting keys created
// in the dashboard" (examples/guides/adopting-dashboard-keys): the find
// configuration lists the keys with the settings to repeat; one key imported
// with -generate-config-out plans no change; several keys imported through
// one for_each import block, driven by the ids in dashboard-keys.tfvars, plan
// empty afterwards and are not touched; an imported key has no secret until
// it is replaced once.
func TestAccGuideAdoptingDashboardKeys(t *testing.T) {
	skipWithoutTFAcc(t)
	env := newTestEnv(t, true)
	env.useEnvCredentials(t)
	issue := func(environment, description, expiry string) (emulator.Key, string) {
		t.Helper()
		exp, err := time.Parse(time.RFC3339, expiry)
		if err != nil {
			t.Fatal(err)
		}
		k, secret, err := env.emu.IssueKey(env.boot.UserID, emulator.KeySpec{Environment: environment, Description: description, Expiry: exp})
		if err != nil {
			t.Fatal(err)
		}
		return k, secret
	}

	// The keys of dashboard-keys.tfvars, as the dashboard would have made
	// them; the test swaps in their real ids.
	tfvars := readGuideExample(t, "adopting-dashboard-keys/many-keys/dashboard-keys.tfvars")
	type entry struct{ name, placeholder, environment, description, expiration string }
	entries := []entry{
		{"soar_playbook", "3f1c9a52-8d4e-4b7a-a1f0-6c2e9d8b7a14", "production", "SOAR playbook: enrich phishing reports", "2030-06-30T00:00:00Z"},
		{"nightly_export", "9b2e7d41-5c3a-4f86-b0d9-1e4a7c6f3b25", "testing", "Nightly export to the data lake", "2030-12-31T00:00:00Z"},
	}
	secrets := map[string]string{}
	ids := map[string]string{}
	for _, e := range entries {
		for _, s := range []string{e.name, e.placeholder, e.environment, e.description, e.expiration} {
			if !strings.Contains(tfvars, fmt.Sprintf("%q", s)) && !strings.Contains(tfvars, s+" = {") {
				t.Fatalf("dashboard-keys.tfvars no longer holds %q", s)
			}
		}
		k, secret := issue(e.environment, e.description, e.expiration)
		tfvars = strings.ReplaceAll(tfvars, e.placeholder, k.ID)
		ids[e.name], secrets[e.name] = k.ID, secret
	}
	billing, _ := issue("testing", "Billing sync", "2029-01-31T00:00:00Z")
	eventsBefore := len(env.emu.Events())

	// 1. Find: the output lists every key with what an adopting
	// configuration must repeat.
	find := newTFCLI(t, env)
	find.copyGuideExample("adopting-dashboard-keys/find", "main.tf")
	find.mustRun("apply", "-auto-approve", "-input=false")
	var listed map[string]struct{ Environment, Description, Expiration, Created string }
	if err := json.Unmarshal([]byte(find.mustRun("output", "-json", "keys")), &listed); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		got, ok := listed[ids[e.name]]
		if !ok || got.Environment != e.environment || got.Description != e.description || got.Expiration != e.expiration {
			t.Errorf("find lists %s as %+v (present: %v), want %s %q %s", ids[e.name], got, ok, e.environment, e.description, e.expiration)
		}
	}
	if _, ok := listed[billing.ID]; !ok {
		t.Errorf("find does not list %s", billing.ID)
	}

	// 2. One key, with generated configuration.
	one := newTFCLI(t, env)
	const placeholder = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
	oneKey := readGuideExample(t, "adopting-dashboard-keys/one-key/main.tf")
	if !strings.Contains(oneKey, placeholder) {
		t.Fatalf("one-key/main.tf no longer imports id %s", placeholder)
	}
	one.writeFile("main.tf", strings.ReplaceAll(oneKey, placeholder, billing.ID))
	out := one.mustRun("plan", "-input=false", "-generate-config-out=generated.tf")
	expectOutput(t, out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.", "Warning: Imported key has no secret value")
	generated := one.readFile("generated.tf")
	expectOutput(t, generated, `resource "domaintrust_api_key" "billing_sync" {`, `description = "Billing sync"`,
		`environment = "testing"`, `expiration = "2029-01-31T00:00:00Z"`)
	out = one.mustRun("plan", "-input=false")
	expectOutput(t, out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.")
	one.mustRun("apply", "-auto-approve", "-input=false")
	one.expectEmptyPlan()
	if s := one.stateInstance("domaintrust_api_key.billing_sync"); s.str("id") != billing.ID || s.Attrs["key"] != nil {
		t.Errorf("imported billing_sync: id %s, key set: %v; want id %s and no key", s.str("id"), s.Attrs["key"] != nil, billing.ID)
	}

	// 3. Many keys: one import block with for_each over the ids.
	many := newTFCLI(t, env)
	many.copyGuideExample("adopting-dashboard-keys/many-keys", "main.tf")
	many.writeFile("dashboard-keys.tfvars", tfvars)
	varFile := "-var-file=dashboard-keys.tfvars"
	out = many.mustRun("plan", "-input=false", varFile)
	expectOutput(t, out, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.")
	many.mustRun("apply", "-auto-approve", "-input=false", varFile)
	many.expectEmptyPlan(varFile)
	for _, e := range entries {
		s := many.stateInstance(fmt.Sprintf("domaintrust_api_key.adopted[%q]", e.name))
		if s.str("id") != ids[e.name] || s.Attrs["key"] != nil {
			t.Errorf("%s: state id %s (key set: %v), want %s without a key", e.name, s.str("id"), s.Attrs["key"] != nil, ids[e.name])
		}
	}
	if ev := env.emu.Events()[eventsBefore:]; len(ev) != 0 {
		t.Errorf("adopting changed keys: %+v", ev)
	}

	// 4. Replace once to have Terraform hold (and hand out) a secret. The
	// import block, still naming the old id, is ignored from now on.
	out = many.mustRun("apply", "-auto-approve", "-input=false", varFile, `-replace=domaintrust_api_key.adopted["soar_playbook"]`)
	expectOutput(t, out, "+/- create replacement and then destroy", "Resources: 1 added, 0 changed, 1 destroyed.")
	s := many.stateInstance(`domaintrust_api_key.adopted["soar_playbook"]`)
	if !env.emu.Authenticates(s.key()) {
		t.Error("the replaced key's value in state does not authenticate")
	}
	if env.emu.Authenticates(secrets["soar_playbook"]) {
		t.Error("the dashboard key still authenticates after its replacement")
	}
	if k, ok := env.emu.Key(s.str("id")); !ok || k.Description != entries[0].description || k.Environment != entries[0].environment {
		t.Errorf("the replacement key is %+v, want the same description and environment", k)
	}
	many.expectEmptyPlan(varFile)

	many.mustRun("destroy", "-auto-approve", "-input=false", varFile)
	one.mustRun("destroy", "-auto-approve", "-input=false")
	if err := env.checkNoKeysLeft(nil); err != nil {
		t.Error(err)
	}
}

// TestAccGuideAdoptingDashboardKeys_query proves the guide's terraform query
// path (examples/guides/adopting-dashboard-keys/query), Terraform 1.14+:
// query finds the keys, -generate-config-out writes resource and import
// blocks, and the plan then has only the imports; nothing remote changes.
func TestAccGuideAdoptingDashboardKeys_query(t *testing.T) {
	skipWithout(t, featureListResources)
	env := newTestEnv(t, true)
	env.useEnvCredentials(t)
	expiry := func(s string) time.Time {
		t.Helper()
		e, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	billing, _ := env.issueKey(env.boot.UserID, testingKey("Billing sync", expiry("2029-01-31T00:00:00Z")))
	soar, _ := env.issueKey(env.boot.UserID, emulator.KeySpec{Environment: "production", Description: "SOAR playbook: enrich phishing reports", Expiry: expiry("2030-06-30T00:00:00Z")})
	env.issueKey(env.boot.UserID, testingKey("Too new to adopt", expiry("2032-01-01T00:00:00Z")))
	eventsBefore := len(env.emu.Events())

	cli := newTFCLI(t, env)
	cli.copyGuideExample("adopting-dashboard-keys/query", "main.tf", "keys.tfquery.hcl")
	out := cli.mustRun("query")
	expectOutput(t, out, billing.ID, soar.ID, "Billing sync (testing, expires 2029-01-31T00:00:00Z)")
	if strings.Contains(out, "Too new to adopt") || strings.Contains(out, env.boot.KeyID) {
		t.Errorf("query lists keys its filter leaves out:\n%s", out)
	}

	cli.mustRun("query", "-generate-config-out=generated.tf")
	generated := cli.readFile("generated.tf")
	expectOutput(t, generated, `resource "domaintrust_api_key"`, "identity", billing.ID, soar.ID,
		`"Billing sync"`, `"production"`, `"2030-06-30T00:00:00Z"`, `"2029-01-31T00:00:00Z"`)
	out = cli.mustRun("plan", "-input=false")
	expectOutput(t, out, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.")
	cli.mustRun("apply", "-auto-approve", "-input=false")
	cli.expectEmptyPlan()
	if ev := env.emu.Events()[eventsBefore:]; len(ev) != 0 {
		t.Errorf("adopting changed keys: %+v", ev)
	}
}
