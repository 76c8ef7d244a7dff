package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/diagnostics"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
)

// SealRecipient accepts what seal.ParseRecipient accepts: the base64 public
// key of a libsodium sealed box or an age X25519 recipient. Checking it here
// reports a bad recipient at validate, on its attribute, rather than after
// the key is created, when the plaintext would have nowhere to go.
//
// The message does not repeat the value, unlike the other validators': what
// was pasted by mistake may be a private key (an age identity, say), and
// diagnostics are printed and logged.
func SealRecipient() validator.String { return sealRecipient{} }

type sealRecipient struct{}

func (sealRecipient) Description(context.Context) string { return "must be " + seal.Accepted }

func (v sealRecipient) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (sealRecipient) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := seal.ParseRecipient(req.ConfigValue.ValueString()); err != nil {
		// The recipient sits in a nested attribute (seal.recipient), which
		// Terraform 1.11 cannot point at: the text names the whole path.
		resp.Diagnostics.AddAttributeError(diagnostics.ConfigPath(req.Path), "Invalid seal recipient",
			req.Path.String()+": "+err.Error()+".")
	}
}
