package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
)

// openUnconfigured answers an Open that needs the API before the provider
// is configured: the provider block depends on values known only after
// apply, which happens only during plan. A client that can take a deferral
// gets one. Terraform without deferrals accepts an unknown result and opens
// the resource again during apply, when the provider is configured:
// unknownResult is the result to give it, every computed attribute unknown.
// OpenTofu rejects an unknown result as a provider bug; it opens the
// resource at apply by itself when the ephemeral block's depends_on has
// pending changes. needs completes "it cannot ... during the plan".
func openUnconfigured(ctx context.Context, data *providerData, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse,
	needs string, unknownResult any,
) {
	if req.ClientCapabilities.DeferralAllowed {
		resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
		return
	}
	if data.clientVersion() == openTofuReportedVersion {
		resp.Diagnostics.AddError("Provider configuration known only at apply",
			"The domaintrust provider's configuration depends on values that are known only after apply, so "+
				"it cannot "+needs+" during the plan, and OpenTofu does not accept a value that is not "+
				"known yet. Add the resources the provider block depends on to this ephemeral block's "+
				"depends_on: OpenTofu then opens it during apply, when the provider is configured.")
		return
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, unknownResult)...)
}
