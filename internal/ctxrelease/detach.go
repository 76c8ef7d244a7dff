package ctxrelease

import (
	"context"
	"sync/atomic"
	"time"
)

// detachable is the context the framework gets for one RPC: the RPC's own
// context until the RPC is over, then a cancelled context without values.
// The framework keeps its registered context (and through it this one) until
// the next release, which may be a while when RPCs overlap without a pause,
// as they do against a slow API. Detached, an entry holds a few hundred
// bytes instead of the request's whole context chain.
type detachable struct {
	current atomic.Pointer[contextHolder]
	over    *contextHolder
}

// contextHolder lets an atomic pointer hold an interface value.
type contextHolder struct{ context.Context }

func newDetachable(ctx context.Context, over *contextHolder) *detachable {
	d := &detachable{over: over}
	d.current.Store(&contextHolder{ctx})
	return d
}

// detach is called once the framework is done with the RPC: nothing may use
// its context any more (gRPC has cancelled it anyway).
func (d *detachable) detach() { d.current.Store(d.over) }

func (d *detachable) Deadline() (time.Time, bool) { return d.current.Load().Deadline() }
func (d *detachable) Done() <-chan struct{}       { return d.current.Load().Done() }
func (d *detachable) Err() error                  { return d.current.Load().Err() }
func (d *detachable) Value(key any) any           { return d.current.Load().Value(key) }

// overContext is what detached contexts become: cancelled, with no values.
func overContext() *contextHolder {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return &contextHolder{ctx}
}
