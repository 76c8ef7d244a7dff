package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// State version 0: what every build up to f22c26b wrote. Frozen: only the
// types matter here, to read such state; never change them. Builds added
// attributes without raising the version (rotation_triggers, then seal,
// sealed_key and retire_after), so the schema is their union, and state of
// an older build lacks some attributes: they read as null.

// apiKeySchemaV0 is the schema state of version 0 is read with.
func apiKeySchemaV0() schema.Schema {
	text := schema.StringAttribute{Optional: true}
	return schema.Schema{
		Version: 0,
		Attributes: map[string]schema.Attribute{
			"id":          text,
			"environment": text,
			"description": text,
			"expiration":  text,
			"rotation": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
				"period": text, "rotate_before": text,
			}},
			"rotation_triggers": schema.MapAttribute{ElementType: types.StringType, Optional: true},
			"user_id":           text,
			"key":               schema.StringAttribute{Optional: true, Sensitive: true},
			"created":           text,
			"seal": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
				"recipient": text,
			}},
			"sealed_key":   text,
			"retire_after": text,
		},
	}
}

// apiKeyModelV0 is state of version 0.
type apiKeyModelV0 struct {
	ID               types.String `tfsdk:"id"`
	Environment      types.String `tfsdk:"environment"`
	Description      types.String `tfsdk:"description"`
	Expiration       types.String `tfsdk:"expiration"`
	Rotation         types.Object `tfsdk:"rotation"`
	RotationTriggers types.Map    `tfsdk:"rotation_triggers"`
	UserID           types.String `tfsdk:"user_id"`
	Key              types.String `tfsdk:"key"`
	Created          types.String `tfsdk:"created"`
	Seal             types.Object `tfsdk:"seal"`
	SealedKey        types.String `tfsdk:"sealed_key"`
	RetireAfter      types.String `tfsdk:"retire_after"`
}

// apiKeyStateV1FromV0 is the step from version 0 to 1, which keeps every
// value as it is: version 1 was introduced so that builds of version 0,
// which know nothing of an upgrade and would drop seal, sealed_key and
// retire_after, refuse state of later builds (STATE_VERSIONS.md). Version 1
// has version 0's attributes (apiKeyModelV1); the model it returns is the
// current one, which apiKeyStateV2FromV1 completes.
func apiKeyStateV1FromV0(v0 apiKeyModelV0) apiKeyModel {
	return apiKeyModel{
		ID:               v0.ID,
		Environment:      v0.Environment,
		Description:      v0.Description,
		Expiration:       timestamp{RFC3339: timetypes.RFC3339{StringValue: v0.Expiration}},
		Rotation:         v0.Rotation,
		RotationTriggers: v0.RotationTriggers,
		UserID:           v0.UserID,
		Key:              v0.Key,
		Created:          timestamp{RFC3339: timetypes.RFC3339{StringValue: v0.Created}},
		Seal:             v0.Seal,
		SealedKey:        v0.SealedKey,
		RetireAfter:      v0.RetireAfter,
	}
}
