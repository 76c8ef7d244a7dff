// The provider under each other reading of the API that CONTRACT.md leaves
// open (the emulator's variants): the lifecycle, refresh, import, data
// source and list paths each variant changes, and the diagnostics it calls
// for. One focused test per variant; variants_secrets_test.go has
// uuid-secrets'.

package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// withVariants runs the test's emulator under the variants.
func withVariants(vs ...emulator.Variant) envOption {
	return func(o *emulator.Options) { o.Variants = append(o.Variants, vs...) }
}

// checkNoWorkingKeyLeft fails the test if the emulator holds a key, besides
// the bootstrap key, that still works: an expired key that expired-hidden
// hides cannot be deleted, and is not left working.
func (e *testEnv) checkNoWorkingKeyLeft(t *testing.T) {
	t.Helper()
	for _, k := range e.emu.Keys() {
		if k.ID != e.boot.KeyID && e.clock.Now().Before(k.Expiry) {
			t.Errorf("key %s (%q) is left, working", k.ID, k.Description)
		}
	}
}

// TestAccVariantExpiredHidden: a key Domain Trust hides once it has expired
// is reported as expired, never as deleted outside Terraform; a rotating key
// is simply replaced; the data source says the key may have expired.
func TestAccVariantExpiredHidden(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantExpiredHidden))
	cli := newTFCLI(t, env)
	fixed := env.future(2 * day)
	config := func(expiration string) string { return fixedAndRotatingConfig(env, expiration) }
	cli.write(config(fixed))
	cli.mustRun("apply", "-auto-approve")
	fixedID := cli.stateInstance("domaintrust_api_key.fixed").str("id")
	rotatingID := cli.stateInstance("domaintrust_api_key.rotating").str("id")

	// Four days on, both keys have expired, the rotating one past its
	// rotation window, and Domain Trust answers 404 for both.
	env.clock.Advance(4 * day)
	out, err := cli.run("plan")
	if err == nil {
		t.Fatalf("the plan of a key whose fixed expiration has passed succeeded:\n%s", out)
	}
	expectOutput(t, out,
		"Warning: API key expired",
		`Domain Trust API key `+fixedID+` ("fixed") expired at `+fixed+` and no longer works`,
		"nobody deleted it, it ran out",
		"Warning: API key expired and will be rotated",
		`Domain Trust API key `+rotatingID+` ("rotating") expired at`,
		"the plan creates its replacement",
		"Error: Expiration in the past")
	if strings.Contains(out, "deleted outside Terraform") {
		t.Errorf("an expired key is reported as deleted outside Terraform:\n%s", out)
	}

	// A new expiration: both keys are created anew, nothing else changes.
	cli.write(config(env.future(30 * day)))
	out = cli.mustRun("apply", "-auto-approve")
	expectOutput(t, out, "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.")
	for addr, old := range map[string]string{"domaintrust_api_key.fixed": fixedID, "domaintrust_api_key.rotating": rotatingID} {
		if in := cli.stateInstance(addr); in.str("id") == old || !env.emu.Authenticates(in.key()) {
			t.Errorf("%s: not replaced by a working key", addr)
		}
	}

	// The data source cannot tell an expired key from a missing one, and
	// says it may have expired.
	cli.write(config(env.future(30*day)) + fmt.Sprintf("\ndata \"domaintrust_api_key\" \"old\" {\n  id = %q\n}\n", fixedID))
	out, err = cli.run("plan")
	if err == nil {
		t.Fatalf("reading an expired, hidden key succeeded:\n%s", out)
	}
	expectOutput(t, out, "Error: API key not found", "it may have expired")

	cli.write(config(env.future(30 * day)))
	cli.mustRun("destroy", "-auto-approve")
	env.checkNoWorkingKeyLeft(t)
}

// fixedAndRotatingConfig declares a key with a fixed expiration and a
// rotating one.
func fixedAndRotatingConfig(env *testEnv, expiration string) string {
	return env.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "fixed" {
  environment = "testing"
  description = "fixed"
  expiration  = %q
}

resource "domaintrust_api_key" "rotating" {
  environment = "testing"
  description = "rotating"
  rotation = {
    period        = "72h"
    rotate_before = "24h"
  }
  lifecycle {
    create_before_destroy = true
  }
}
`, expiration)
}

// TestAccVariantNoPatch: without PATCH /keys/{id}, a change Terraform
// plans in place fails at the resource, says that it cannot be made in place
// and how to replace the key, and leaves state as it was; -replace then
// applies it. A retirement, which needs an update, fails the same way and
// keeps the key in state.
func TestAccVariantNoPatch(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantNoPatch))
	cli := newTFCLI(t, env)
	expiration := env.future(30 * day)
	config := func(description, extra string) string {
		return keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = %q
  expiration  = %q
%s`, description, expiration, extra))
	}
	cli.write(config("ci", ""))
	cli.mustRun("apply", "-auto-approve")
	first := cli.stateInstance(keyAddr)

	cli.write(config("ci, renamed", ""))
	out, err := cli.run("apply", "-auto-approve")
	if err == nil {
		t.Fatalf("an update without PATCH succeeded:\n%s", out)
	}
	expectOutput(t, out,
		"Error: Could not update Domain Trust API key "+first.str("id")+": it cannot be changed in place",
		"PATCH /keys/{id} answered 405 Method Not Allowed",
		`The change to description (to "ci, renamed") cannot be made to the existing key`,
		"terraform apply -replace=ADDRESS",
		"with "+keyAddr)
	if in := cli.stateInstance(keyAddr); in.str("description") != "ci" || in.str("id") != first.str("id") {
		t.Errorf("state changed after the refused update: %q, %s", in.str("description"), in.str("id"))
	}

	out = cli.mustRun("apply", "-auto-approve", "-replace="+keyAddr)
	expectOutput(t, out, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.")
	second := cli.stateInstance(keyAddr)
	if second.str("description") != "ci, renamed" || second.str("id") == first.str("id") || !env.emu.Authenticates(second.key()) {
		t.Errorf("-replace did not make a new working key with the new description")
	}
	if _, ok := env.emu.Key(first.str("id")); ok {
		t.Error("the replaced key still exists")
	}

	// retire_after needs an update; added, it changes nothing remote.
	cli.write(config("ci, renamed", `  retire_after = "1h"`))
	cli.mustRun("apply", "-auto-approve")
	out, err = cli.run("destroy", "-auto-approve")
	if err == nil {
		t.Fatalf("a retirement without PATCH succeeded:\n%s", out)
	}
	expectOutput(t, out, "Error: Could not retire Domain Trust API key "+second.str("id")+": its expiry cannot be changed",
		"remove retire_after from its configuration and apply that first")
	if cli.stateInstance(keyAddr).str("id") != second.str("id") {
		t.Error("the key left state although it was neither deleted nor retired")
	}
	cli.write(config("ci, renamed", ""))
	cli.mustRun("apply", "-auto-approve")
	cli.mustRun("destroy", "-auto-approve")
	if ids := env.liveKeyIDs(); len(ids) != 0 {
		t.Errorf("keys left: %v", ids)
	}
}

// TestAccVariantAdminWrites: when only admins may write keys, a member's
// create, update and destroy fail at the resource with the admin role
// named, nothing is lost from state, and everything that reads (import,
// refresh, the data sources) works; an admin then applies the change.
func TestAccVariantAdminWrites(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantAdminWrites))
	member := env.addUser(env.boot.OrganizationID, "max@example.org", emulator.RoleMember)
	_, memberKey := env.issueKey(member, emulator.KeySpec{})
	owned, _ := env.issueKey(member, testingKey("max's ci key", env.clock.Now().Add(30*day).Truncate(time.Second)))
	cli := newTFCLI(t, env)
	exp := rfc3339(owned.Expiry)
	resourceBlock := func(name, description string) string {
		return fmt.Sprintf(`
resource "domaintrust_api_key" %q {
  environment = "testing"
  description = %q
  expiration  = %q
}
`, name, description, exp)
	}
	adminRole := func(action string) []string { return adminRoleNeeded(action, "max@example.org") }

	cli.write(env.providerBlockWithKey(memberKey) + resourceBlock("new", "new"))
	out, err := cli.run("apply", "-auto-approve")
	if err == nil {
		t.Fatalf("a member created a key under admin-writes:\n%s", out)
	}
	expectOutput(t, out, append(adminRole("create the Domain Trust API key"), "with domaintrust_api_key.new")...)

	// Reading works for a member: import, the data sources, refresh.
	cli.write(env.providerBlockWithKey(memberKey) + resourceBlock("test", "max's ci key") + readingConfig(owned.ID))
	out = cli.mustRun("apply", "-auto-approve")
	expectOutput(t, out, "Apply complete! Resources: 1 imported, 0 added, 0 changed, 0 destroyed.", `role = "member"`, owned.ID)

	cli.write(strings.Replace(readCLIConfig(t, cli), `description = "max's ci key"`, `description = "max's ci key, renamed"`, 1))
	out, err = cli.run("apply", "-auto-approve")
	if err == nil {
		t.Fatalf("a member updated a key under admin-writes:\n%s", out)
	}
	expectOutput(t, out, append(adminRole("update Domain Trust API key "+owned.ID), "with domaintrust_api_key.test")...)
	out, err = cli.run("destroy", "-auto-approve")
	if err == nil {
		t.Fatalf("a member deleted a key under admin-writes:\n%s", out)
	}
	expectOutput(t, out, adminRole("delete Domain Trust API key "+owned.ID)...)
	if in := cli.stateInstance("domaintrust_api_key.test"); in.str("id") != owned.ID || in.str("description") != "max's ci key" {
		t.Errorf("state changed by refused writes: %s %q", in.str("id"), in.str("description"))
	}

	// An admin may: the same configuration with the admin's key.
	cli.write(env.providerBlock() + resourceBlock("test", "max's ci key, renamed"))
	cli.mustRun("apply", "-auto-approve")
	if k, _ := env.emu.Key(owned.ID); k.Description != "max's ci key, renamed" {
		t.Errorf("the admin's update did not reach the key: %q", k.Description)
	}
	cli.mustRun("destroy", "-auto-approve")
	if _, ok := env.emu.Key(owned.ID); ok {
		t.Error("the admin's destroy left the key")
	}
}

// adminRoleNeeded is what a member's refused key write says.
func adminRoleNeeded(action, email string) []string {
	return []string{"Error: Could not " + action + ": writing keys needs the admin role",
		`belongs to ` + email + `, whose role is "member"`,
		"Domain Trust lets only organization admins create, update and delete API keys",
		"Configure the provider with the API key of an admin"}
}

// readingConfig imports the key id and reads it, every key and the user,
// through the data sources.
func readingConfig(id string) string {
	return fmt.Sprintf(`
import {
  to = domaintrust_api_key.test
  id = %q
}

data "domaintrust_api_key" "owned" {
  id = %q
}

data "domaintrust_api_keys" "mine" {}

data "domaintrust_current_user" "me" {}

output "listed" {
  value = [for k in data.domaintrust_api_keys.mine.keys : k.id]
}

output "role" {
  value = data.domaintrust_current_user.me.role
}
`, id, id)
}

// readCLIConfig is the CLI's current main.tf, without the required
// providers block write adds.
func readCLIConfig(t *testing.T, cli *tfCLI) string {
	t.Helper()
	return strings.TrimPrefix(cli.readFile("main.tf"), requiredProviders)
}
