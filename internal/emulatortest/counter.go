package emulatortest

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// settleBound only turns a request that never ends into a failure rather
// than a hang; no test waits for it to pass.
const settleBound = time.Minute

// inFlight counts the requests the servers of one Server are handling, from
// the moment a handler starts (before any middleware) until it returns.
type inFlight struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed while n == 0
}

func newInFlight() *inFlight {
	idle := make(chan struct{})
	close(idle)
	return &inFlight{idle: idle}
}

func (f *inFlight) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.begin()
		defer f.end()
		next.ServeHTTP(w, r)
	})
}

func (f *inFlight) begin() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		f.idle = make(chan struct{})
	}
	f.n++
}

func (f *inFlight) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 {
		close(f.idle)
	}
}

// wait returns once no request is being handled.
func (f *inFlight) wait(t testing.TB) {
	t.Helper()
	f.mu.Lock()
	idle, n := f.idle, f.n
	f.mu.Unlock()
	select {
	case <-idle:
	case <-time.After(settleBound):
		t.Fatalf("emulatortest: %d requests were still being handled after %v", n, settleBound)
	}
}

// Settle returns once the emulator has handled every request that reached
// it, those whose client has given up included.
func (s *Server) Settle() {
	s.t.Helper()
	s.handling.wait(s.t)
}

// Counter reads how many requests of a route the emulator handled since the
// counter was made. It settles before each reading, so requests a client
// abandoned are counted on the side of the reading they were sent on: a
// test must read only while none of its own requests is still running.
type Counter struct {
	s      *Server
	before emulator.Stats
}

// Count settles and starts a Counter.
func (s *Server) Count() *Counter {
	s.t.Helper()
	s.Settle()
	return &Counter{s: s, before: s.Emulator.Stats()}
}

// Of settles and returns how many requests of route (as the emulator's
// statistics name routes, for example emulator.RouteGetKey) were handled
// since the Counter was made.
func (c *Counter) Of(route string) int64 {
	c.s.t.Helper()
	c.s.Settle()
	return c.s.Emulator.Stats().ByRoute[route] - c.before.ByRoute[route]
}

// Total settles and returns how many API requests, of any route, were
// handled since the Counter was made.
func (c *Counter) Total() int64 {
	c.s.t.Helper()
	c.s.Settle()
	return c.s.Emulator.Stats().Total - c.before.Total
}
