package ctxrelease

import (
	"context"
	"iter"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// fakeFramework does what the framework's proto6server.Server does with
// contexts: each RPC registers a cancellable one, and StopProvider cancels
// and forgets all of them. It records what the wrapper made of that.
type fakeFramework struct {
	mu         sync.Mutex
	registered []context.CancelFunc
	calls      []string
	active     int // RPCs inside the fake; a stream is inside until consumed
	stops      int

	// stopsWhileActive counts StopProvider calls that came while an RPC was
	// inside, and cancelledWhileActive RPCs whose context was cancelled
	// before they were done: both mean a release cancelled a running RPC
	// (when the test sends no StopProvider of its own).
	stopsWhileActive     int
	cancelledWhileActive int
	maxRegistered        int

	// during, when set, runs inside every unary RPC, with the context the
	// framework registered for it.
	during func(name string, ctx context.Context)
	// stopping, when set, runs inside StopProvider.
	stopping func()
	// emptyStreams makes streaming RPCs answer without an iterator.
	emptyStreams bool
}

func (f *fakeFramework) register(ctx context.Context, name string) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	f.mu.Lock()
	f.registered = append(f.registered, cancel)
	f.maxRegistered = max(f.maxRegistered, len(f.registered))
	f.calls = append(f.calls, name)
	f.active++
	f.mu.Unlock()
	return ctx
}

func (f *fakeFramework) done(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.active--
	if ctx.Err() != nil {
		f.cancelledWhileActive++
	}
}

func (f *fakeFramework) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	if f.stopping != nil {
		f.stopping()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stops++
	if f.active > 0 {
		f.stopsWhileActive++
	}
	for _, cancel := range f.registered {
		cancel()
	}
	f.registered = nil
	return &tfprotov6.StopProviderResponse{}, nil
}

func (f *fakeFramework) snapshot() fakeFramework {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fakeFramework{
		registered: append([]context.CancelFunc(nil), f.registered...), calls: append([]string(nil), f.calls...),
		active: f.active, stops: f.stops, stopsWhileActive: f.stopsWhileActive,
		cancelledWhileActive: f.cancelledWhileActive, maxRegistered: f.maxRegistered,
	}
}

func serve[Resp any](f *fakeFramework, ctx context.Context, name string, resp *Resp) (*Resp, error) {
	ctx = f.register(ctx, name)
	if f.during != nil {
		f.during(name, ctx)
	}
	f.done(ctx)
	return resp, nil
}

// serveStream answers with a one-item stream that, like the framework's,
// uses the request's context while it is consumed.
func serveStream[Resp, T any](f *fakeFramework, ctx context.Context, name string, resp *Resp, field func(*Resp) *iter.Seq[T]) (*Resp, error) {
	ctx = f.register(ctx, name)
	if f.emptyStreams {
		f.done(ctx)
		return resp, nil
	}
	*field(resp) = func(yield func(T) bool) {
		defer f.done(ctx)
		var item T
		yield(item)
	}
	return resp, nil
}

func (f *fakeFramework) ListResource(ctx context.Context, _ *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return serveStream(f, ctx, "ListResource", &tfprotov6.ListResourceServerStream{},
		func(r *tfprotov6.ListResourceServerStream) *iter.Seq[tfprotov6.ListResourceResult] { return &r.Results })
}

func (f *fakeFramework) InvokeAction(ctx context.Context, _ *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return serveStream(f, ctx, "InvokeAction", &tfprotov6.InvokeActionServerStream{},
		func(r *tfprotov6.InvokeActionServerStream) *iter.Seq[tfprotov6.InvokeActionEvent] { return &r.Events })
}

func (f *fakeFramework) ReadStateBytes(ctx context.Context, _ *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	return serveStream(f, ctx, "ReadStateBytes", &tfprotov6.ReadStateBytesStream{},
		func(r *tfprotov6.ReadStateBytesStream) *iter.Seq[tfprotov6.ReadStateByteChunk] { return &r.Chunks })
}

func (f *fakeFramework) GetMetadata(ctx context.Context, _ *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return serve(f, ctx, "GetMetadata", &tfprotov6.GetMetadataResponse{})
}

func (f *fakeFramework) GetProviderSchema(ctx context.Context, _ *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return serve(f, ctx, "GetProviderSchema", &tfprotov6.GetProviderSchemaResponse{})
}

func (f *fakeFramework) GetResourceIdentitySchemas(ctx context.Context, _ *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return serve(f, ctx, "GetResourceIdentitySchemas", &tfprotov6.GetResourceIdentitySchemasResponse{})
}

func (f *fakeFramework) ValidateProviderConfig(ctx context.Context, _ *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return serve(f, ctx, "ValidateProviderConfig", &tfprotov6.ValidateProviderConfigResponse{})
}

func (f *fakeFramework) ConfigureProvider(ctx context.Context, _ *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return serve(f, ctx, "ConfigureProvider", &tfprotov6.ConfigureProviderResponse{})
}

func (f *fakeFramework) ValidateResourceConfig(ctx context.Context, _ *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return serve(f, ctx, "ValidateResourceConfig", &tfprotov6.ValidateResourceConfigResponse{})
}

func (f *fakeFramework) UpgradeResourceState(ctx context.Context, _ *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return serve(f, ctx, "UpgradeResourceState", &tfprotov6.UpgradeResourceStateResponse{})
}

func (f *fakeFramework) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return serve(f, ctx, "ReadResource", &tfprotov6.ReadResourceResponse{})
}

func (f *fakeFramework) PlanResourceChange(ctx context.Context, _ *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return serve(f, ctx, "PlanResourceChange", &tfprotov6.PlanResourceChangeResponse{})
}

func (f *fakeFramework) ApplyResourceChange(ctx context.Context, _ *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return serve(f, ctx, "ApplyResourceChange", &tfprotov6.ApplyResourceChangeResponse{})
}

func (f *fakeFramework) ImportResourceState(ctx context.Context, _ *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return serve(f, ctx, "ImportResourceState", &tfprotov6.ImportResourceStateResponse{})
}

func (f *fakeFramework) MoveResourceState(ctx context.Context, _ *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return serve(f, ctx, "MoveResourceState", &tfprotov6.MoveResourceStateResponse{})
}

func (f *fakeFramework) UpgradeResourceIdentity(ctx context.Context, _ *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return serve(f, ctx, "UpgradeResourceIdentity", &tfprotov6.UpgradeResourceIdentityResponse{})
}

func (f *fakeFramework) GenerateResourceConfig(ctx context.Context, _ *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return serve(f, ctx, "GenerateResourceConfig", &tfprotov6.GenerateResourceConfigResponse{})
}

func (f *fakeFramework) ValidateDataResourceConfig(ctx context.Context, _ *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return serve(f, ctx, "ValidateDataResourceConfig", &tfprotov6.ValidateDataResourceConfigResponse{})
}

func (f *fakeFramework) ReadDataSource(ctx context.Context, _ *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return serve(f, ctx, "ReadDataSource", &tfprotov6.ReadDataSourceResponse{})
}

func (f *fakeFramework) CallFunction(ctx context.Context, _ *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return serve(f, ctx, "CallFunction", &tfprotov6.CallFunctionResponse{})
}

func (f *fakeFramework) GetFunctions(ctx context.Context, _ *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return serve(f, ctx, "GetFunctions", &tfprotov6.GetFunctionsResponse{})
}

func (f *fakeFramework) ValidateEphemeralResourceConfig(ctx context.Context, _ *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return serve(f, ctx, "ValidateEphemeralResourceConfig", &tfprotov6.ValidateEphemeralResourceConfigResponse{})
}

func (f *fakeFramework) OpenEphemeralResource(ctx context.Context, _ *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return serve(f, ctx, "OpenEphemeralResource", &tfprotov6.OpenEphemeralResourceResponse{})
}

func (f *fakeFramework) RenewEphemeralResource(ctx context.Context, _ *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return serve(f, ctx, "RenewEphemeralResource", &tfprotov6.RenewEphemeralResourceResponse{})
}

func (f *fakeFramework) CloseEphemeralResource(ctx context.Context, _ *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return serve(f, ctx, "CloseEphemeralResource", &tfprotov6.CloseEphemeralResourceResponse{})
}

func (f *fakeFramework) ValidateListResourceConfig(ctx context.Context, _ *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return serve(f, ctx, "ValidateListResourceConfig", &tfprotov6.ValidateListResourceConfigResponse{})
}

func (f *fakeFramework) ValidateActionConfig(ctx context.Context, _ *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return serve(f, ctx, "ValidateActionConfig", &tfprotov6.ValidateActionConfigResponse{})
}

func (f *fakeFramework) PlanAction(ctx context.Context, _ *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return serve(f, ctx, "PlanAction", &tfprotov6.PlanActionResponse{})
}

func (f *fakeFramework) ValidateStateStoreConfig(ctx context.Context, _ *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	return serve(f, ctx, "ValidateStateStoreConfig", &tfprotov6.ValidateStateStoreConfigResponse{})
}

func (f *fakeFramework) ConfigureStateStore(ctx context.Context, _ *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	return serve(f, ctx, "ConfigureStateStore", &tfprotov6.ConfigureStateStoreResponse{})
}

func (f *fakeFramework) WriteStateBytes(ctx context.Context, _ *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	return serve(f, ctx, "WriteStateBytes", &tfprotov6.WriteStateBytesResponse{})
}

func (f *fakeFramework) GetStates(ctx context.Context, _ *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	return serve(f, ctx, "GetStates", &tfprotov6.GetStatesResponse{})
}

func (f *fakeFramework) DeleteState(ctx context.Context, _ *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	return serve(f, ctx, "DeleteState", &tfprotov6.DeleteStateResponse{})
}

func (f *fakeFramework) LockState(ctx context.Context, _ *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	return serve(f, ctx, "LockState", &tfprotov6.LockStateResponse{})
}

func (f *fakeFramework) UnlockState(ctx context.Context, _ *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	return serve(f, ctx, "UnlockState", &tfprotov6.UnlockStateResponse{})
}
