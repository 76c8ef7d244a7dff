package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// Endpoint accepts what the API client accepts as its endpoint
// (client.ParseEndpoint): absolute https URLs, and plain http only for
// loopback hosts. Checking it here reports a bad endpoint at validate, on
// its attribute, rather than when the provider is configured.
func Endpoint() validator.String { return endpoint{} }

type endpoint struct{}

func (endpoint) Description(context.Context) string {
	return "must be an absolute https URL (http only for loopback hosts)"
}

func (v endpoint) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpoint) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := client.ParseEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Domain Trust endpoint",
			fmt.Sprintf("%q: %s.", req.ConfigValue.ValueString(), err))
	}
}
