package validators

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestExactlyOneOf(t *testing.T) {
	t.Parallel()
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"a": schema.StringAttribute{Optional: true},
		"b": schema.StringAttribute{Optional: true},
	}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String, "b": tftypes.String}}
	v := ExactlyOneOf(path.Root("a"), path.Root("b"), Message{"both", "set one"}, Message{"neither", "set one"})
	for _, tc := range []struct {
		name    string
		a, b    any
		summary string // "" = valid
		at      string
	}{
		{"only a", "x", nil, "", ""},
		{"only b", nil, "y", "", ""},
		{"both", "x", "y", "both", "a"},
		{"neither", nil, nil, "neither", ""},
		{"a unknown", tftypes.UnknownValue, nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tftypes.NewValue(typ, map[string]tftypes.Value{
				"a": tftypes.NewValue(tftypes.String, tc.a), "b": tftypes.NewValue(tftypes.String, tc.b),
			})
			var resp resource.ValidateConfigResponse
			v.ValidateResource(context.Background(), resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: s, Raw: raw}}, &resp)
			if tc.summary == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected %v", resp.Diagnostics)
				}
				return
			}
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary() != tc.summary {
				t.Fatalf("diagnostics %v, want one %q", resp.Diagnostics, tc.summary)
			}
			wp, ok := resp.Diagnostics[0].(diag.DiagnosticWithPath)
			if (tc.at != "") != ok || (ok && !wp.Path().Equal(path.Root(tc.at))) {
				t.Errorf("diagnostic path: %v, want %q", resp.Diagnostics[0], tc.at)
			}
		})
	}
}
