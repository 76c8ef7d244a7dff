package provider

import (
	"cmp"
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure      = (*apiKeysDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*apiKeysDataSource)(nil)
)

// apiKeysDataSource lists one user's API keys, filtered by the API.
type apiKeysDataSource struct {
	data *providerData
}

type apiKeysModel struct {
	apiKeyFilters
	Keys []apiKeyObject `tfsdk:"keys"`
}

func (d *apiKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_keys"
}

func (d *apiKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	keyAttrs := apiKeyObjectAttributes()
	keyAttrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The key's id (a UUID), usable with the `domaintrust_api_key` data source and for import.",
		Computed:            true,
	}
	attrs := apiKeyFilterDataSourceAttributes()
	attrs["keys"] = schema.ListNestedAttribute{
		MarkdownDescription: "The matching keys, oldest first (ties in `created` ordered by `id`), so the " +
			"order stays the same from one run to the next.",
		Computed:     true,
		NestedObject: schema.NestedAttributeObject{Attributes: keyAttrs},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Domain Trust API keys of one user: by default the user of the provider's API " +
			"key. Filters are applied by the API, and every page of the answer is read, however many keys there are. " +
			"Secret values are not available: Domain Trust shows a key's value only once, when it is created.",
		Attributes: attrs,
	}
}

func (d *apiKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig rejects an empty expiry window (see validateExpiryWindow).
func (d *apiKeysDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	validateExpiryWindow(ctx, req.Config, &resp.Diagnostics)
}

func (d *apiKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg apiKeysModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	in := cfg.listInput()
	if diags := d.data.refusedAsSecret(userIDInput(in.UserID)); diags != nil {
		resp.Diagnostics.Append(diags...)
		return
	}
	keys, err := d.data.listKeys(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(d.data.listKeysDiagnostics(ctx, in, err)...)
		return
	}

	// The API promises no order. ListKeys returns each key once, so
	// (created, id) orders the keys completely.
	slices.SortFunc(keys, func(a, b client.Key) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	cfg.Keys = make([]apiKeyObject, 0, len(keys))
	for i := range keys {
		cfg.Keys = append(cfg.Keys, apiKeyObjectOf(&keys[i]))
	}
	tflog.Debug(ctx, "listed Domain Trust API keys", map[string]any{"count": len(cfg.Keys)})
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
