package provider

import (
	"context"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// The resource's Terraform models: what Get and Set read from and write to
// configuration, plan and state; the rotation block, its schema and its
// parsing; and the one mapping from a key to the resource's state.

type apiKeyModel struct {
	ID               types.String `tfsdk:"id"`
	Environment      types.String `tfsdk:"environment"`
	Description      types.String `tfsdk:"description"`
	Expiration       timestamp    `tfsdk:"expiration"`
	Rotation         types.Object `tfsdk:"rotation"`
	RotationTriggers types.Map    `tfsdk:"rotation_triggers"`
	UserID           types.String `tfsdk:"user_id"`
	Key              types.String `tfsdk:"key"`
	Created          timestamp    `tfsdk:"created"`
	Seal             types.Object `tfsdk:"seal"`
	SealedKey        types.String `tfsdk:"sealed_key"`
	RetireAfter      types.String `tfsdk:"retire_after"`
	SecretVersion    types.Int64  `tfsdk:"secret_version"`
}

// keyState is the state of key k as every path that learns of a key writes
// it (create, read, update, import, the list resource's results): what
// Domain Trust shows of the key, with prior's text kept for a time that
// names the same instant; what only the configuration knows (rotation,
// triggers, seal, retire_after) and the secret, plain or sealed (shown once,
// when the key is created), come from prior, as does the id, which Terraform
// requires unchanged once set. A key imported or listed has prior
// unreadPrior().
func keyState(k *client.Key, prior apiKeyModel) apiKeyModel {
	s := prior
	if s.ID.IsNull() || s.ID.IsUnknown() {
		s.ID = types.StringValue(k.ID)
	}
	s.Environment = types.StringValue(k.Environment)
	s.Description = types.StringValue(k.Description)
	s.UserID = types.StringValue(k.UserID)
	s.Created = keepInstantText(prior.Created, k.Created)
	s.Expiration = keepInstantText(prior.Expiration, k.Expiry)
	s.SecretVersion = secretVersion(k.Created)
	return s
}

// unreadPrior is what state knows of a key Terraform has never read: nothing.
// Its secret, plain or sealed, stays null, as Domain Trust shows it only at
// creation.
func unreadPrior() apiKeyModel {
	return apiKeyModel{
		ID:               types.StringNull(),
		Environment:      types.StringNull(),
		Description:      types.StringNull(),
		Expiration:       timestampNull(),
		Rotation:         types.ObjectNull(rotationAttribute().GetType().(types.ObjectType).AttrTypes),
		RotationTriggers: types.MapNull(types.StringType),
		UserID:           types.StringNull(),
		Key:              types.StringNull(),
		Created:          timestampNull(),
		Seal:             types.ObjectNull(sealAttributeTypes()),
		SealedKey:        types.StringNull(),
		RetireAfter:      types.StringNull(),
		SecretVersion:    types.Int64Null(),
	}
}

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

// priorKeyName reads what messages name a key in state by: its id and
// description.
func priorKeyName(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) (id, description string) {
	var state apiKeyModel
	getAttributes(ctx, req.State, diags, map[string]any{"id": &state.ID, "description": &state.Description})
	return state.ID.ValueString(), state.Description.ValueString()
}
