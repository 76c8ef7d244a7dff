package ctxrelease

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// testProvider is a framework provider with one resource, test_wait, whose
// Create hands its context to the test and waits until the test lets it go
// or the context is cancelled: a long-running create.
type testProvider struct {
	creating chan context.Context
	finish   chan struct{}
}

func newTestProvider() *testProvider {
	return &testProvider{creating: make(chan context.Context, 1), finish: make(chan struct{})}
}

func (p *testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "test"
}

func (p *testProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *testProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *testProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (p *testProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &waitResource{p: p} }}
}

var _ provider.Provider = (*testProvider)(nil)

type waitResource struct{ p *testProvider }

func (r *waitResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "test_wait"
}

func (r *waitResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
}

func (r *waitResource) Create(ctx context.Context, _ resource.CreateRequest, resp *resource.CreateResponse) {
	r.p.creating <- ctx
	select {
	case <-ctx.Done():
		resp.Diagnostics.AddError("Create cancelled", ctx.Err().Error())
	case <-r.p.finish:
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue("done"))...)
	}
}

func (r *waitResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *waitResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}

func (r *waitResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

var waitType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}

// waitValue is a test_wait object: null when id is nil, else with that id
// (a string, or tftypes.UnknownValue).
func waitValue(t *testing.T, id any) *tfprotov6.DynamicValue {
	t.Helper()
	if id == nil {
		return protocoltest.Dynamic(t, tftypes.NewValue(waitType, nil))
	}
	return protocoltest.Dynamic(t, protocoltest.Object(t, waitType, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)}))
}

func createRequest(t *testing.T) *tfprotov6.ApplyResourceChangeRequest {
	return &tfprotov6.ApplyResourceChangeRequest{
		TypeName:     "test_wait",
		PriorState:   waitValue(t, nil),
		PlannedState: waitValue(t, tftypes.UnknownValue),
		Config:       waitValue(t, nil),
	}
}

func readRequest(t *testing.T) *tfprotov6.ReadResourceRequest {
	return &tfprotov6.ReadResourceRequest{TypeName: "test_wait", CurrentState: waitValue(t, "x")}
}
