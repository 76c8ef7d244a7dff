// Package planmodifiers holds the provider's attribute plan modifiers.
package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// MapRequiresReplaceUnlessAdded replaces the resource when a map attribute
// changes, except when its prior value is null: a resource just imported, or
// one getting its first map, is not replaced just for that. Like `keepers` in
// the random provider, but adding keepers later costs nothing.
func MapRequiresReplaceUnlessAdded() planmodifier.Map {
	const description = "Replaces the resource when the map changes (not when it is first added)."
	return mapplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull()
		},
		description, description,
	)
}
