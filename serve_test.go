package main

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulatortest"
)

func TestServerFactoryWraps(t *testing.T) {
	srv := serverFactory("test")()
	if _, ok := srv.(*ctxrelease.Server); !ok {
		t.Fatalf("main serves %T, want the framework's server wrapped in *ctxrelease.Server", srv)
	}
}

// rpcMarker is what only one RPC's context refers to; when it has been
// collected, nothing (framework, client, logger, create coordinator) keeps
// that context for a later RPC.
type rpcMarker struct{ _ [64]byte }

type rpcMarkerKey struct{}

// rpcs gives each RPC a context of its own, cancelled once the RPC has
// returned as gRPC does, and remembers it weakly.
type rpcs struct {
	markers []weak.Pointer[rpcMarker]
}

func (r *rpcs) ctx() (context.Context, context.CancelFunc) {
	m := new(rpcMarker)
	r.markers = append(r.markers, weak.Make(m))
	return context.WithCancel(context.WithValue(context.Background(), rpcMarkerKey{}, m))
}

func call[Req, Resp any](t *testing.T, r *rpcs, rpc func(context.Context, *Req) (*Resp, error), req *Req) *Resp {
	t.Helper()
	ctx, cancel := r.ctx()
	defer cancel()
	resp, err := rpc(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func noErrors(t *testing.T, what string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
}

// collect runs the collector until no marker is left, ten times at most: the
// goroutines net/http runs for a connection, and its timer for
// Client.Timeout, let go of a finished request a collection or two after
// the call has returned. Something that keeps a context keeps it through
// all ten.
func collect(markers []weak.Pointer[rpcMarker]) {
	for range 10 {
		runtime.GC()
		if !slices.ContainsFunc(markers, func(m weak.Pointer[rpcMarker]) bool { return m.Value() != nil }) {
			return
		}
		runtime.Gosched()
	}
}

// object builds a value of an object type with the given attributes set and
// every other one null.
func object(t *testing.T, typ tftypes.Type, set map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%v is not an object type", typ)
	}
	attrs := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			attrs[name] = tftypes.NewValue(at, v)
		} else {
			attrs[name] = tftypes.NewValue(at, nil)
		}
	}
	return dynamic(t, typ, tftypes.NewValue(typ, attrs))
}

func dynamic(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// proposedNewState is what Terraform proposes for an update: the
// configuration, with what it leaves null taken from the prior state.
func proposedNewState(t *testing.T, typ tftypes.Type, prior, cfg *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	t.Helper()
	var p, c map[string]tftypes.Value
	for _, x := range []struct {
		dv  *tfprotov6.DynamicValue
		out *map[string]tftypes.Value
	}{{prior, &p}, {cfg, &c}} {
		v, err := x.dv.Unmarshal(typ)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.As(x.out); err != nil {
			t.Fatal(err)
		}
	}
	for name, v := range c {
		if v.IsNull() {
			c[name] = p[name]
		}
	}
	return dynamic(t, typ, tftypes.NewValue(typ, c))
}

// The provider as main.go serves it keeps no RPC's context for a later RPC:
// after configure, create, read, update and delete against an emulator, every
// one of those contexts can be collected. A client or logger built from
// ConfigureProvider's context, or a create coordinator holding a create's,
// fails this (and would keep its memory).
func TestProviderKeepsNoRPCContext(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.Options{})
	srv := serverFactory("test")()
	count := emu.Count()
	markers := keyLifecycle(t, srv, emu.Endpoint, emu.Boot.APIKey)

	for _, route := range []string{emulator.RouteCreateKey, emulator.RouteGetKey, emulator.RouteUpdateKey, emulator.RouteDeleteKey} {
		if n := count.Of(route); n != 1 {
			t.Errorf("%s sent %d times, want 1", route, n)
		}
	}

	collect(markers)
	for i, m := range markers {
		if m.Value() != nil {
			t.Errorf("the context of RPC %d of %d is still kept after the RPCs returned", i, len(markers))
		}
	}
	runtime.KeepAlive(srv)
}

// keyLifecycle configures the provider and creates, reads, updates and
// deletes one key, as Terraform would, each RPC with a context of its own.
// A function of its own, so that nothing of the RPCs is left on the test's
// stack.
func keyLifecycle(t *testing.T, srv tfprotov6.ProviderServer, endpoint, apiKey string) []weak.Pointer[rpcMarker] {
	t.Helper()
	r := &rpcs{}

	schemas := call(t, r, srv.GetProviderSchema, &tfprotov6.GetProviderSchemaRequest{})
	noErrors(t, "GetProviderSchema", schemas.Diagnostics)
	providerType := schemas.Provider.ValueType()
	keyType := schemas.ResourceSchemas["domaintrust_api_key"].ValueType()

	configured := call(t, r, srv.ConfigureProvider, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config:           object(t, providerType, map[string]string{"api_key": apiKey, "endpoint": endpoint}),
	})
	noErrors(t, "ConfigureProvider", configured.Diagnostics)

	const typeName = "domaintrust_api_key"
	expiration := time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Hour)
	config := func(exp time.Time) *tfprotov6.DynamicValue {
		return object(t, keyType, map[string]string{
			"environment": "testing", "description": "context test", "expiration": exp.Format(time.RFC3339),
		})
	}
	null := dynamic(t, keyType, tftypes.NewValue(keyType, nil))

	apply := func(prior *tfprotov6.DynamicValue, priorPrivate []byte, cfg *tfprotov6.DynamicValue) *tfprotov6.ApplyResourceChangeResponse {
		t.Helper()
		proposed := cfg
		if prior != null && cfg != null {
			proposed = proposedNewState(t, keyType, prior, cfg)
		}
		plan := call(t, r, srv.PlanResourceChange, &tfprotov6.PlanResourceChangeRequest{
			TypeName: typeName, PriorState: prior, ProposedNewState: proposed, Config: cfg, PriorPrivate: priorPrivate,
		})
		noErrors(t, "PlanResourceChange", plan.Diagnostics)
		applied := call(t, r, srv.ApplyResourceChange, &tfprotov6.ApplyResourceChangeRequest{
			TypeName: typeName, PriorState: prior, PlannedState: plan.PlannedState, Config: cfg, PlannedPrivate: plan.PlannedPrivate,
		})
		noErrors(t, "ApplyResourceChange", applied.Diagnostics)
		return applied
	}

	created := apply(null, nil, config(expiration))
	read := call(t, r, srv.ReadResource, &tfprotov6.ReadResourceRequest{
		TypeName: typeName, CurrentState: created.NewState, Private: created.Private,
	})
	noErrors(t, "ReadResource", read.Diagnostics)
	updated := apply(read.NewState, read.Private, config(expiration.Add(24*time.Hour)))
	apply(updated.NewState, updated.Private, null)
	return r.markers
}
