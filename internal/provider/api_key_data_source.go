package provider

import (
	"context"
	"fmt"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ datasource.DataSourceWithConfigure = (*apiKeyDataSource)(nil)

// apiKeyDataSource reads one API key by id.
type apiKeyDataSource struct {
	data *providerData
}

func (d *apiKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (d *apiKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := apiKeyObjectAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The key's id, a UUID such as `0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70`. A member can read " +
			"only their own keys; an admin can read the keys of every user of their organization.",
		Required:   true,
		Validators: []validator.String{validators.UUID("a Domain Trust API key id")},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Domain Trust API key by id: its description, environment, expiration and owner. " +
			"The secret value is not available: Domain Trust shows it only once, when the key is created. " +
			"An id that does not exist, or that the provider's key may not see, is an error.",
		Attributes: attrs,
	}
}

func (d *apiKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *apiKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg apiKeyObject
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	id := cfg.ID.ValueString()
	key, err := d.data.getKey(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(keyNotReadDiagnostics(id, d.data.judge(ctx, err))...)
		return
	}
	state := apiKeyObjectOf(key)
	// Terraform requires a configured value back unchanged, whatever case
	// the API writes the UUID in.
	state.ID = cfg.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// keyNotReadDiagnostics explains a read of key id that failed: a key the API
// proves it does not show, or the API's error.
func keyNotReadDiagnostics(id string, failure apiFailure) diag.Diagnostics {
	if !failure.Gone() {
		return failure.diagnostics("read Domain Trust API key " + id)
	}
	// The API answers 404 alike for a missing key and for another user's or
	// organization's, so the message cannot say which.
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("id"), "API key not found",
		fmt.Sprintf("Domain Trust has no API key with id %s that the provider's API key may see. The key may "+
			"have been deleted, or it belongs to someone else: a member sees only their own keys, and an admin "+
			"only those of their own organization.", id))
	return diags
}
