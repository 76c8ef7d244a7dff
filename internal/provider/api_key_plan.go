package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

// ConfigValidators requires exactly one of expiration and rotation, with
// messages that say how the two differ.
func (r *apiKeyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{validators.ExactlyOneOf(path.Root("expiration"), path.Root("rotation"),
		validators.Message{
			Summary: "Conflicting expiration and rotation",
			Detail: "Set either expiration (a fixed time the key stops working) or rotation (each key lives for " +
				"period and is replaced before it expires), not both: with rotation, expiration is computed as " +
				"created + period.",
		},
		validators.Message{
			Summary: "Missing expiration or rotation",
			Detail: "Every Domain Trust API key expires. Set expiration to an RFC 3339 time such as " +
				"\"2027-06-30T00:00:00Z\", or set rotation = { period = \"2160h\", rotate_before = \"336h\" } to have " +
				"the key replaced before it expires.",
		})}
}

// keyPlan is one ModifyPlan's view of a key: its configuration, prior state
// and plan, each read once (keyModelOf), and the plan as it is changed. It
// runs for every key on every plan, so it writes the plan back only when
// something changed.
type keyPlan struct {
	now                  time.Time
	config, state, plan  apiKeyModel
	hasState, planChange bool
}

// setPlan plans v for the attribute name.
func (p *keyPlan) setPlan(name string, v attr.Value) {
	if !p.plan.get(name).Equal(v) {
		p.plan.set(name, v)
		p.planChange = true
	}
}

// ModifyPlan decides, with the provider's clock, what the plan must show:
// a computed expiration under rotation, replacement once the rotation window
// is reached, a new key's secret as plain or sealed, and the diagnostics for
// expirations in the past, seal changes and retirements.
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		planDestroy(ctx, r.data.now(), req.State.Raw, &resp.Diagnostics)
		return
	}
	p := &keyPlan{now: r.data.now(), hasState: !req.State.Raw.IsNull()}
	var diags diag.Diagnostics
	p.config, diags = keyModelOf(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	p.plan, diags = keyModelOf(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	if p.hasState {
		p.state, diags = keyModelOf(ctx, req.State.Raw)
		resp.Diagnostics.Append(diags...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Refused before the plan shows it: user_id is not sensitive, and a
	// secret given as a user id would be printed in the plan.
	if diags := r.data.refusedAsSecret(userIDInput(p.config.UserID.ValueString())); diags != nil {
		resp.Diagnostics.Append(diags...)
		return
	}
	if !p.hasState {
		p.planNewKeySecret()
	} else {
		p.explainSealReplacement(ctx, &resp.Diagnostics)
		p.warnUnsealedImport(&resp.Diagnostics)
	}
	if p.config.Rotation.IsNull() {
		p.planFixedExpiration(&resp.Diagnostics)
	} else {
		p.planRotation(ctx, resp)
	}
	if p.planChange {
		writeKeyModel(ctx, &resp.Plan.Raw, p.plan, &resp.Diagnostics)
	}
}

// planFixedExpiration handles a configured expiration.
func (p *keyPlan) planFixedExpiration(diags *diag.Diagnostics) {
	configured := p.config.Expiration
	exp, ok := configured.instant()
	if !ok {
		return // unknown, or the type's validation has reported it
	}
	if p.hasState && sameInstant(configured, p.state.Expiration) {
		// Same instant written differently: keep the state's text, no diff.
		p.setPlan("expiration", p.state.Expiration)
		if !exp.After(p.now) {
			diags.AddAttributeWarning(path.Root("expiration"), "API key has expired",
				fmt.Sprintf("Domain Trust API key %s (%q) expired at %s and no longer authenticates. Set expiration "+
					"to a future time to extend it in place, or replace it with a new key "+
					"(terraform apply -replace=ADDRESS, or use rotation).",
					p.state.ID.ValueString(), p.state.Description.ValueString(), exp.UTC().Format(time.RFC3339)))
		}
		return
	}
	if !exp.After(p.now) {
		diags.AddAttributeError(path.Root("expiration"), "Expiration in the past",
			fmt.Sprintf("expiration %s lies in the past (it is now %s). Domain Trust only accepts a future expiry; "+
				"set a later time, for example with timeadd(plantimestamp(), \"2160h\") pinned by "+
				"lifecycle { ignore_changes }, or use rotation.",
				configured.ValueString(), p.now.UTC().Format(time.RFC3339)))
	}
}
