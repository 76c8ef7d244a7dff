package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/diagnostics"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ValidateConfig reports, before any plan, what can be known from the
// configuration alone.
func (r *apiKeyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Only rotation matters here; Terraform validates every resource on
	// every plan, so the rest of the model is not read.
	var rotation types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rotation"), &rotation)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rot, diags := rotationFrom(ctx, rotation)
	resp.Diagnostics.Append(diags...)
	if rot != nil && rot.rotateBefore >= rot.period {
		resp.Diagnostics.AddAttributeError(diagnostics.ConfigPath(path.Root("rotation").AtName("rotate_before")), "rotate_before must be shorter than period",
			fmt.Sprintf("rotation.rotate_before (%s) must be shorter than period (%s): otherwise every key would be inside its "+
				"rotation window from the moment it is created, and every plan would replace it.", rot.rotateBeforeText, rot.periodText))
	}
}

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

// ModifyPlan decides, with the provider's clock, what the plan must show:
// a computed expiration under rotation, replacement once the rotation window
// is reached, a new key's secret as plain or sealed, and the diagnostics for
// expirations in the past, seal changes and retirements. It runs for every
// key on every plan, so it reads only the attributes its case needs and
// writes only what it changes (see attribute_access.go).
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	now := r.data.now()
	if req.Plan.Raw.IsNull() {
		planDestroy(ctx, now, req, resp)
		return
	}
	var rotation, sealCfg types.Object
	var userID types.String
	getAttributes(ctx, req.Config, &resp.Diagnostics, map[string]any{"rotation": &rotation, "seal": &sealCfg, "user_id": &userID})
	if resp.Diagnostics.HasError() {
		return
	}
	// Refused before the plan shows it: user_id is not sensitive, and a
	// secret given as a user id would be printed in the plan.
	if diags := r.data.refusedAsSecret(userIDInput(userID.ValueString())); diags != nil {
		resp.Diagnostics.Append(diags...)
		return
	}
	if req.State.Raw.IsNull() {
		planNewKeySecret(ctx, sealCfg, &resp.Plan, &resp.Diagnostics)
	} else {
		explainSealReplacement(ctx, sealCfg, req, resp)
		if !sealCfg.IsNull() {
			warnUnsealedImport(ctx, req, resp)
		}
	}
	if rotation.IsNull() {
		planFixedExpiration(ctx, now, req, resp)
	} else {
		planRotation(ctx, now, rotation, sealCfg, req, resp)
	}
}

// planDestroy warns when the key will be retired rather than deleted
// (retire_after), saying until when it keeps working.
func planDestroy(ctx context.Context, now time.Time, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state apiKeyModel
	getAttributes(ctx, req.State, &resp.Diagnostics, map[string]any{
		"id": &state.ID, "description": &state.Description, "expiration": &state.Expiration, "retire_after": &state.RetireAfter,
	})
	window, ok := retireWindow(state.RetireAfter)
	expiry, okExpiry := state.Expiration.instant()
	if !ok || !okExpiry || !expiry.After(now) {
		return
	}
	resp.Diagnostics.AddWarning(retirementNotice(state.ID.ValueString(), state.Description.ValueString(), window,
		state.RetireAfter.ValueString(), now, expiry))
}

// planFixedExpiration handles a configured expiration.
func planFixedExpiration(ctx context.Context, now time.Time, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var configured timestamp
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("expiration"), &configured)...)
	if resp.Diagnostics.HasError() || configured.IsUnknown() || configured.IsNull() {
		return
	}
	exp, ok := configured.instant()
	if !ok {
		return // the type's validation has reported it
	}
	if !req.State.Raw.IsNull() {
		var prior timestamp
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("expiration"), &prior)...)
		if sameInstant(configured, prior) {
			// Same instant written differently: keep the state's text, no diff.
			setChanged(ctx, &resp.Plan, &resp.Diagnostics, []attributeUpdate{{"expiration", configured, prior}})
			if !exp.After(now) {
				id, description := priorKeyName(ctx, req, &resp.Diagnostics)
				resp.Diagnostics.AddAttributeWarning(path.Root("expiration"), "API key has expired",
					fmt.Sprintf("Domain Trust API key %s (%q) expired at %s and no longer authenticates. Set expiration "+
						"to a future time to extend it in place, or replace it with a new key "+
						"(terraform apply -replace=ADDRESS, or use rotation).",
						id, description, exp.UTC().Format(time.RFC3339)))
			}
			return
		}
	}
	if !exp.After(now) {
		resp.Diagnostics.AddAttributeError(path.Root("expiration"), "Expiration in the past",
			fmt.Sprintf("expiration %s lies in the past (it is now %s). Domain Trust only accepts a future expiry; "+
				"set a later time, for example with timeadd(plantimestamp(), \"2160h\") pinned by "+
				"lifecycle { ignore_changes }, or use rotation.",
				configured.ValueString(), now.UTC().Format(time.RFC3339)))
	}
}

// warnRotation says that the key in state will be rotated, why, and what
// becomes of the old key (ending).
func warnRotation(ctx context.Context, reason, ending string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	id, description := priorKeyName(ctx, req, &resp.Diagnostics)
	resp.Diagnostics.AddAttributeWarning(path.Root("rotation"), "API key will be rotated",
		fmt.Sprintf("Domain Trust API key %s (%q) will be replaced by a new key: %s. The rotation rule is: replace "+
			"once now >= expiration - rotate_before. %s", id, description, reason, ending))
}

// rotationEnding says what a rotation does with the old key, which expires
// at expiry: deletes it, or with retire_after retires it.
func rotationEnding(now, expiry time.Time, retireAfter types.String) string {
	window, ok := retireWindow(retireAfter)
	if !ok {
		return "With lifecycle { create_before_destroy = true } the new key is created before the old one is deleted."
	}
	return fmt.Sprintf("With lifecycle { create_before_destroy = true } the new key is created first. The old key is "+
		"retired, not deleted: with retire_after = %s it keeps working until about %s, then expires.",
		retireAfter.ValueString(), retirementEnd(now, window, expiry).UTC().Format(time.RFC3339))
}

// planRotation computes expiration under rotation and replaces the key once
// it is inside its rotation window.
func planRotation(ctx context.Context, now time.Time, rotation, sealCfg types.Object, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var planned timestamp
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("expiration"), &planned)...)
	rot, diags := rotationFrom(ctx, rotation)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state apiKeyModel
	if rot != nil && !req.State.Raw.IsNull() {
		getAttributes(ctx, req.State, &resp.Diagnostics, map[string]any{
			"created": &state.Created, "expiration": &state.Expiration, "rotation": &state.Rotation,
			"retire_after": &state.RetireAfter,
		})
	}
	created, okCreated := state.Created.instant()
	expiry, okExpiry := state.Expiration.instant()
	if rot == nil || state.Created.IsNull() || !okCreated || !okExpiry {
		// A new key: its expiry is created + period, known after apply.
		setChanged(ctx, &resp.Plan, &resp.Diagnostics, []attributeUpdate{{"expiration", planned, timestampUnknown()}})
		return
	}
	next := state.Expiration
	if prior, d := rotationFrom(ctx, state.Rotation); d.HasError() || prior == nil || prior.period != rot.period {
		// A new period (or a key switching from a fixed expiration, or just
		// imported) runs from the key's creation, not from now.
		expiry = created.Add(rot.period)
		next = keepInstantText(state.Expiration, expiry)
	}
	reason := ""
	switch {
	case !expiry.After(now):
		reason = fmt.Sprintf("it expired at %s", expiry.UTC().Format(time.RFC3339))
	case !now.Before(expiry.Add(-rot.rotateBefore)):
		reason = fmt.Sprintf("it expires at %s, within rotate_before (%s) of now", expiry.UTC().Format(time.RFC3339), rot.rotateBeforeText)
	}
	if reason == "" {
		setChanged(ctx, &resp.Plan, &resp.Diagnostics, []attributeUpdate{{"expiration", planned, next}})
		return
	}
	warnRotation(ctx, reason, rotationEnding(now, expiry, state.RetireAfter), req, resp)
	for name, unknown := range map[string]attr.Value{
		"expiration": timestampUnknown(), "id": types.StringUnknown(), "created": timestampUnknown(),
		"secret_version": types.Int64Unknown(),
	} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), unknown)...)
	}
	planNewKeySecret(ctx, sealCfg, &resp.Plan, &resp.Diagnostics)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expiration"))
}

// planNewKeySecret sets what the plan of a new key (a create or a
// replacement) shows of its secret: with seal, key is null and sealed_key
// known after apply; without, the other way round.
func planNewKeySecret(ctx context.Context, sealCfg types.Object, plan attributeSetter, diags *diag.Diagnostics) {
	plain, sealed := attr.Value(types.StringUnknown()), attr.Value(types.StringNull())
	if !sealCfg.IsNull() {
		plain, sealed = types.StringNull(), types.StringUnknown()
	}
	diags.Append(plan.SetAttribute(ctx, path.Root("key"), plain)...)
	diags.Append(plan.SetAttribute(ctx, path.Root("sealed_key"), sealed)...)
}

// warnUnsealedImport says, on the plans of a key whose secret the state
// never held (an imported key) but whose configuration seals it, that there
// is nothing to seal until the key is replaced.
func warnUnsealedImport(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plain, sealed types.String
	getAttributes(ctx, req.State, &resp.Diagnostics, map[string]any{"key": &plain, "sealed_key": &sealed})
	if !plain.IsNull() || !sealed.IsNull() {
		return
	}
	id, _ := priorKeyName(ctx, req, &resp.Diagnostics)
	resp.Diagnostics.AddAttributeWarning(path.Root("seal"), "Imported key has nothing to seal",
		"Terraform never had the secret of Domain Trust API key "+id+" (it was imported, and Domain Trust shows a "+
			"secret only once, when the key is created), so `sealed_key` stays null until the key is replaced. "+
			"Replace it (terraform apply -replace=ADDRESS) to mint a new key sealed for seal.recipient.")
}

// explainSealReplacement says, on the plan that replaces a key for its
// seal, why: a secret is shown once, so the old one cannot be sealed again.
func explainSealReplacement(ctx context.Context, sealCfg types.Object, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var prior types.Object
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("seal"), &prior)...)
	if !sealForcesReplacement(ctx, req.State, prior, sealCfg, &resp.Diagnostics) {
		return
	}
	id, _ := priorKeyName(ctx, req, &resp.Diagnostics)
	what := "is given another recipient"
	switch {
	case prior.IsNull():
		what = "is sealed from now on"
	case sealCfg.IsNull():
		what = "is no longer sealed"
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("seal"), "API key will be replaced for its seal",
		"Domain Trust API key "+id+" "+what+", so it is replaced by a new key: Domain Trust shows a key's secret only "+
			"once, when the key is created, so the provider cannot seal the current secret for another recipient, "+
			"or hand it out unsealed. The new key's secret goes to `sealed_key` with seal, to `key` without.")
}
