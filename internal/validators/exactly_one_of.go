package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Message is what a validator says when its rule is broken.
type Message struct {
	Summary, Detail string
}

// ExactlyOneOf requires exactly one of two attributes to be set. It is
// resourcevalidator.ExactlyOneOf with messages of the caller's: the generic
// "exactly one of these attributes" cannot say how the two differ, which is
// what a user choosing between them needs to read. both is reported at first.
func ExactlyOneOf(first, second path.Path, both, neither Message) resource.ConfigValidator {
	return exactlyOneOf{first: first, second: second, both: both, neither: neither}
}

type exactlyOneOf struct {
	first, second path.Path
	both, neither Message
}

func (v exactlyOneOf) Description(context.Context) string {
	return "exactly one of " + v.first.String() + " and " + v.second.String() + " must be set"
}

func (v exactlyOneOf) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v exactlyOneOf) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var first, second attr.Value
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, v.first, &first)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, v.second, &second)...)
	if resp.Diagnostics.HasError() || first.IsUnknown() || second.IsUnknown() {
		return
	}
	switch {
	case !first.IsNull() && !second.IsNull():
		resp.Diagnostics.AddAttributeError(v.first, v.both.Summary, v.both.Detail)
	case first.IsNull() && second.IsNull():
		resp.Diagnostics.AddError(v.neither.Summary, v.neither.Detail)
	}
}
