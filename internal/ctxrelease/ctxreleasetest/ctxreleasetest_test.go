package ctxreleasetest

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"
)

// keeper is an RPC that keeps the context of every call whose request says
// so, as a server that remembers a context for later would.
type keeper struct{ kept []context.Context }

type request struct{ keep bool }

type response struct{ done bool }

func (k *keeper) rpc(ctx context.Context, req *request) (*response, error) {
	if req.keep {
		k.kept = append(k.kept, ctx)
	}
	return &response{done: true}, nil
}

// TestKeptNamesTheContextsStillReferred: of four calls, the two whose
// context the server keeps are reported, by position, and the two it let
// go of are not.
func TestKeptNamesTheContextsStillReferred(t *testing.T) {
	var p Probe
	srv := &keeper{}
	for _, keep := range []bool{true, false, true, false} {
		if resp := Call(t, &p, srv.rpc, &request{keep: keep}); !resp.done {
			t.Fatal("Call did not return the RPC's response")
		}
	}
	if p.Len() != 4 {
		t.Fatalf("Len %d after four calls, want 4", p.Len())
	}
	if got := p.Kept(); !slices.Equal(got, []int{0, 2}) {
		t.Errorf("Kept %v, want [0 2]: the contexts the server keeps, and only those", got)
	}
	runtime.KeepAlive(srv)

	srv.kept = nil
	if got := p.Kept(); got != nil {
		t.Errorf("Kept %v once the server let go, want none", got)
	}
}

// TestContextIsCancelledAfterTheCall: the context a call ran with is
// cancelled once it has returned, as gRPC cancels it.
func TestContextIsCancelledAfterTheCall(t *testing.T) {
	var p Probe
	srv := &keeper{}
	Call(t, &p, srv.rpc, &request{keep: true})
	if err := srv.kept[0].Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("after the call the context's error is %v, want context.Canceled", err)
	}
}
