package ctxrelease

import (
	"context"
	"errors"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type detachKey struct{}

func TestDetachableIsTheRPCContextUntilDetached(t *testing.T) {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), detachKey{}, "value"))
	defer cancel()
	d := newDetachable(ctx, overContext())
	if d.Value(detachKey{}) != "value" || d.Err() != nil || d.Done() != ctx.Done() {
		t.Fatal("before detach, the context does not behave as the RPC's")
	}
	d.detach()
	if d.Value(detachKey{}) != nil {
		t.Error("after detach, the RPC's values are still reachable")
	}
	if !errors.Is(d.Err(), context.Canceled) {
		t.Errorf("after detach, Err() = %v, want context.Canceled", d.Err())
	}
	select {
	case <-d.Done():
	default:
		t.Error("after detach, Done() is not closed")
	}
}

// The framework derives its own cancellable context from the one it gets.
// That must hang off the RPC's context directly, as with a plain context:
// cancelled with it at once, and without a goroutine per RPC to watch it.
func TestContextDerivedFromDetachableIsCancelledWithTheRPC(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	derived, cancelDerived := context.WithCancel(newDetachable(ctx, overContext()))
	defer cancelDerived()
	cancel()
	if derived.Err() == nil {
		t.Fatal("cancelling the RPC's context did not cancel the framework's at once")
	}
}

// What the framework holds after an RPC lets go of the RPC's context.
func TestFrameworkContextIsDetachedAfterTheRPC(t *testing.T) {
	var seen context.Context
	fake := &fakeFramework{during: func(_ string, ctx context.Context) {
		seen = ctx
		if ctx.Value(detachKey{}) != "value" {
			t.Error("during the RPC, the framework does not see the RPC's values")
		}
	}}
	s := Wrap(fake)
	ctx := context.WithValue(t.Context(), detachKey{}, "value")
	if _, err := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{}); err != nil {
		t.Fatal(err)
	}
	if seen == nil || seen.Value(detachKey{}) != nil {
		t.Fatal("after the RPC, the framework's context still reaches the RPC's values")
	}
}
