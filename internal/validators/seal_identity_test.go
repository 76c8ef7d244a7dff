package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// TestSealIdentityValidator: the validator reports seal's rule (tested in
// internal/seal) at the attribute, with the reason and both accepted forms,
// and without the value.
func TestSealIdentityValidator(t *testing.T) {
	t.Parallel()
	at := path.Root("identity")
	ageKey := sealtest.Age(t)
	for _, c := range []struct {
		value types.String
		want  string
	}{
		{types.StringValue(sealtest.SealedBox(t).Identity), ""},
		{types.StringValue(ageKey.Identity + "\n"), ""},
		{types.StringNull(), ""},
		{types.StringUnknown(), ""},
		{types.StringValue(ageKey.Recipient), "identity: the value is an age recipient (age1...), a public key"},
		{types.StringValue(ageKey.Identity[:50]), "identity: the value starts with AGE-SECRET-KEY-1 but is 50 characters long, not 74"},
		{types.StringValue(""), "identity: the value is empty; an identity is " + seal.AcceptedIdentity + "."},
	} {
		var resp validator.StringResponse
		SealIdentity().ValidateString(context.Background(), validator.StringRequest{Path: at, ConfigValue: c.value}, &resp)
		if resp.Diagnostics.HasError() != (c.want != "") {
			t.Errorf("%d characters: %v", len(c.value.ValueString()), resp.Diagnostics)
			continue
		}
		if c.want == "" {
			continue
		}
		d := resp.Diagnostics[0]
		if detail := d.Detail(); !strings.Contains(detail, c.want) || !strings.HasSuffix(detail, seal.AcceptedIdentity+".") {
			t.Errorf("detail %q lacks %q", detail, c.want)
		}
		if v := c.value.ValueString(); len(v) > 20 && strings.Contains(d.Detail(), v[16:]) {
			t.Errorf("detail %q repeats the value", d.Detail())
		}
		if wp, ok := d.(interface{ Path() path.Path }); !ok || !wp.Path().Equal(at) || d.Summary() != "Invalid identity" {
			t.Errorf("not an Invalid identity error at identity: %v", d)
		}
	}
	if got := SealIdentity().Description(context.Background()); got != "must be "+seal.AcceptedIdentity {
		t.Errorf("description %q", got)
	}
}
