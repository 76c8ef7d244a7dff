package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The versions of domaintrust_api_key's state (STATE_VERSIONS.md says when
// the version changes). Terraform refuses, with its own error, state of a
// version above the schema's: so a build never reads, and silently drops
// what it does not know of, state that a later build wrote. State of an
// earlier version is brought to the current one by the upgrader of that
// version, which reads it with that version's frozen schema
// (api_key_state_v0.go, api_key_state_v1.go) and applies each step after it.

// apiKeySchemaVersion is the version of the state this build writes.
const apiKeySchemaVersion = 2

var _ resource.ResourceWithUpgradeState = (*apiKeyResource)(nil)

// UpgradeState has one upgrader per earlier version, each bringing state of
// that version to apiKeySchemaVersion.
func (r *apiKeyResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: stateUpgrader(0, apiKeySchemaV0(), apiKeyStateV2FromV1),
		1: stateUpgrader(1, apiKeySchemaV1(), apiKeyStateV2FromV1),
	}
}

// stateUpgrader reads state of an earlier version with that version's frozen
// schema, into its model M, and writes what upgrade makes of it.
//
// It reads strictly: an attribute the frozen schema does not know is an
// error, never dropped (the framework, given a PriorSchema, would skip it
// silently). Such state was written by a build that changed the state without
// raising the version, and only that build can read it whole.
func stateUpgrader[M any](version int64, prior schema.Schema, upgrade func(M) apiKeyModel) resource.StateUpgrader {
	return resource.StateUpgrader{
		StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
			old, err := readPriorState(ctx, prior, req.RawState)
			if err != nil {
				resp.Diagnostics.AddError("Unreadable domaintrust_api_key state",
					fmt.Sprintf("This state says it was written at schema version %d, but it is not what builds of "+
						"that version write: %v.\n\nA build that changed the state without raising its version may "+
						"have written it. Nothing was changed: run this configuration with the provider version that "+
						"wrote the state, and report this to the provider's maintainers.", version, err))
				return
			}
			var m M
			resp.Diagnostics.Append(old.Get(ctx, &m)...)
			if resp.Diagnostics.HasError() {
				return
			}
			resp.Diagnostics.Append(resp.State.Set(ctx, upgrade(m))...)
		},
	}
}

// readPriorState decodes raw, state as Terraform stored it, with prior.
func readPriorState(ctx context.Context, prior schema.Schema, raw *tfprotov6.RawState) (tfsdk.State, error) {
	if raw == nil || raw.JSON == nil {
		return tfsdk.State{}, fmt.Errorf("the state is empty or in the flatmap form of Terraform 0.11")
	}
	v, err := raw.UnmarshalWithOpts(prior.Type().TerraformType(ctx), tfprotov6.UnmarshalOpts{})
	if err != nil {
		return tfsdk.State{}, err
	}
	return tfsdk.State{Schema: prior, Raw: v}, nil
}
