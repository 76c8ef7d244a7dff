package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// unsealedConfig is a key sealed for recipient, opened with identity by
// domaintrust_unsealed_api_key (verify as given), the opened key echoed
// into echo's state for the checks to see, and a second instance of the
// provider (dtinner) that authenticates with the opened key and reads the
// key by its id.
func (e *testEnv) unsealedConfig(recipient, identity string, verify bool) string {
	return e.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "sealed" {
  environment = "testing"
  description = "sealed, then opened"
  expiration  = %q
  seal = {
    recipient = %q
  }
}

ephemeral "domaintrust_unsealed_api_key" "opened" {
  sealed_key = domaintrust_api_key.sealed.sealed_key
  identity   = %q
  verify     = %t
}

provider "dtinner" {
  endpoint = %q
  api_key  = ephemeral.domaintrust_unsealed_api_key.opened.key
}

data "domaintrust_api_key" "read_with_opened_key" {
  provider = dtinner
  id       = domaintrust_api_key.sealed.id
}

provider "echo" {
  data = {
    opened = ephemeral.domaintrust_unsealed_api_key.opened
  }
}

resource "echo" "test" {}
`, e.future(30*day), recipient, identity, verify, e.endpoint)
}

// TestAccUnsealedAPIKey_opens: for a key sealed for each kind of
// recipient, the plan that creates the key cannot open it (sealed_key is
// unknown), so the opened key is unknown in that plan; the apply opens it to
// the key that was sealed, which authenticates: a second provider
// configured with it reads the key. Then a plan with nothing to change
// opens it again, at plan.
func TestAccUnsealedAPIKey_opens(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		key  func(testing.TB) *sealtest.Key
	}{{"age", sealtest.Age}, {"sealed_box", sealtest.SealedBox}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, false)
			key := c.key(t)
			config := env.unsealedConfig(key.Recipient, key.Identity, true)
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralVersionChecks,
				ProtoV6ProviderFactories: env.ephemeralFactories(),
				CheckDestroy:             env.checkNoKeysLeft,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue("echo.test", tfjsonpath.New("data")),
						plancheck.ExpectUnknownValue("domaintrust_api_key.sealed", tfjsonpath.New("secret_version")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						env.expectOpenedSealedKey(key),
						statecheck.ExpectKnownValue("data.domaintrust_api_key.read_with_opened_key", tfjsonpath.New("description"),
							knownvalue.StringExact("sealed, then opened")),
					},
				}, {
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					ConfigStateChecks: []statecheck.StateCheck{env.expectOpenedSealedKey(key)},
				}},
			})
		})
	}
}

// expectOpenedSealedKey checks that what the ephemeral resource opened
// (through echo's state) is the key sealed in domaintrust_api_key.sealed's
// sealed_key, opened by the test with key, and that it authenticates.
func (e *testEnv) expectOpenedSealedKey(key *sealtest.Key) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		resp.Error = func() error {
			data, err := echoData(req, "opened")
			if err != nil {
				return err
			}
			opened, _ := data["key"].(string)
			var sealed string
			for _, r := range req.State.Values.RootModule.Resources {
				if r.Address == "domaintrust_api_key.sealed" {
					sealed, _ = r.AttributeValues["sealed_key"].(string)
				}
			}
			want, err := key.TryOpen(sealed)
			switch {
			case err != nil:
				return fmt.Errorf("the sealed_key in state does not open with the test's key: %w", err)
			case opened != want:
				return fmt.Errorf("the ephemeral resource opened %d characters, not the sealed key (values withheld)", len(opened))
			case !e.emu.Authenticates(opened):
				return fmt.Errorf("the opened key does not authenticate (value withheld)")
			}
			return nil
		}()
	})
}
