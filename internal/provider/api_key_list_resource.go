package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

var (
	_ list.ListResourceWithConfigure      = (*apiKeyListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*apiKeyListResource)(nil)
)

// apiKeyListResource finds keys for `terraform query` (Terraform 1.14+): the
// identities to import, and with include_resource the objects Terraform
// writes configuration from.
type apiKeyListResource struct {
	data *providerData
}

// apiDefaultPageSize is how many keys a page of GET /keys holds when the
// request names no limit (CONTRACT.md). A smaller limit asks for a page of
// its own size, so that no key is fetched that the limit drops.
const apiDefaultPageSize = 100

func (r *apiKeyListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds Domain Trust API keys for `terraform query` (Terraform 1.14 and later), with the " +
			"same filters as the `domaintrust_api_keys` data source. Each result is a key's identity and a display " +
			"name made of its description, environment and expiry; with `include_resource = true`, also the key as " +
			"`domaintrust_api_key` would read it, so that `terraform query -generate-config-out=FILE` writes " +
			"`resource` and `import` blocks that plan with nothing but the imports to do. Never the secret value: " +
			"Domain Trust shows it only once, when a key is created. Results are streamed page by page, in the " +
			"API's order, and stop at the `list` block's `limit`.",
		Attributes: apiKeyFilterListAttributes(),
	}
}

func (r *apiKeyListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *apiKeyListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	validateExpiryWindow(ctx, req.Config, &resp.Diagnostics)
}

func (r *apiKeyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filters apiKeyFilters
	diags := req.Config.Get(ctx, &filters)
	if diags.HasError() || !requireConfigured(r.data, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	in := filters.listInput()
	diags.Append(r.data.refusedAsSecret(userIDInput(in.UserID))...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		r.stream(ctx, req, in, push)
	}
}

// stream pushes the matching keys a page at a time until the last page,
// the limit, or a consumer that stops reading. KeyPages yields each key
// once, so every key pushed counts towards the limit.
func (r *apiKeyListResource) stream(ctx context.Context, req list.ListRequest, in client.ListKeysInput, push func(list.ListResult) bool) {
	if req.Limit > 0 && req.Limit < apiDefaultPageSize {
		in.Limit = int(req.Limit)
	}
	var sent int64
	for page, err := range r.data.keyPages(ctx, in) {
		if err != nil {
			push(list.ListResult{Diagnostics: r.data.listKeysDiagnostics(ctx, in, err)})
			return
		}
		for i := range page.Keys {
			if !push(r.result(ctx, req, &page.Keys[i])) {
				return
			}
			if sent++; req.Limit > 0 && sent >= req.Limit {
				return
			}
		}
	}
	tflog.Debug(ctx, "listed Domain Trust API keys", map[string]any{"count": sent})
}

// result is one key: its identity, its display name and, when asked for,
// the resource object as import and read would make it (keyState).
func (r *apiKeyListResource) result(ctx context.Context, req list.ListRequest, k *client.Key) list.ListResult {
	res := req.NewListResult(ctx)
	res.DisplayName = keyDisplayName(k, r.data.now())
	setKeyIdentity(ctx, res.Identity, k.ID, &res.Diagnostics)
	if req.IncludeResource {
		res.Diagnostics.Append(res.Resource.Set(ctx, keyState(k, unreadPrior(ctx)))...)
	}
	return res
}

// keyDisplayName names a key the way the dashboard shows it: what it is
// for, where it works and until when.
func keyDisplayName(k *client.Key, now time.Time) string {
	description := k.Description
	if description == "" {
		description = "(no description)"
	}
	expires := "expires"
	if !k.Expiry.After(now) {
		expires = "expired"
	}
	return fmt.Sprintf("%s (%s, %s %s)", description, k.Environment, expires, k.Expiry.UTC().Format(time.RFC3339))
}
