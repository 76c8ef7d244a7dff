package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestUUID(t *testing.T) {
	t.Parallel()
	for value, wantErr := range map[string]bool{
		"0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70": false,
		"0B8F3C5E-7A2D-4C19-9E61-3D5F2A8B9C70": false,
		"bob":                                  true,
		"":                                     true,
		"0b8f3c5e7a2d4c199e613d5f2a8b9c70":     true,
	} {
		var resp validator.StringResponse
		UUID("a Domain Trust user id").ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("user_id"), ConfigValue: types.StringValue(value)}, &resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%q: %v", value, resp.Diagnostics)
		}
		if wantErr && !strings.Contains(resp.Diagnostics[0].Detail(), "must be a Domain Trust user id, a UUID") {
			t.Errorf("%q: detail %q", value, resp.Diagnostics[0].Detail())
		}
	}
}
