package ctxrelease

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease/ctxreleasetest"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// readSequentially sends n ReadResource RPCs one after the other, each with
// a context of its own that is cancelled when the RPC has returned, as gRPC
// does, and returns the probe that handed out those contexts.
func readSequentially(t *testing.T, srv tfprotov6.ProviderServer, n int) *ctxreleasetest.Probe {
	t.Helper()
	req := readRequest(t)
	probe := &ctxreleasetest.Probe{}
	for range n {
		resp := ctxreleasetest.Call(t, probe, srv.ReadResource, req)
		protocoltest.RequireNoErrors(t, "ReadResource", resp.Diagnostics)
	}
	return probe
}

// kept says how many of the probe's contexts are still reachable after
// collection, with srv alive: a server that is itself garbage keeps nothing.
func kept(srv tfprotov6.ProviderServer, probe *ctxreleasetest.Probe) int {
	defer runtime.KeepAlive(srv)
	return len(probe.Kept())
}

const sequentialRPCs = 2000

// The framework's memory stays constant however many RPCs it serves: no
// context of a finished RPC survives a collection.
func TestNewProtocol6ReleasesFinishedContexts(t *testing.T) {
	srv := NewProtocol6(newTestProvider())()
	probe := readSequentially(t, srv, sequentialRPCs)
	if n := kept(srv, probe); n != 0 {
		t.Fatalf("%d of %d finished RPCs' contexts are still kept", n, probe.Len())
	}
}

// The bug this package works around, seen through the same measurement as
// above (which shows the measurement can tell). When this fails, the
// framework no longer keeps finished RPCs' contexts: remove the package (see
// its documentation).
func TestFrameworkRetainsFinishedContexts(t *testing.T) {
	srv := providerserver.NewProtocol6(newTestProvider())()
	probe := readSequentially(t, srv, sequentialRPCs)
	if n := kept(srv, probe); n != probe.Len() {
		t.Fatalf("the unwrapped framework kept only %d of %d finished RPCs' contexts: has it been fixed? "+
			"Then this package can go; see its documentation", n, probe.Len())
	}
}

// Terraform's StopProvider (Ctrl-C) must still cancel a create in progress,
// and the RPCs that come and go meanwhile must not. Their contexts must not
// pile up either: no release can happen while the create runs, but each
// finished RPC's context has been detached from what the framework keeps.
func TestStopProviderCancelsLongRunningCreate(t *testing.T) {
	p := newTestProvider()
	srv := NewProtocol6(p)()
	type result struct {
		resp *tfprotov6.ApplyResourceChangeResponse
		err  error
	}
	applied := make(chan result, 1)
	go func() {
		resp, err := srv.ApplyResourceChange(context.Background(), createRequest(t))
		applied <- result{resp, err}
	}()
	createCtx := <-p.creating

	probe := readSequentially(t, srv, sequentialRPCs)
	if err := createCtx.Err(); err != nil {
		t.Fatalf("RPCs that finished while the create ran cancelled it: %v", err)
	}
	if n := kept(srv, probe); n != 0 {
		t.Fatalf("%d of %d finished RPCs' contexts are kept while the create runs", n, probe.Len())
	}

	if _, err := srv.StopProvider(t.Context(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	// The framework cancels before StopProvider returns.
	if err := createCtx.Err(); !errors.Is(err, context.Canceled) {
		t.Fatalf("after StopProvider the create's context error is %v, want context.Canceled", err)
	}
	r := <-applied
	if r.err != nil {
		t.Fatal(r.err)
	}
	if errs := protocoltest.Errors(r.resp.Diagnostics); len(errs) != 1 {
		t.Fatalf("create after StopProvider: diagnostics\n%s\nwant the cancellation", protocoltest.DiagnosticsText(r.resp.Diagnostics))
	}
}

func TestNewProtocol6WithErrorWraps(t *testing.T) {
	srv, err := NewProtocol6WithError(newTestProvider())()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.(*Server); !ok {
		t.Fatalf("NewProtocol6WithError served %T, want *Server", srv)
	}
}

func TestFrameworkServerWithoutOptionalRPCsPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a server without the optional RPC interfaces was accepted")
		}
	}()
	frameworkServer(struct{ tfprotov6.ProviderServer }{})
}
