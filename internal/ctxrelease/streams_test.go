package ctxrelease

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// A stream is consumed after ListResource has returned, with the request's
// context: other RPCs finishing in the meantime must not release it.
func TestStreamCountsAsRunningUntilConsumed(t *testing.T) {
	fake := &fakeFramework{}
	s := Wrap(fake)
	resp, err := s.ListResource(t.Context(), &tfprotov6.ListResourceRequest{})
	if err != nil {
		t.Fatal(err)
	}
	validate(t, s)
	if got := fake.snapshot(); got.stops != 0 {
		t.Fatalf("%d releases while a stream was not yet consumed", got.stops)
	}
	n := 0
	for range resp.Results {
		n++
	}
	got := fake.snapshot()
	if n != 1 || got.cancelledWhileActive != 0 {
		t.Fatalf("stream gave %d results and was cancelled %d times, want 1 and 0", n, got.cancelledWhileActive)
	}
	if got.stops != 1 || len(got.registered) != 0 {
		t.Fatalf("after the stream: %d releases and %d contexts registered, want 1 and 0", got.stops, len(got.registered))
	}
}

// An answer without an iterator has nothing left to run: it must not hold
// off later releases.
func TestStreamWithoutIteratorEndsAtOnce(t *testing.T) {
	fake := &fakeFramework{emptyStreams: true}
	s := Wrap(fake)
	if _, err := s.InvokeAction(t.Context(), &tfprotov6.InvokeActionRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadStateBytes(t.Context(), &tfprotov6.ReadStateBytesRequest{}); err != nil {
		t.Fatal(err)
	}
	validate(t, s)
	if got := fake.snapshot(); got.stops != 3 || len(got.registered) != 0 {
		t.Fatalf("%d releases and %d contexts registered, want 3 and 0", got.stops, len(got.registered))
	}
}
