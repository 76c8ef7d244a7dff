// Package ctxreleasetest tells whether a provider server keeps the contexts
// of RPCs that have returned: what package ctxrelease exists to prevent, and
// what a client, a logger or a coordinator built from one RPC's context
// would bring back. Only tests import it.
//
// Each RPC gets a context of its own, carrying a marker that nothing else
// refers to, and the probe holds the markers only weakly: once a marker has
// been collected, nothing keeps its context any more.
package ctxreleasetest

import (
	"context"
	"runtime"
	"testing"
	"weak"
)

// marker is what only one RPC's context refers to. It is large enough not to
// share a tiny-allocator block with anything else, which would keep it
// alive with its neighbour.
type marker struct{ _ [64]byte }

type markerKey struct{}

// collections bounds how often Kept runs the collector: the goroutines
// net/http runs for a connection, and its timer for Client.Timeout, let go
// of a finished request a collection or two after the call has returned.
// Something that keeps a context keeps it through all of them.
const collections = 10

// Probe hands out the RPCs' contexts and tells which of them are still
// reachable. The zero value is ready to use; a Probe is not safe for
// concurrent use.
type Probe struct {
	markers []weak.Pointer[marker]
}

// Context is a context for one RPC, with the function that cancels it, as
// gRPC cancels an RPC's context once the RPC has returned.
func (p *Probe) Context() (context.Context, context.CancelFunc) {
	m := new(marker)
	p.markers = append(p.markers, weak.Make(m))
	return context.WithCancel(context.WithValue(context.Background(), markerKey{}, m))
}

// Len is how many contexts p has handed out.
func (p *Probe) Len() int { return len(p.markers) }

// Kept runs the collector until no context is reachable, a few times at
// most, and returns the positions (in the order Context handed them out) of
// those still reachable. A server that is itself unreachable keeps nothing:
// the caller keeps it alive (runtime.KeepAlive) until Kept has returned.
func (p *Probe) Kept() []int {
	var kept []int
	for range collections {
		runtime.GC()
		kept = kept[:0]
		for i, m := range p.markers {
			if m.Value() != nil {
				kept = append(kept, i)
			}
		}
		if len(kept) == 0 {
			return nil
		}
		runtime.Gosched()
	}
	return kept
}

// Call sends one RPC with a context of p's, cancelled once the RPC has
// returned, and fails the test on an error of the RPC itself (diagnostics
// are the caller's to check).
func Call[Req, Resp any](t testing.TB, p *Probe, rpc func(context.Context, *Req) (*Resp, error), req *Req) *Resp {
	t.Helper()
	ctx, cancel := p.Context()
	defer cancel()
	resp, err := rpc(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
