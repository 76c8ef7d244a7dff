package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
)

// SealIdentity accepts what seal.ParseIdentity accepts: an age X25519
// identity (or an age key file) or the base64 private key of a sealed-box
// pair. Checking it here reports a value of the wrong form at validate (or,
// when it comes from a variable, as soon as Terraform knows it), before any
// sealed value is opened.
//
// The message never repeats the value: it is a private key, or was meant to
// be one.
func SealIdentity() validator.String { return sealIdentity{} }

type sealIdentity struct{}

func (sealIdentity) Description(context.Context) string { return "must be " + seal.AcceptedIdentity }

func (v sealIdentity) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (sealIdentity) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := seal.ParseIdentity(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid identity", req.Path.String()+": "+err.Error()+".")
	}
}
