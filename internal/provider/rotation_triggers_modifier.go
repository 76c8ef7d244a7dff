package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// replaceWhenTriggersChange replaces the key when rotation_triggers changes,
// except when the prior value is null: an imported key, or a key getting its
// first triggers, should not be rotated just for that.
func replaceWhenTriggersChange() planmodifier.Map {
	return mapplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull()
		},
		"Replaces the key when the triggers change (not when they are first added).",
		"Replaces the key when the triggers change (not when they are first added).",
	)
}
