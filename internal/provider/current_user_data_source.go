package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*currentUserDataSource)(nil)

// currentUserDataSource reads the user the provider's API key belongs to
// (GET /user, a documented fact in CONTRACT.md). It has no attribute that
// could hold a secret: the API key itself is never part of its answer.
type currentUserDataSource struct {
	data *providerData
}

type currentUserModel struct {
	ID             types.String `tfsdk:"id"`
	Email          types.String `tfsdk:"email"`
	FirstName      types.String `tfsdk:"first_name"`
	LastName       types.String `tfsdk:"last_name"`
	OrganizationID types.String `tfsdk:"organization_id"`
	Role           types.String `tfsdk:"role"`
}

func (d *currentUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_current_user"
}

func (d *currentUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Domain Trust user the provider's API key belongs to: who is applying, in which " +
			"organization and with which role. Use it in preconditions (for example, only an `admin` may create keys " +
			"for other users) and as a default for `user_id`. Nothing it returns is secret: the API key itself is " +
			"never part of it.",
		Attributes: map[string]schema.Attribute{
			"id":         computed("The user's id, a UUID: the `user_id` of the keys they own."),
			"email":      computed("The user's email address."),
			"first_name": computed("The user's first name."),
			"last_name":  computed("The user's last name."),
			"organization_id": computed("The id of the user's organization. An admin manages the keys of every " +
				"user of this organization."),
			"role": computed("The user's role in the organization: `admin`, `member` or `trial`. Only an admin may " +
				"act for other users (`user_id`), and Domain Trust may let only admins create, update and delete keys."),
		},
	}
}

func (d *currentUserDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *currentUserDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	u, err := d.data.currentUser(ctx)
	if err != nil {
		resp.Diagnostics.Append(d.data.apiErrorDiagnostics(ctx, "read the user of the provider's API key", err)...)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, currentUserModel{
		ID:             types.StringValue(u.ID),
		Email:          types.StringValue(u.Email),
		FirstName:      types.StringValue(u.FirstName),
		LastName:       types.StringValue(u.LastName),
		OrganizationID: types.StringValue(u.OrganizationID),
		Role:           types.StringValue(u.Role),
	})...)
}
