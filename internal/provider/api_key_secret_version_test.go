package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccAPIKey_secretVersion: secret_version is unknown in the plan that
// creates a key, then its creation time in Unix seconds; an update in place
// keeps it, and is planned with it known; a replacement plans it unknown
// and gives the new key a greater one.
func TestAccAPIKey_secretVersion(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	exp := env.future(30 * day)
	config := func(description, trigger string) string {
		return keyConfig(env, fmt.Sprintf(`
  environment       = "testing"
  description       = %q
  expiration        = %q
  rotation_triggers = { version = %q }`, description, exp, trigger))
	}
	kept := statecheck.CompareValue(compare.ValuesSame())
	renewed := statecheck.CompareValue(compare.ValuesDiffer())
	version := tfjsonpath.New("secret_version")

	env.resourceTest(t, []resource.TestStep{{
		Config: config("first", "1"),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectUnknownValue(keyAddr, version),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			expectSecretVersionIsCreated(keyAddr), kept.AddStateValue(keyAddr, version), renewed.AddStateValue(keyAddr, version),
		},
	}, {
		PreConfig: func() { env.clock.Advance(time.Minute) },
		Config:    config("renamed in place", "1"),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(keyAddr, version, knownvalue.Int64Func(func(v int64) error {
				if v <= 0 {
					return fmt.Errorf("secret_version %d, want the key's creation time", v)
				}
				return nil
			})),
		}},
		ConfigStateChecks: []statecheck.StateCheck{expectSecretVersionIsCreated(keyAddr), kept.AddStateValue(keyAddr, version)},
	}, {
		PreConfig: func() { env.clock.Advance(time.Minute) },
		Config:    config("renamed in place", "2"),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate),
			plancheck.ExpectUnknownValue(keyAddr, version),
		}},
		ConfigStateChecks: []statecheck.StateCheck{expectSecretVersionIsCreated(keyAddr), renewed.AddStateValue(keyAddr, version)},
	}})
}

// expectSecretVersionIsCreated checks that addr's secret_version is its
// created time in Unix seconds.
func expectSecretVersionIsCreated(addr string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address != addr {
				continue
			}
			created, err := time.Parse(time.RFC3339, fmt.Sprint(r.AttributeValues["created"]))
			if err != nil {
				resp.Error = fmt.Errorf("%s: created %v: %w", addr, r.AttributeValues["created"], err)
				return
			}
			got, _ := r.AttributeValues["secret_version"].(json.Number)
			if got.String() != fmt.Sprint(created.Unix()) {
				resp.Error = fmt.Errorf("%s: secret_version %q, want %d (created %s)", addr, got, created.Unix(), created.Format(time.RFC3339))
			}
			return
		}
		resp.Error = fmt.Errorf("%s not in state", addr)
	})
}

// TestAccAPIKey_secretVersionOfOlderState: a key whose state an older
// build wrote, without secret_version, plans no change, refreshed or not;
// the refresh reads secret_version, and the next apply stores it.
func TestAccAPIKey_secretVersionOfOlderState(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	cli.write(env.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  description = "written by an older build"
  expiration  = %q
}
`, env.future(30*day)))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	want := cli.stateInstance(keyAddr).Attrs["secret_version"]
	if want == nil {
		t.Fatal("no secret_version in state after create")
	}
	cli.writeFile("terraform.tfstate", withoutStateAttribute(t, cli.readFile("terraform.tfstate"), "secret_version"))

	cli.expectEmptyPlan("-refresh=false")
	cli.expectEmptyPlan()
	cli.mustRun("apply", "-auto-approve", "-input=false")
	if got := cli.stateInstance(keyAddr).Attrs["secret_version"]; got != want {
		t.Errorf("secret_version after the refresh = %v, want %v", got, want)
	}
}

// withoutStateAttribute is the state file raw without attribute name in
// any resource instance, as a build that did not know the attribute wrote
// it.
func withoutStateAttribute(t *testing.T, raw, name string) string {
	t.Helper()
	var state map[string]any
	if err := json.Unmarshal([]byte(raw), &state); err != nil {
		t.Fatal(err)
	}
	resources, _ := state["resources"].([]any)
	for _, r := range resources {
		instances, _ := r.(map[string]any)["instances"].([]any)
		for _, in := range instances {
			attrs, _ := in.(map[string]any)["attributes"].(map[string]any)
			delete(attrs, name)
		}
	}
	out, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), `"`+name+`"`) {
		t.Fatalf("%s is still in the state file", name)
	}
	return string(out)
}
