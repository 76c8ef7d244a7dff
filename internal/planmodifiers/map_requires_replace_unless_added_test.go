package planmodifiers

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestMapRequiresReplaceUnlessAdded(t *testing.T) {
	t.Parallel()
	m := func(v string) types.Map {
		return types.MapValueMust(types.StringType, map[string]attr.Value{"version": types.StringValue(v)})
	}
	null := types.MapNull(types.StringType)
	s := schema.Schema{Attributes: map[string]schema.Attribute{"triggers": schema.MapAttribute{ElementType: types.StringType, Optional: true}}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"triggers": tftypes.Map{ElementType: tftypes.String}}}
	existing := tftypes.NewValue(typ, map[string]tftypes.Value{"triggers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil)})
	for _, tc := range []struct {
		name        string
		state, plan types.Map
		want        bool
	}{
		{"unchanged", m("1"), m("1"), false},
		{"changed", m("1"), m("2"), true},
		{"removed", m("1"), null, true},
		{"first added", null, m("1"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := planmodifier.MapRequest{
				Path:        path.Root("triggers"),
				StateValue:  tc.state,
				PlanValue:   tc.plan,
				ConfigValue: tc.plan,
				State:       tfsdk.State{Schema: s, Raw: existing},
				Plan:        tfsdk.Plan{Schema: s, Raw: existing},
			}
			var resp planmodifier.MapResponse
			resp.PlanValue = tc.plan
			MapRequiresReplaceUnlessAdded().PlanModifyMap(context.Background(), req, &resp)
			if resp.RequiresReplace != tc.want {
				t.Errorf("RequiresReplace = %v, want %v", resp.RequiresReplace, tc.want)
			}
		})
	}
}
