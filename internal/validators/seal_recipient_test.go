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

// TestSealRecipientValidator: the validator reports seal's rule (tested in
// internal/seal) at the attribute Terraform can show, with the whole path,
// the reason and both accepted forms, and without the value.
func TestSealRecipientValidator(t *testing.T) {
	t.Parallel()
	at := path.Root("seal").AtName("recipient")
	const identity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
	for _, c := range []struct {
		value types.String
		want  string
	}{
		{types.StringValue(sealtest.SealedBox(t).Recipient), ""},
		{types.StringValue(sealtest.Age(t).Recipient + "\n"), ""},
		{types.StringNull(), ""},
		{types.StringUnknown(), ""},
		{types.StringValue(strings.Repeat("3f", 32)), "seal.recipient: the value is 64 hexadecimal digits, a key in hex"},
		{types.StringValue("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="), "seal.recipient: the value decodes to 31 bytes, want 32; a recipient is " + seal.Accepted + "."},
		{types.StringValue(identity), "seal.recipient: the value is an age identity (AGE-SECRET-KEY-...), a private key"},
		{types.StringValue(""), "seal.recipient: the value is empty"},
		{types.StringValue("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z"),
			"seal.recipient: the value is not a usable age X25519 recipient (a low-order point, such as all zeros)"},
		{types.StringValue("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
			"seal.recipient: the value is not a usable Curve25519 public key (a low-order point, such as all zeros)"},
	} {
		var resp validator.StringResponse
		SealRecipient().ValidateString(context.Background(),
			validator.StringRequest{Path: at, ConfigValue: c.value}, &resp)
		if resp.Diagnostics.HasError() != (c.want != "") {
			t.Errorf("%s: %v", c.value, resp.Diagnostics)
			continue
		}
		if c.want == "" {
			continue
		}
		d := resp.Diagnostics[0]
		detail := d.Detail()
		if !strings.Contains(detail, c.want) || !strings.HasSuffix(detail, seal.Accepted+".") {
			t.Errorf("%s: detail %q lacks %q", c.value, detail, c.want)
		}
		if v := c.value.ValueString(); len(v) > 20 && strings.Contains(detail, v[16:]) {
			t.Errorf("%s: detail %q repeats the value", c.value, detail)
		}
		if wp, ok := d.(interface{ Path() path.Path }); !ok || !wp.Path().Equal(path.Root("seal")) {
			t.Errorf("%s: not at seal: %v", c.value, d)
		}
	}
	if got := SealRecipient().Description(context.Background()); got != "must be "+seal.Accepted {
		t.Errorf("description %q", got)
	}
}
