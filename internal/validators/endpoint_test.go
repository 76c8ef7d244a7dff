package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestEndpointValidator: the validator reports the client's rule (tested in
// internal/client) on the attribute, with the value and the reason.
func TestEndpointValidator(t *testing.T) {
	t.Parallel()
	for value, want := range map[string]string{
		"http://127.0.0.1:8580/api": "",
		"http://example.org/api":    `"http://example.org/api": plain http would send the API key unencrypted`,
	} {
		var resp validator.StringResponse
		Endpoint().ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("endpoint"), ConfigValue: types.StringValue(value)}, &resp)
		if resp.Diagnostics.HasError() != (want != "") {
			t.Errorf("%q: %v", value, resp.Diagnostics)
			continue
		}
		if want != "" && !strings.Contains(resp.Diagnostics[0].Detail(), want) {
			t.Errorf("%q: detail %q lacks %q", value, resp.Diagnostics[0].Detail(), want)
		}
	}
}
