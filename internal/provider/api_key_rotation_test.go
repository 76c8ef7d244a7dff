package provider

import (
	"errors"
	"fmt"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// expiryIsCreatedPlus checks expiration = created + d in state, to the
// second.
func expiryIsCreatedPlus(addr string, d time.Duration) stateCheck {
	return func(s *tfjson.State) error {
		a, err := valuesOf(s, addr)
		if err != nil {
			return err
		}
		created, err1 := time.Parse(time.RFC3339, text(a, "created"))
		expiry, err2 := time.Parse(time.RFC3339, text(a, "expiration"))
		if err1 != nil || err2 != nil {
			return fmt.Errorf("created %q / expiration %q: %w", text(a, "created"), text(a, "expiration"), errors.Join(err1, err2))
		}
		if diff := expiry.Sub(created.Add(d)); diff < -time.Second || diff > time.Second {
			return fmt.Errorf("expiration %s is not created %s + %s", expiry, created, d)
		}
		return nil
	}
}

// TestAccAPIKeyRotation_window: no change while the key is young; once the
// clock enters the rotation window the plan replaces it, new key first.
func TestAccAPIKeyRotation_window(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cfg := rotatingConfig(env, "2160h", "336h")
	var firstID, firstSecret string
	keyChanges := statecheck.CompareValue(compare.ValuesDiffer())

	env.resourceTest(t, []resource.TestStep{
		{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("expiration")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expiryIsCreatedPlus(keyAddr, 90*day),
				capture(keyAddr, "id", &firstID),
				capture(keyAddr, "key", &firstSecret),
				keyChanges.AddStateValue(keyAddr, tfjsonpath.New("key")),
			},
		},
		{
			// Right after create, and 75 days later (one day before the
			// window), nothing to do: no perpetual diff.
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
		{
			PreConfig:        func() { env.clock.Advance(75 * day) },
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
		{
			// Day 77: inside the 14-day window.
			PreConfig: func() { env.clock.Advance(2 * day) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				env.keyAuthenticates(keyAddr),
				env.keyCount(1),
				expiryIsCreatedPlus(keyAddr, 90*day),
				emulatorCheck(func() error { return env.checkCreatedBeforeDeleted(firstID) }),
				emulatorCheck(func() error {
					if env.emu.Authenticates(firstSecret) {
						return fmt.Errorf("the rotated-out key %s still authenticates", firstID)
					}
					return nil
				}),
				keyChanges.AddStateValue(keyAddr, tfjsonpath.New("key")),
			},
		},
		{
			// The new key is young again: empty plan.
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	})
}

// TestAccAPIKeyRotation_expiredAndDeleted: an expired key is replaced; a key
// deleted out of band is created again.
func TestAccAPIKeyRotation_expiredAndDeleted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cfg := rotatingConfig(env, "720h", "48h")
	var id string

	env.resourceTest(t, []resource.TestStep{
		{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{capture(keyAddr, "id", &id)}},
		{
			PreConfig:        func() { env.clock.Advance(31 * day) },
			Config:           cfg,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionCreateBeforeDestroy),
			ConfigStateChecks: []statecheck.StateCheck{
				env.keyAuthenticates(keyAddr), env.keyCount(1), capture(keyAddr, "id", &id),
			},
		},
		{
			PreConfig: func() {
				if err := env.emu.DeleteKeyOutOfBand(id); err != nil {
					t.Fatal(err)
				}
			},
			Config:            cfg,
			ConfigPlanChecks:  expectAction(plancheck.ResourceActionCreate),
			ConfigStateChecks: []statecheck.StateCheck{env.keyAuthenticates(keyAddr), env.keyCount(1)},
		},
	})
}

// TestAccAPIKeyRotation_settingsChanges: a longer period extends the key in
// place from its creation; a period that puts the key inside the window
// replaces it; rotate_before alone changes nothing remote.
func TestAccAPIKeyRotation_settingsChanges(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var patchesBefore int64

	env.resourceTest(t, []resource.TestStep{
		{
			Config:            rotatingConfig(env, "720h", "168h"),
			ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(keyAddr, tfjsonpath.New("id"))},
		},
		{
			PreConfig: func() { env.clock.Advance(10 * day) },
			Config:    rotatingConfig(env, "1440h", "168h"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expiration"), knownvalue.NotNull()),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expiryIsCreatedPlus(keyAddr, 60*day), env.stateMatchesRemote(keyAddr),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			PreConfig: func() { patchesBefore = env.stats().ByRoute["PATCH /keys/{id}"] },
			Config:    rotatingConfig(env, "1440h", "240h"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				emulatorCheck(func() error {
					if n := env.stats().ByRoute["PATCH /keys/{id}"] - patchesBefore; n != 0 {
						return fmt.Errorf("changing rotate_before sent %d PATCH requests, want 0", n)
					}
					return nil
				}),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			// Day 10 of a key whose new period is 15 days, rotated 7
			// days before: inside the window, so a new key.
			Config:            rotatingConfig(env, "360h", "168h"),
			ConfigPlanChecks:  expectAction(plancheck.ResourceActionCreateBeforeDestroy),
			ConfigStateChecks: []statecheck.StateCheck{expiryIsCreatedPlus(keyAddr, 15*day), env.keyCount(1)},
		},
	})
}

// stateMatchesRemote compares the expiry in state with the emulator's.
func (e *testEnv) stateMatchesRemote(addr string) stateCheck {
	return func(s *tfjson.State) error {
		a, err := valuesOf(s, addr)
		if err != nil {
			return err
		}
		k, ok := e.emu.Key(text(a, "id"))
		if !ok {
			return fmt.Errorf("key %s not in the emulator", text(a, "id"))
		}
		exp, err := time.Parse(time.RFC3339, text(a, "expiration"))
		if err != nil || !exp.Equal(k.Expiry) {
			return fmt.Errorf("state expiration %q, emulator %s", text(a, "expiration"), k.Expiry)
		}
		return nil
	}
}

// TestAccAPIKeyRotation_switchModes: a fixed expiration becomes rotation in
// place, and back, without losing the key.
func TestAccAPIKeyRotation_switchModes(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	fixed := keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "deploy pipeline"
  expiration  = %q
  lifecycle {
    create_before_destroy = true
  }`, env.future(20*day)))

	env.resourceTest(t, []resource.TestStep{
		{Config: fixed, ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(keyAddr, tfjsonpath.New("id"))}},
		{
			Config:           rotatingConfig(env, "2160h", "336h"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				expiryIsCreatedPlus(keyAddr, 90*day), env.stateMatchesRemote(keyAddr),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			Config:           fixed,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				env.stateMatchesRemote(keyAddr), sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
	})
}

// TestAccAPIKeyRotation_import: importing into a resource with rotation
// does not replace a key outside its window.
func TestAccAPIKeyRotation_import(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k, _, err := env.emu.IssueKey(env.boot.UserID, testingKey("deploy pipeline", env.clock.Now().Add(90*day)))
	if err != nil {
		t.Fatal(err)
	}
	cfg := rotatingConfig(env, "2160h", "336h")
	env.resourceTest(t, []resource.TestStep{{
		Config:          cfg,
		ResourceName:    keyAddr,
		ImportState:     true,
		ImportStateId:   k.ID,
		ImportStateKind: resource.ImportBlockWithID,
		ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
		}},
		ExpectNonEmptyPlan: true,
	}})
}

// TestAccAPIKeyRotation_warning reads, through the real CLI, the warning a
// rotation plan carries, with and without refresh.
func TestAccAPIKeyRotation_warning(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	cli.write(rotatingConfig(env, "2160h", "336h"))
	cli.mustRun("apply", "-auto-approve")
	env.clock.Advance(80 * day)

	for _, args := range [][]string{{"plan"}, {"plan", "-refresh=false"}} {
		out := cli.mustRun(args...)
		expectOutput(t, out,
			"Warning: API key will be rotated", "with domaintrust_api_key.test", `("deploy pipeline") will be replaced by a new key`,
			"within rotate_before (336h) of now", "replace once now >= expiration - rotate_before",
			"domaintrust_api_key.test must be replaced", "Plan: 1 to add, 0 to change, 1 to destroy.")
	}
	cli.mustRun("destroy", "-auto-approve")
}
