package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestCheckUUID: the canonical form in either case is an id; every other
// spelling is refused, and one that is a UUID is told its canonical form.
func TestCheckUUID(t *testing.T) {
	t.Parallel()
	const canonical = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
	for id, fix := range map[string]string{
		canonical:                                "",
		"0B8F3C5E-7A2D-4C19-9E61-3D5F2A8B9C70":   "",
		"{" + canonical + "}":                    canonical,
		"urn:uuid:" + canonical:                  canonical,
		"0b8f3c5e7a2d4c199e613d5f2a8b9c70":       canonical,
		"{0B8F3C5E-7A2D-4C19-9E61-3D5F2A8B9C70}": canonical,
		"bob":                                    "no UUID",
		"":                                       "no UUID",
		" " + canonical:                          "no UUID",
		canonical + "\n":                         "no UUID",
		"0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c7g":   "no UUID",
	} {
		problem := CheckUUID(id, "a Domain Trust user id")
		switch {
		case fix == "" && problem != "":
			t.Errorf("%q refused: %s", id, problem)
		case fix != "" && !strings.HasPrefix(problem, "must be a Domain Trust user id, a UUID such as "):
			t.Errorf("%q: problem %q", id, problem)
		case fix == "no UUID" && strings.Contains(problem, "write"):
			t.Errorf("%q: problem %q offers a fix", id, problem)
		case fix != "" && fix != "no UUID" && !strings.HasSuffix(problem, "write "+fix+")"):
			t.Errorf("%q: problem %q does not offer %s", id, problem, fix)
		}
	}
}

func TestUUID(t *testing.T) {
	t.Parallel()
	for value, wantErr := range map[string]bool{
		"0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70":   false,
		"{0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70}": true,
		"bob":                                    true,
	} {
		var resp validator.StringResponse
		UUID("a Domain Trust user id").ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("user_id"), ConfigValue: types.StringValue(value)}, &resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%q: %v", value, resp.Diagnostics)
		}
		if wantErr && !strings.Contains(resp.Diagnostics[0].Detail(), "Attribute user_id must be a Domain Trust user id, a UUID") {
			t.Errorf("%q: detail %q", value, resp.Diagnostics[0].Detail())
		}
	}
}
