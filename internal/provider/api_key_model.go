package provider

import (
	"context"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// The resource's Terraform models: what Get and Set read from and write to
// configuration, plan and state, and the rotation block parsed.

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
}

// importedKeyState is the state an imported key has once read: what the API
// shows, no secret (the API shows it only at creation), and neither
// rotation nor triggers, which exist only in configuration.
func importedKeyState(k *client.Key) apiKeyModel {
	return apiKeyModel{
		ID:               types.StringValue(k.ID),
		Environment:      types.StringValue(k.Environment),
		Description:      types.StringValue(k.Description),
		Expiration:       timestampOf(k.Expiry),
		Rotation:         types.ObjectNull(rotationAttribute().GetType().(types.ObjectType).AttrTypes),
		RotationTriggers: types.MapNull(types.StringType),
		UserID:           types.StringValue(k.UserID),
		Key:              types.StringNull(),
		Created:          timestampOf(k.Created),
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
