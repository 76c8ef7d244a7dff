package ctxrelease

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Every RPC the framework serves must be a method of Server with the same
// signature, and must be counted: the release after it is how that shows.
// A method missing from Server (a new RPC the framework serves through an
// interface Server does not know) or one that calls the framework directly
// fails here.
func TestEveryFrameworkRPCGoesThroughServer(t *testing.T) {
	framework := reflect.TypeOf(providerserver.NewProtocol6(nil)())
	wrapper := reflect.TypeFor[*Server]()
	if framework.NumMethod() < 30 {
		t.Fatalf("the framework's server %v has only %d methods; is it still the framework's?", framework, framework.NumMethod())
	}
	for m := range framework.Methods() {
		t.Run(m.Name, func(t *testing.T) {
			w, ok := wrapper.MethodByName(m.Name)
			if !ok {
				t.Fatalf("Server has no method %s: that RPC would bypass the wrapper", m.Name)
			}
			if !sameSignature(m.Type, w.Type) {
				t.Fatalf("Server.%s is %v, the framework's is %v", m.Name, w.Type, m.Type)
			}
			if m.Type.NumIn() != 3 || m.Type.NumOut() != 2 {
				t.Fatalf("%s is not an RPC method: %v", m.Name, m.Type)
			}
			fake := &fakeFramework{}
			s := reflect.ValueOf(Wrap(fake))
			out := s.MethodByName(m.Name).Call([]reflect.Value{reflect.ValueOf(t.Context()), reflect.New(m.Type.In(2).Elem())})
			if err, _ := out[1].Interface().(error); err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
			got := fake.snapshot()

			if m.Name == "StopProvider" {
				if got.stops != 1 || len(got.calls) != 0 {
					t.Fatalf("StopProvider: framework saw %d stops and calls %v, want one stop passed through", got.stops, got.calls)
				}
				return
			}
			if !slices.Equal(got.calls, []string{m.Name}) {
				t.Fatalf("Server.%s called the framework's %v", m.Name, got.calls)
			}
			streams := consumeStreams(out[0])
			want := 1
			if streams {
				// Counted as running until consumed: no release yet.
				want = 0
			}
			if got.stops != want {
				t.Fatalf("after %s returned, %d releases, want %d", m.Name, got.stops, want)
			}
			if got = fake.snapshot(); got.stops != 1 || got.cancelledWhileActive != 0 || len(got.registered) != 0 {
				t.Fatalf("after %s was over: %d releases (want 1), %d RPCs cancelled while running, %d contexts still registered",
					m.Name, got.stops, got.cancelledWhileActive, len(got.registered))
			}
		})
	}
}

func sameSignature(framework, wrapper reflect.Type) bool {
	if framework.NumIn() != wrapper.NumIn() || framework.NumOut() != wrapper.NumOut() {
		return false
	}
	for i := 1; i < framework.NumIn(); i++ { // 0 is the receiver
		if framework.In(i) != wrapper.In(i) {
			return false
		}
	}
	for i := range framework.NumOut() {
		if framework.Out(i) != wrapper.Out(i) {
			return false
		}
	}
	return true
}

// consumeStreams ranges over every iterator field of an RPC's answer, as
// terraform-plugin-go does, and says whether there was one.
func consumeStreams(resp reflect.Value) bool {
	if resp.IsNil() {
		return false
	}
	found := false
	v := resp.Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.Func || f.IsNil() || f.Type().NumIn() != 1 || f.Type().In(0).Kind() != reflect.Func {
			continue
		}
		found = true
		yield := f.Type().In(0)
		f.Call([]reflect.Value{reflect.MakeFunc(yield, func([]reflect.Value) []reflect.Value {
			return []reflect.Value{reflect.ValueOf(true)}
		})})
	}
	return found
}

func validate(t *testing.T, s *Server) {
	t.Helper()
	if _, err := s.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{}); err != nil {
		t.Fatal(err)
	}
}

// Thousands of RPCs one after the other, as in a refresh: the framework must
// never hold more than the one context of the RPC that is running.
func TestSequentialRPCsLeaveNothingRegistered(t *testing.T) {
	fake := &fakeFramework{}
	s := Wrap(fake)
	const n = 5000
	for range n {
		validate(t, s)
	}
	got := fake.snapshot()
	if got.maxRegistered != 1 || len(got.registered) != 0 {
		t.Fatalf("after %d sequential RPCs the framework held up to %d contexts and still holds %d, want at most 1 and then 0",
			n, got.maxRegistered, len(got.registered))
	}
	if got.stops != n {
		t.Fatalf("%d releases after %d RPCs, want one after each", got.stops, n)
	}
}

// startSlowApply starts an ApplyResourceChange (a slow create) that stays in
// the framework until proceed is closed, and returns once it is there; its
// result arrives on applied.
func startSlowApply() (fake *fakeFramework, s *Server, proceed chan struct{}, applied chan error) {
	entered := make(chan struct{})
	proceed, applied = make(chan struct{}), make(chan error)
	fake = &fakeFramework{during: func(name string, _ context.Context) {
		if name == "ApplyResourceChange" {
			close(entered)
			<-proceed
		}
	}}
	s = Wrap(fake)
	go func() {
		_, err := s.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{})
		applied <- err
	}()
	<-entered
	return fake, s, proceed, applied
}

// While one RPC runs (a slow create), others come and go: nothing may be
// released until the slow one is over, and then everything is.
func TestReleaseWaitsForRunningRPCs(t *testing.T) {
	fake, s, proceed, applied := startSlowApply()
	for range 100 {
		validate(t, s)
	}
	if got := fake.snapshot(); got.stops != 0 || len(got.registered) != 101 {
		t.Fatalf("with a create running: %d releases and %d contexts registered, want 0 and 101", got.stops, len(got.registered))
	}
	close(proceed)
	if err := <-applied; err != nil {
		t.Fatal(err)
	}
	got := fake.snapshot()
	if got.cancelledWhileActive != 0 {
		t.Fatal("the running create's context was cancelled")
	}
	if got.stops != 1 || len(got.registered) != 0 {
		t.Fatalf("after the create: %d releases and %d contexts registered, want 1 and 0", got.stops, len(got.registered))
	}
}

// Terraform's StopProvider (Ctrl-C) still cancels what is running.
func TestStopProviderCancelsRunningRPC(t *testing.T) {
	fake, s, proceed, applied := startSlowApply()
	if _, err := s.StopProvider(t.Context(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	close(proceed)
	if err := <-applied; err != nil {
		t.Fatal(err)
	}
	if got := fake.snapshot(); got.cancelledWhileActive != 1 {
		t.Fatalf("StopProvider cancelled %d running RPCs, want 1", got.cancelledWhileActive)
	}
}

// A release must hold the lock an RPC takes to start: an RPC that started
// during the release could register its context just before the framework
// cancels everything it holds.
func TestReleaseHoldsOffNewRPCs(t *testing.T) {
	fake := &fakeFramework{}
	s := Wrap(fake)
	fake.stopping = func() {
		if s.mu.TryLock() {
			s.mu.Unlock()
			t.Error("the release ran without the lock that starting an RPC takes")
		}
	}
	validate(t, s)
	if got := fake.snapshot(); got.stops != 1 {
		t.Fatalf("%d releases, want 1", got.stops)
	}
}

// Many RPCs at once, as with -parallelism: a release may only happen while
// nothing is inside the framework. Run with -race.
func TestConcurrentRPCsAreNeverReleasedWhileRunning(t *testing.T) {
	fake := &fakeFramework{}
	s := Wrap(fake)
	const workers, each = 8, 2000
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range each {
				var err error
				if i%2 == 0 {
					_, err = s.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{})
				} else {
					_, err = s.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got := fake.snapshot()
	if got.stopsWhileActive != 0 || got.cancelledWhileActive != 0 {
		t.Fatalf("%d releases came while an RPC was running, %d running RPCs were cancelled", got.stopsWhileActive, got.cancelledWhileActive)
	}
	if got.stops == 0 || len(got.registered) != 0 {
		t.Fatalf("%d releases, %d contexts left registered; want at least one release and none left", got.stops, len(got.registered))
	}
}
