package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
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

// checkRetired proves that key *id still exists and authenticates with
// *secret, and that it expires after now and at most window from now.
func (e *testEnv) checkRetired(id, secret *string, window time.Duration) resource.TestCheckFunc {
	return func(*terraform.State) error {
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
		CheckDestroy: resource.ComposeTestCheckFunc(
			env.checkRetired(&second, &secondSecret, time.Hour),
			func(*terraform.State) error {
				env.clock.Advance(time.Hour + time.Second)
				if env.emu.Authenticates(secondSecret) {
					return fmt.Errorf("the destroyed key still authenticates after its window")
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					captureAttr(keyAddr, "id", &first), captureAttr(keyAddr, "key", &firstSecret),
				),
			},
			{
				PreConfig:        func() { env.clock.Advance(77 * day) },
				Config:           cfg,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreateBeforeDestroy),
				Check: resource.ComposeTestCheckFunc(
					captureAttr(keyAddr, "id", &second), captureAttr(keyAddr, "key", &secondSecret),
					env.checkKeyAuthenticates(keyAddr),
					env.checkRetired(&first, &firstSecret, time.Hour),
				),
			},
			{
				PreConfig: func() { env.clock.Advance(time.Hour + time.Second) },
				Config:    cfg,
				Check: func(*terraform.State) error {
					if env.emu.Authenticates(firstSecret) {
						return fmt.Errorf("the rotated-out key still authenticates after its window")
					}
					if !env.emu.Authenticates(secondSecret) {
						return fmt.Errorf("the current key stopped working")
					}
					return nil
				},
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

	out := cli.mustRun("apply", "-auto-approve", "-replace="+keyAddr)
	expectOutput(t, out, "Warning: API key retired, not deleted", "Domain Trust API key "+old.str("id"),
		"keeps working until "+rfc3339(env.clock.Now().Add(2*time.Hour).Truncate(time.Second)), "(retire_after = 2h)")
	if !env.emu.Authenticates(old.key()) {
		t.Error("the key replaced with -replace no longer authenticates")
	}

	env.clock.Advance(77 * day)
	replaced := cli.stateInstance(keyAddr)
	out = cli.mustRun("plan")
	expectOutput(t, out, "Warning: API key will be rotated", "The old key is retired, not deleted: with retire_after = 2h it keeps working until about")

	out = cli.mustRun("plan", "-destroy")
	expectOutput(t, out, "Warning: API key will be retired, not deleted", "Domain Trust API key "+replaced.str("id"),
		"it keeps working until about "+rfc3339(env.clock.Now().Add(2*time.Hour).Truncate(time.Second)))
	out = cli.mustRun("destroy", "-auto-approve")
	expectOutput(t, out, "Warning: API key retired, not deleted", "Destroy complete! Resources: 1 destroyed.")
	if !env.emu.Authenticates(replaced.key()) {
		t.Error("the destroyed key no longer authenticates within its window")
	}
	if n := len(cli.stateInstances()); n != 0 {
		t.Errorf("%d objects left in state", n)
	}
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
		Steps: []resource.TestStep{{Config: cfg, Check: captureAttr(keyAddr, "id", &id)}},
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
	var id string
	env.resourceTest(t, []resource.TestStep{
		{Config: rotatingConfig(env, "2160h", "336h"), Check: captureAttr(keyAddr, "id", &id)},
		{
			Config:           retiringConfig(env, "1h"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			Check: func(s *terraform.State) error {
				if got := s.RootModule().Resources[keyAddr].Primary.ID; got != id {
					return fmt.Errorf("key %s replaced by %s", id, got)
				}
				if n := env.stats().ByRoute["PATCH /keys/{id}"]; n != 0 {
					return fmt.Errorf("%d PATCH requests for a setting that stays in Terraform", n)
				}
				return nil
			},
		},
		{Config: rotatingConfig(env, "2160h", "336h"), ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate)},
	})
}
