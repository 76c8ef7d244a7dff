package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/diagnostics"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

// Built-in rotation: with `rotation`, each key is valid for period from its
// creation, and a plan within rotate_before of its expiry replaces it. Its
// schema, its validation, its plan and the expiry a create sends are here.

// rotationSettings is the rotation block, parsed; the texts are kept so that
// messages quote what the user wrote.
type rotationSettings struct {
	period, rotateBefore         time.Duration
	periodText, rotateBeforeText string
}

type rotationModel struct {
	Period       types.String `tfsdk:"period"`
	RotateBefore types.String `tfsdk:"rotate_before"`
}

// rotationFrom parses the rotation object; nil when it is null, unknown or
// holds a duration that is unknown or invalid (the attribute's validator
// reports those, so they are not reported twice).
func rotationFrom(ctx context.Context, obj types.Object) (*rotationSettings, diag.Diagnostics) {
	if obj.IsNull() || obj.IsUnknown() {
		return nil, nil
	}
	var m rotationModel
	diags := obj.As(ctx, &m, basetypes.ObjectAsOptions{})
	if diags.HasError() {
		return nil, diags
	}
	period, okPeriod := validators.ParseDuration(m.Period.ValueString())
	before, okBefore := validators.ParseDuration(m.RotateBefore.ValueString())
	if !okPeriod || !okBefore {
		return nil, diags
	}
	return &rotationSettings{
		period: period, rotateBefore: before,
		periodText: m.Period.ValueString(), rotateBeforeText: m.RotateBefore.ValueString(),
	}, diags
}

// rotationAttribute is the schema of the rotation block.
func rotationAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Built-in rotation: each key is valid for `period` from its creation, and is " +
			"replaced by a new key once it is within `rotate_before` of its expiry (checked on every plan). " +
			"Set either `rotation` or `expiration`.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"period": schema.StringAttribute{
				MarkdownDescription: "How long each key is valid from its creation, as a Go duration such as " +
					"`2160h` (90 days). Changing it recomputes `expiration` from `created` and updates the key " +
					"in place, or replaces it if the new expiry already falls inside the rotation window.",
				Required:   true,
				Validators: []validator.String{validators.Duration(0)},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: "How long before its expiry a key is replaced, as a Go duration such as " +
					"`336h` (14 days). Must be shorter than `period`. Changing it changes nothing remote.",
				Required:   true,
				Validators: []validator.String{validators.Duration(0)},
			},
		},
	}
}

// ValidateConfig reports, before any plan, what can be known from the
// configuration alone: that rotate_before is shorter than period.
func (r *apiKeyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Terraform validates every resource on every plan, so only rotation is
	// read.
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

// planRotation computes expiration under rotation and replaces the key once
// it is inside its rotation window.
func (p *keyPlan) planRotation(ctx context.Context, resp *resource.ModifyPlanResponse) {
	rot, diags := rotationFrom(ctx, p.config.Rotation)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	created, okCreated := p.state.Created.instant()
	expiry, okExpiry := p.state.Expiration.instant()
	if rot == nil || !p.hasState || !okCreated || !okExpiry {
		// A new key: its expiry is created + period, known after apply.
		p.setPlan("expiration", timestampUnknown())
		return
	}
	next := p.state.Expiration
	if prior, d := rotationFrom(ctx, p.state.Rotation); d.HasError() || prior == nil || prior.period != rot.period {
		// A new period (or a key switching from a fixed expiration, or just
		// imported) runs from the key's creation, not from now.
		expiry = created.Add(rot.period)
		next = keepInstantText(p.state.Expiration, expiry)
	}
	reason := ""
	switch {
	case !expiry.After(p.now):
		reason = fmt.Sprintf("it expired at %s", expiry.UTC().Format(time.RFC3339))
	case !p.now.Before(expiry.Add(-rot.rotateBefore)):
		reason = fmt.Sprintf("it expires at %s, within rotate_before (%s) of now", expiry.UTC().Format(time.RFC3339), rot.rotateBeforeText)
	}
	if reason == "" {
		p.setPlan("expiration", next)
		return
	}
	p.warnRotation(reason, rotationEnding(p.now, expiry, p.state.RetireAfter), &resp.Diagnostics)
	p.setPlan("expiration", timestampUnknown())
	p.setPlan("id", types.StringUnknown())
	p.setPlan("created", timestampUnknown())
	p.setPlan("secret_version", types.Int64Unknown())
	p.planNewKeySecret()
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expiration"))
}

// warnRotation says that the key in state will be rotated, why, and what
// becomes of the old key (ending).
func (p *keyPlan) warnRotation(reason, ending string, diags *diag.Diagnostics) {
	diags.AddAttributeWarning(path.Root("rotation"), "API key will be rotated",
		fmt.Sprintf("Domain Trust API key %s (%q) will be replaced by a new key: %s. The rotation rule is: replace "+
			"once now >= expiration - rotate_before. %s", p.state.ID.ValueString(), p.state.Description.ValueString(),
			reason, ending))
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

// plannedExpiry is the expiry to send on create: the configured expiration,
// or now + period under rotation.
func (r *apiKeyResource) plannedExpiry(ctx context.Context, plan apiKeyModel) (time.Time, diag.Diagnostics) {
	if !plan.Expiration.IsUnknown() && !plan.Expiration.IsNull() {
		t, ok := plan.Expiration.instant()
		if !ok {
			return time.Time{}, diagnostics.Error("Invalid expiration", "expiration is not an RFC 3339 time")
		}
		return t, nil
	}
	rot, diags := rotationFrom(ctx, plan.Rotation)
	if diags.HasError() {
		return time.Time{}, diags
	}
	if rot == nil {
		return time.Time{}, diagnostics.Error("Missing expiration", "Set expiration or rotation.")
	}
	return r.data.now().Add(rot.period).Truncate(time.Second), nil
}
