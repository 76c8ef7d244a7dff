package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// retiringConfig is a rotating key with a grace window of retireAfter.
func retiringConfig(env *testEnv, retireAfter string) string {
	return keyConfig(env, fmt.Sprintf(`
  environment  = "testing"
  description  = "deploy pipeline"
  retire_after = %q
  rotation = {
    period        = "2160h"
    rotate_before = "336h"
  }
  lifecycle {
    create_before_destroy = true
  }`, retireAfter))
}

// retired proves that key *id still exists and authenticates with *secret,
// and that it expires after now and at most window from now.
func (e *testEnv) retired(id, secret *string, window time.Duration) func() error {
	return func() error {
		k, ok := e.emu.Key(*id)
		if !ok {
			return fmt.Errorf("key %s was deleted, not retired", *id)
		}
		if !e.emu.Authenticates(*secret) {
			return fmt.Errorf("retired key %s no longer authenticates (value withheld)", *id)
		}
		now := e.clock.Now()
		if !k.Expiry.After(now) || k.Expiry.After(now.Add(window)) {
			return fmt.Errorf("retired key %s expires at %s, want within %s of %s", *id, rfc3339(k.Expiry), window, rfc3339(now))
		}
		return nil
	}
}

// TestAccAPIKey_retireAfterRotation: with retire_after = "1h", a rotation
// creates the new key and retires the old one: it still authenticates after
// the apply, it expires within the hour, and it stops working once the
// hour is over. A destroy then retires the current key the same way.
func TestAccAPIKey_retireAfterRotation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cfg := retiringConfig(env, "1h")
	var first, firstSecret, second, secondSecret string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(*terraform.State) error {
			if err := env.retired(&second, &secondSecret, time.Hour)(); err != nil {
				return err
			}
			env.clock.Advance(time.Hour + time.Second)
			if env.emu.Authenticates(secondSecret) {
				return fmt.Errorf("the destroyed key still authenticates after its window")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					capture(keyAddr, "id", &first), capture(keyAddr, "key", &firstSecret),
				},
			},
			{
				PreConfig:        func() { env.clock.Advance(77 * day) },
				Config:           cfg,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreateBeforeDestroy),
				ConfigStateChecks: []statecheck.StateCheck{
					capture(keyAddr, "id", &second), capture(keyAddr, "key", &secondSecret),
					env.keyAuthenticates(keyAddr),
					emulatorCheck(env.retired(&first, &firstSecret, time.Hour)),
				},
			},
			{
				PreConfig: func() { env.clock.Advance(time.Hour + time.Second) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{emulatorCheck(func() error {
					if env.emu.Authenticates(firstSecret) {
						return fmt.Errorf("the rotated-out key still authenticates after its window")
					}
					if !env.emu.Authenticates(secondSecret) {
						return fmt.Errorf("the current key stopped working")
					}
					return nil
				})},
			},
		},
	})
}

// TestAccAPIKey_retireAfterIsSaid: the plan of a destroy warns that the key
// will be retired, and until when; the apply warns again once it is; a
// rotation's warning says so too; -replace retires the old key like a
// rotation does.
func TestAccAPIKey_retireAfterIsSaid(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	cli.write(retiringConfig(env, "2h"))
	cli.mustRun("apply", "-auto-approve")
	old := cli.stateInstance(keyAddr)

	before := env.clock.Now()
	out := cli.mustRun("apply", "-auto-approve", "-replace="+keyAddr)
	expectOutput(t, out, "Warning: API key retired, not deleted", "Domain Trust API key "+old.str("id"), "(retire_after = 2h)")
	expectWindowEnd(t, out, "keeps working until ", before, env.clock.Now(), 2*time.Hour)
	if !env.emu.Authenticates(old.key()) {
		t.Error("the key replaced with -replace no longer authenticates")
	}

	env.clock.Advance(77 * day)
	replaced := cli.stateInstance(keyAddr)
	out = cli.mustRun("plan")
	expectOutput(t, out, "Warning: API key will be rotated", "The old key is retired, not deleted: with retire_after = 2h it keeps working until about")

	before = env.clock.Now()
	out = cli.mustRun("plan", "-destroy")
	expectOutput(t, out, "Warning: API key will be retired, not deleted", "Domain Trust API key "+replaced.str("id"))
	expectWindowEnd(t, out, "it keeps working until about ", before, env.clock.Now(), 2*time.Hour)
	out = cli.mustRun("destroy", "-auto-approve")
	expectOutput(t, out, "Warning: API key retired, not deleted", "Destroy complete! Resources: 1 destroyed.")
	if !env.emu.Authenticates(replaced.key()) {
		t.Error("the destroyed key no longer authenticates within its window")
	}
	if n := len(cli.stateInstances()); n != 0 {
		t.Errorf("%d objects left in state", n)
	}
}

// expectWindowEnd fails unless out says prefix and the end of a window
// that began while the command ran (between before and after): the provider
// reads the clock itself, and the test clock follows the wall clock.
func expectWindowEnd(t *testing.T, out, prefix string, before, after time.Time, window time.Duration) {
	t.Helper()
	folded := strings.Join(strings.Fields(out), " ") // terraform wraps diagnostics
	for at := before.Add(window).Truncate(time.Second); !at.After(after.Add(window)); at = at.Add(time.Second) {
		if strings.Contains(folded, prefix+rfc3339(at)) {
			return
		}
	}
	t.Errorf("terraform output lacks %q with a time between %s and %s:\n%s", prefix, rfc3339(before.Add(window)),
		rfc3339(after.Add(window)), out)
}

// TestAccAPIKey_retireAfterNeverLengthens: a key that expires within its
// window is left as it is (no PATCH), and so is one that has expired; one
// deleted outside Terraform counts as retired.
func TestAccAPIKey_retireAfterNeverLengthens(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	soon := env.clock.Now().Add(30 * time.Minute).Truncate(time.Second)
	cfg := keyConfig(env, fmt.Sprintf(`
  environment  = "testing"
  expiration   = %q
  retire_after = "24h"`, rfc3339(soon)))
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(*terraform.State) error {
			k, ok := env.emu.Key(id)
			if !ok || !k.Expiry.Equal(soon) {
				return fmt.Errorf("the key %s that expires in 30 minutes: %+v, want it left to expire at %s", id, k, rfc3339(soon))
			}
			if n := env.stats().ByRoute["PATCH /keys/{id}"]; n != 0 {
				return fmt.Errorf("%d PATCH requests, want none", n)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{capture(keyAddr, "id", &id)}}},
	})

	t.Run("deleted outside Terraform", func(t *testing.T) {
		cli := newTFCLI(t, env)
		cli.write(retiringConfig(env, "1h"))
		cli.mustRun("apply", "-auto-approve")
		if err := env.emu.DeleteKeyOutOfBand(cli.stateInstance(keyAddr).str("id")); err != nil {
			t.Fatal(err)
		}
		cli.mustRun("destroy", "-auto-approve", "-refresh=false")
		if n := len(cli.stateInstances()); n != 0 {
			t.Errorf("%d objects left in state", n)
		}
	})
}

// TestAccAPIKey_retireAfterAddedInPlace: setting retire_after on a key
// changes nothing remote and replaces nothing; removing it again makes a
// destroy delete the key.
func TestAccAPIKey_retireAfterAddedInPlace(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	env.resourceTest(t, []resource.TestStep{
		{Config: rotatingConfig(env, "2160h", "336h"), ConfigStateChecks: []statecheck.StateCheck{
			sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
		}},
		{
			Config:           retiringConfig(env, "1h"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
				emulatorCheck(func() error {
					if n := env.stats().ByRoute["PATCH /keys/{id}"]; n != 0 {
						return fmt.Errorf("%d PATCH requests for a setting that stays in Terraform", n)
					}
					return nil
				}),
			},
		},
		{Config: rotatingConfig(env, "2160h", "336h"), ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate)},
	})
}
