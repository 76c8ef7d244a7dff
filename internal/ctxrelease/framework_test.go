package ctxrelease

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// marker is a value that only an RPC's context refers to: once it has been
// collected, nothing keeps that context any more. Large enough not to share
// a tiny-allocator block with anything else.
type marker struct{ _ [64]byte }

type markerKey struct{}

// readSequentially sends n ReadResource RPCs one after the other, each with
// a context of its own that is cancelled when the RPC has returned, as gRPC
// does, and returns weak pointers to the markers those contexts carry.
func readSequentially(t *testing.T, srv tfprotov6.ProviderServer, n int) []weak.Pointer[marker] {
	t.Helper()
	req := readRequest(t)
	markers := make([]weak.Pointer[marker], 0, n)
	for range n {
		m := new(marker)
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), markerKey{}, m))
		resp, err := srv.ReadResource(ctx, req)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if errs := errorDiagnostics(resp.Diagnostics); len(errs) > 0 {
			t.Fatal(errs)
		}
		markers = append(markers, weak.Make(m))
	}
	return markers
}

// kept says how many of the markers are still reachable after a collection,
// with srv alive: a server that is itself garbage keeps nothing.
func kept(srv tfprotov6.ProviderServer, markers []weak.Pointer[marker]) int {
	runtime.GC()
	defer runtime.KeepAlive(srv)
	n := 0
	for _, m := range markers {
		if m.Value() != nil {
			n++
		}
	}
	return n
}

const sequentialRPCs = 2000

// The framework's memory stays constant however many RPCs it serves: no
// context of a finished RPC survives a collection.
func TestNewProtocol6ReleasesFinishedContexts(t *testing.T) {
	srv := NewProtocol6(newTestProvider())()
	markers := readSequentially(t, srv, sequentialRPCs)
	if n := kept(srv, markers); n != 0 {
		t.Fatalf("%d of %d finished RPCs' contexts are still kept", n, len(markers))
	}
}

// The bug this package works around, seen through the same measurement as
// above (which shows the measurement can tell). When this fails, the
// framework no longer keeps finished RPCs' contexts: remove the package (see
// its documentation).
func TestFrameworkRetainsFinishedContexts(t *testing.T) {
	srv := providerserver.NewProtocol6(newTestProvider())()
	markers := readSequentially(t, srv, sequentialRPCs)
	if n := kept(srv, markers); n != len(markers) {
		t.Fatalf("the unwrapped framework kept only %d of %d finished RPCs' contexts: has it been fixed? "+
			"Then this package can go; see its documentation", n, len(markers))
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

	markers := readSequentially(t, srv, sequentialRPCs)
	if err := createCtx.Err(); err != nil {
		t.Fatalf("RPCs that finished while the create ran cancelled it: %v", err)
	}
	if n := kept(srv, markers); n != 0 {
		t.Fatalf("%d of %d finished RPCs' contexts are kept while the create runs", n, len(markers))
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
	if errs := errorDiagnostics(r.resp.Diagnostics); len(errs) != 1 {
		t.Fatalf("create after StopProvider: diagnostics %v, want the cancellation", errs)
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
