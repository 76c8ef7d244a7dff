package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccAPIKey_lifecycle walks one key through create, in-place updates and
// the changes that replace it, asserting the planned action at every step.
func TestAccAPIKey_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, true)
	exp1, exp2 := env.future(30*24*time.Hour), env.future(60*24*time.Hour)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newKeyOnReplace := statecheck.CompareValue(compare.ValuesDiffer())
	// triggered is the production key with rotation_triggers' secret_version.
	triggered := func(secretVersion string) string {
		return keyConfig(env, fmt.Sprintf(`
  environment       = "production"
  description       = "ci, renamed"
  expiration        = %q
  rotation_triggers = { secret_version = %q }`, exp2, secretVersion))
	}

	env.resourceTest(t, []resource.TestStep{
		{
			Config: testingKeyConfig(env, "ci", exp1),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("key")),
				plancheck.ExpectSensitiveValue(keyAddr, tfjsonpath.New("key")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(env.boot.UserID)),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expiration"), knownvalue.StringExact(exp1)),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key"), knownvalue.NotNull()),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
				newKeyOnReplace.AddStateValue(keyAddr, tfjsonpath.New("key")),
				env.keyAuthenticates(keyAddr),
				env.remoteKeyIs(keyAddr, "ci", exp1),
			},
		},
		{
			// Expiry change: PATCH in place, same id.
			Config:           testingKeyConfig(env, "ci", exp2),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				env.remoteKeyIs(keyAddr, "ci", exp2),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			// Description change: PATCH in place, same id.
			Config:           testingKeyConfig(env, "ci, renamed", exp2),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				env.remoteKeyIs(keyAddr, "ci, renamed", exp2),
				env.keyAuthenticates(keyAddr),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			// Environment change: a new key with a new secret.
			Config: keyConfig(env, fmt.Sprintf(`
  environment = "production"
  description = "ci, renamed"
  expiration  = %q`, exp2)),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				env.keyAuthenticates(keyAddr),
				env.keyCount(1),
				newKeyOnReplace.AddStateValue(keyAddr, tfjsonpath.New("key")),
			},
		},
		{
			// First triggers on an existing key: recorded, no rotation.
			Config:           triggered("1"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
		},
		{
			// Changed triggers: rotation by replacement.
			Config:           triggered("2"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				env.keyAuthenticates(keyAddr),
				env.keyCount(1),
				newKeyOnReplace.AddStateValue(keyAddr, tfjsonpath.New("key")),
			},
		},
	})
}

// remoteKeyIs checks what the emulator holds for the key in state.
func (e *testEnv) remoteKeyIs(addr, description, expiry string) stateCheck {
	return func(s *tfjson.State) error {
		values, err := valuesOf(s, addr)
		if err != nil {
			return err
		}
		k, ok := e.emu.Key(text(values, "id"))
		if !ok {
			return fmt.Errorf("key %s is not in the emulator", text(values, "id"))
		}
		want, err := time.Parse(time.RFC3339, expiry)
		if err != nil {
			return err
		}
		if k.Description != description || !k.Expiry.Equal(want) {
			return fmt.Errorf("emulator has description %q expiry %s, want %q %s", k.Description, k.Expiry, description, want)
		}
		return nil
	}
}

// TestAccAPIKey_equalInstantIsNoOp: the same instant in another offset plans
// nothing.
func TestAccAPIKey_equalInstantIsNoOp(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	utc := env.clock.Now().Add(40 * 24 * time.Hour).UTC().Truncate(time.Second)
	plus2 := utc.In(time.FixedZone("", 2*3600)).Format(time.RFC3339)

	env.resourceTest(t, []resource.TestStep{
		{Config: keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  expiration  = %q`, utc.Format(time.RFC3339)))},
		{
			Config: keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  expiration  = %q`, plus2)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	})
}

// TestAccAPIKey_outOfBandChanges: a key deleted behind Terraform's back is
// planned for creation; an expiry changed behind its back is corrected in
// place.
func TestAccAPIKey_outOfBandChanges(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	exp := env.future(30 * 24 * time.Hour)
	cfg := testingKeyConfig(env, "drift", exp)
	var id string
	newID := statecheck.CompareValue(compare.ValuesDiffer())

	env.resourceTest(t, []resource.TestStep{
		{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
			capture(keyAddr, "id", &id),
			newID.AddStateValue(keyAddr, tfjsonpath.New("id")),
		}},
		{
			PreConfig: func() {
				changed := env.clock.Now().Add(90 * 24 * time.Hour).UTC().Truncate(time.Second)
				other := "changed in the dashboard"
				if err := env.emu.UpdateKeyOutOfBand(id, &other, &changed); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expiration"), knownvalue.StringExact(exp)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{env.remoteKeyIs(keyAddr, "drift", exp)},
		},
		{
			PreConfig: func() {
				if err := env.emu.DeleteKeyOutOfBand(id); err != nil {
					t.Fatal(err)
				}
			},
			Config:           cfg,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				env.keyAuthenticates(keyAddr),
				env.keyCount(1),
				// The re-created key has an id of its own.
				newID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
	})
}

// TestAccAPIKey_import covers `terraform import` and an import block: the
// imported key matches the configuration, so nothing is planned, and the
// secret stays null.
func TestAccAPIKey_import(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	exp := env.future(30 * 24 * time.Hour)
	cfg := testingKeyConfig(env, "imported", exp)

	env.resourceTest(t, []resource.TestStep{
		{Config: cfg},
		{
			Config:                  cfg,
			ResourceName:            keyAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"key"},
		},
		{
			Config:          cfg,
			ResourceName:    keyAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key"), knownvalue.Null()),
			}},
		},
		{
			Config:        cfg,
			ResourceName:  keyAddr,
			ImportState:   true,
			ImportStateId: "not-a-uuid",
			ExpectError:   expectError("The import id is not a Domain Trust API key id"),
		},
		// Other spellings of the key's UUID are refused by the data
		// source's rule, with the canonical form to write instead.
		importOtherSpelling(cfg, func(id string) string { return "{" + id + "}" }),
		importOtherSpelling(cfg, func(id string) string { return "urn:uuid:" + id }),
		importOtherSpelling(cfg, func(id string) string { return strings.ReplaceAll(id, "-", "") }),
	})
}

// importOtherSpelling is an import step by the key's id spelled by spell,
// which must fail with the canonical id as the fix.
func importOtherSpelling(cfg string, spell func(id string) string) resource.TestStep {
	return resource.TestStep{
		Config:       cfg,
		ResourceName: keyAddr,
		ImportState:  true,
		ImportStateIdFunc: func(s *terraform.State) (string, error) {
			return spell(s.RootModule().Resources[keyAddr].Primary.ID), nil
		},
		ExpectError: regexp.MustCompile(expectError("is not a Domain Trust API key id: it must be a Domain Trust API key id, a UUID").String() +
			`[\s\S]*write\s+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)`),
	}
}

// TestAccAPIKey_productionAccessMissing: the 403 becomes a diagnostic that
// says what to do.
func TestAccAPIKey_productionAccessMissing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	env.resourceTest(t, []resource.TestStep{{
		Config: keyConfig(env, fmt.Sprintf(`
  environment = "production"
  expiration  = %q`, env.future(24*time.Hour))),
		ExpectError: expectError("production access missing"),
	}})
}

// TestAccAPIKey_invalidInput: every bad input fails at plan, before any
// request changes anything, with a message that says what to fix.
func TestAccAPIKey_invalidInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	future := env.future(24 * time.Hour)
	cases := map[string]struct{ config, want string }{
		"bad environment": {keyConfig(env, fmt.Sprintf(`
  environment = "staging"
  expiration  = %q`, future)), `value must be one of: ["testing" "production"]`},
		"not RFC 3339": {keyConfig(env, `
  environment = "testing"
  expiration  = "30 June 2027"`), `"30 June 2027" is not an RFC 3339 time. Write a date and a time with its offset`},
		"past expiration": {keyConfig(env, `
  environment = "testing"
  expiration  = "2020-01-01T00:00:00Z"`), `expiration 2020-01-01T00:00:00Z lies in the past`},
		"http endpoint on a remote host": {`
provider "domaintrust" {
  endpoint = "http://domain-trust.example.org/api"
  api_key  = "k"
}
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "` + future + `"
}`, `plain http would send the API key unencrypted`},
		"missing api_key": {`
provider "domaintrust" {
  endpoint = "` + env.endpoint + `"
}
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = "` + future + `"
}`, `Set ` + "`api_key`" + ` in the provider block, or set the DOMAINTRUST_API_KEY environment variable`},
		"neither expiration nor rotation": {keyConfig(env, `
  environment = "testing"`), `Missing expiration or rotation`},
		"both expiration and rotation": {keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  expiration  = %q
  rotation    = { period = "2160h", rotate_before = "336h" }`, future)), `Conflicting expiration and rotation`},
		"rotate_before not shorter than period": {keyConfig(env, `
  environment = "testing"
  rotation    = { period = "24h", rotate_before = "48h" }`), `rotate_before (48h) must be shorter than period (24h)`},
		"bad duration": {keyConfig(env, `
  environment = "testing"
  rotation    = { period = "90 days", rotate_before = "336h" }`), `"90 days" is not a duration`},
		"negative duration": {keyConfig(env, `
  environment = "testing"
  rotation    = { period = "2160h", rotate_before = "-1h" }`), `"-1h" must be longer than zero`},
	}
	env.expectPlanErrors(t, cases)
	if ids := env.liveKeyIDs(); len(ids) != 0 {
		t.Fatalf("invalid configurations created keys: %v", ids)
	}
}

// TestAccAPIKey_expiredKeyWarns: a key whose configured expiration has
// passed plans no change but warns, naming the key and the fix.
func TestAccAPIKey_expiredKeyWarns(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	cli.write(testingKeyConfig(env, "short-lived", env.future(48*time.Hour)))
	cli.mustRun("apply", "-auto-approve")
	env.clock.Advance(72 * time.Hour)

	out := cli.mustRun("plan", "-detailed-exitcode")
	expectOutput(t, out, "Warning: API key has expired", "with domaintrust_api_key.test",
		`("short-lived") expired at`, "Set expiration to a future time", "terraform apply -replace=ADDRESS", "No changes.")
	cli.mustRun("destroy", "-auto-approve")
	if ids := env.liveKeyIDs(); len(ids) != 0 {
		t.Fatalf("keys left after destroy: %v", ids)
	}
}

// TestAccAPIKey_apiErrors: a rejected provider key and a field the API
// refuses become diagnostics that say what to do, and nothing is left in
// state.
func TestAccAPIKey_apiErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	exp := env.future(30 * day)
	body := fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = %q
}`, exp)
	longDescription := strings.Repeat("d", 5000)
	env.resourceTest(t, []resource.TestStep{
		{
			Config:      env.providerBlockWithKey("dtk_not_a_valid_key_0000000000") + body,
			ExpectError: expectError("the provider's API key was rejected"),
		},
		{
			Config:      testingKeyConfig(env, longDescription, exp),
			ExpectError: regexp.MustCompile(`(?s)with domaintrust_api_key.test.*Domain Trust rejected the value: description`),
		},
	})
}

// TestAccProvider_unknownConfigAtPlan: a provider block whose key comes from
// another resource is unknown during plan; the plan must still succeed, and
// apply configures the provider once the value is known.
func TestAccProvider_unknownConfigAtPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	env.resourceTest(t, []resource.TestStep{{
		Config: env.providerBlockKnownAtApply() + fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = %q
}`, env.future(30*day)),
		ConfigPlanChecks:  expectAction(plancheck.ResourceActionCreate),
		ConfigStateChecks: []statecheck.StateCheck{env.keyAuthenticates(keyAddr)},
	}})
}
