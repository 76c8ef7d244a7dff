package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/sdklogs"
)

// The framework floor: the least a terraform-plugin-framework provider can
// cost for the benchmark's steps. One resource with the attributes, flags and
// built-in plan modifiers of domaintrust_api_key, no API call and no logging,
// served the way main.go serves the real provider (through ctxrelease, so
// that both sides keep memory alike). The difference between the provider
// and this is what the provider's own code costs.
const (
	floorCommand    = "serve-framework-floor"
	floorType       = "frameworkfloor"
	floorSource     = "domaintrust/" + floorType
	floorAddress    = "registry.terraform.io/" + floorSource
	floorBinaryName = "terraform-provider-" + floorType
)

// serveFloor is the bench binary's framework-floor mode, started by
// Terraform through dev_overrides (and the usage wrapper).
func serveFloor() int {
	// The SDK logs off as the provider has them, so the floor pays for logging
	// exactly what the provider pays.
	sdklogs.QuietUnread("TF_LOG_PROVIDER_FRAMEWORKFLOOR")
	err := tf6server.Serve(floorAddress, func() tfprotov6.ProviderServer {
		return ctxrelease.NewProtocol6(&floorProvider{})()
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench "+floorCommand+":", err)
		return 1
	}
	return 0
}

type floorProvider struct{}

var _ provider.Provider = (*floorProvider)(nil)

func (*floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = floorType
}

func (*floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (*floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (*floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (*floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return floorKey{} }}
}

type floorKey struct{}

type floorKeyModel struct {
	ID               types.String `tfsdk:"id"`
	Environment      types.String `tfsdk:"environment"`
	Description      types.String `tfsdk:"description"`
	Expiration       types.String `tfsdk:"expiration"`
	Rotation         types.Object `tfsdk:"rotation"`
	RotationTriggers types.Map    `tfsdk:"rotation_triggers"`
	UserID           types.String `tfsdk:"user_id"`
	Key              types.String `tfsdk:"key"`
	Created          types.String `tfsdk:"created"`
	Seal             types.Object `tfsdk:"seal"`
	SealedKey        types.String `tfsdk:"sealed_key"`
	RetireAfter      types.String `tfsdk:"retire_after"`
	SecretVersion    types.Int64  `tfsdk:"secret_version"`
}

func (floorKey) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (floorKey) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	useState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: useState},
			"environment": schema.StringAttribute{
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("")},
			"expiration":  schema.StringAttribute{Optional: true, Computed: true},
			"rotation": schema.SingleNestedAttribute{
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"period":        schema.StringAttribute{Required: true},
					"rotate_before": schema.StringAttribute{Required: true},
				},
			},
			"rotation_triggers": schema.MapAttribute{ElementType: types.StringType, Optional: true},
			"user_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplaceIfConfigured(),
				},
			},
			"key":     schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: useState},
			"created": schema.StringAttribute{Computed: true, PlanModifiers: useState},
			"seal": schema.SingleNestedAttribute{
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"recipient": schema.StringAttribute{Required: true},
				},
			},
			"sealed_key":   schema.StringAttribute{Computed: true, PlanModifiers: useState},
			"retire_after": schema.StringAttribute{Optional: true},
			"secret_version": schema.Int64Attribute{
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
	}
}

// Create fills in what the API would: an id, a secret, the owner, the
// creation time.
func (floorKey) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m floorKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	m.ID = types.StringValue(uuid.NewString())
	m.Key = types.StringValue("floor-" + uuid.NewString())
	if m.UserID.IsUnknown() {
		m.UserID = types.StringValue("bench-user")
	}
	if m.Expiration.IsUnknown() {
		m.Expiration = types.StringValue(now.AddDate(0, 3, 0).Format(time.RFC3339))
	}
	m.Created = types.StringValue(now.Format(time.RFC3339))
	m.SealedKey = types.StringNull() // the benchmark seals nothing
	m.SecretVersion = types.Int64Value(now.Unix())
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Read keeps the state as it is: nothing remote can have changed.
func (floorKey) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (floorKey) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m floorKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (floorKey) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
