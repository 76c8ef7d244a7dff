// The resource under Terraform's lifecycle arguments: destroy = false
// (Terraform 1.16, OpenTofu 1.12), and a replacement beside a
// create_before_destroy resource (the case Terraform 1.16.0 got wrong).

package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// expectForgotten is a plan check: the plan removes addr's current object
// from state without destroying it (alone, or around a replacement's
// create; Terraform orders the two by create_before_destroy, OpenTofu
// always forgets first).
type expectForgotten struct{ addr string }

func (e expectForgotten) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		if a := rc.Change.Actions; !slices.Contains(a, tfjson.ActionForget) || slices.Contains(a, tfjson.ActionDelete) {
			resp.Error = fmt.Errorf("%s: planned actions %v, want it forgotten and not deleted", e.addr, a)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: no planned change", e.addr)
}

// TestAccAPIKey_destroyFalseForgetsTheKey: with lifecycle { destroy = false }
// a key that is replaced, and then one that is destroyed, leaves state and
// stays in Domain Trust, where it keeps working: the provider is never asked
// to delete it.
func TestAccAPIKey_destroyFalseForgetsTheKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, true)
	expiration := env.future(30 * day)
	config := func(environment string) string {
		return keyConfig(env, fmt.Sprintf(`
  environment = %q
  description = "kept when destroyed"
  expiration  = %q

  lifecycle {
    destroy = false
  }
`, environment, expiration))
	}
	var first, second, firstSecret, secondSecret string
	stillWorks := func(id, secret *string) func() error {
		return func() error {
			if _, ok := env.emu.Key(*id); !ok {
				return fmt.Errorf("key %s was deleted although destroy = false", *id)
			}
			if !env.emu.Authenticates(*secret) {
				return fmt.Errorf("key %s no longer authenticates (value withheld)", *id)
			}
			return nil
		}
	}
	destroyStep := resource.TestStep{
		Config:           config("production"),
		Destroy:          true,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectForgotten{keyAddr}}},
	}
	if cliUnderTest(t).openTofu {
		// tofu destroy forgets the key too, and then fails on purpose, so
		// that nobody misses what was left (-suppress-forget-errors keeps it
		// from failing); terraform destroy only warns.
		destroyStep.ExpectError = expectError("Destroy was successful but left behind forgotten instances")
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{featureDestroyFalse},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(*terraform.State) error {
			return errors.Join(stillWorks(&first, &firstSecret)(), stillWorks(&second, &secondSecret)(), env.keyCount(2)(nil))
		},
		Steps: []resource.TestStep{
			{
				Config: config("testing"),
				ConfigStateChecks: []statecheck.StateCheck{
					capture(keyAddr, "id", &first),
					capture(keyAddr, "key", &firstSecret),
				},
			},
			{
				// A new environment replaces the key: the new one is created,
				// the old one only leaves state.
				Config:           config("production"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectForgotten{keyAddr}}},
				ConfigStateChecks: []statecheck.StateCheck{
					capture(keyAddr, "id", &second),
					capture(keyAddr, "key", &secondSecret),
					emulatorCheck(stillWorks(&first, &firstSecret)),
					env.keyCount(2),
				},
			},
			destroyStep,
		},
	})
	if first == "" || first == second {
		t.Fatalf("keys %q and %q: want two different keys", first, second)
	}
}

// TestAccAPIKey_replacedBesideCreateBeforeDestroyIsDeleted: a key replaced
// destroy-first, which depends on a resource that a create_before_destroy
// resource also depends on, is deleted by the apply. Terraform 1.16.0
// applied such a replacement create-first and never ran the destroy
// (hashicorp/terraform#39076), which here would leave a working key that no
// state knows of.
func TestAccAPIKey_replacedBesideCreateBeforeDestroyIsDeleted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	expiration := env.future(30 * day)
	var old, replacement string
	env.resourceTest(t, []resource.TestStep{
		{
			Config: keyConfig(env, fmt.Sprintf(`
  environment       = "testing"
  expiration        = %q
  rotation_triggers = { version = "1" }
`, expiration)),
			ConfigStateChecks: []statecheck.StateCheck{capture(keyAddr, "id", &old)},
		},
		{
			Config: env.providerBlock() + fmt.Sprintf(`
resource "terraform_data" "shared" {}

resource "terraform_data" "cbd" {
  depends_on = [terraform_data.shared]

  lifecycle {
    create_before_destroy = true
  }
}

resource "domaintrust_api_key" "test" {
  environment       = "testing"
  expiration        = %q
  rotation_triggers = { version = "2", shared = terraform_data.shared.id }
}
`, expiration),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				capture(keyAddr, "id", &replacement),
				emulatorCheck(func() error {
					if _, ok := env.emu.Key(old); ok {
						return fmt.Errorf("the replaced key %s still exists: the apply never destroyed it", old)
					}
					return nil
				}),
				env.keyCount(1),
			},
		},
	})
	if old == "" || old == replacement {
		t.Fatalf("keys %q and %q: want a replacement", old, replacement)
	}
}
