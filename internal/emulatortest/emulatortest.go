// Package emulatortest starts the Domain Trust API emulator for tests, as
// terraform-provider-random's randomtest does for its own: one organization
// bootstrapped, served over HTTP on loopback, and request counts that a test
// can trust.
//
// Counting is the reason this package exists. The emulator counts a request
// once it has handled it, so a request whose client gave up (a cancelled
// context, a timeout) may still be counted after the client returned. Every
// server this package starts keeps track of the requests it is handling, and
// Counter waits until none is left before it reads the counts: a count taken
// after a client returned includes everything that client sent.
package emulatortest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// Server is an emulator with one bootstrapped organization, served on
// loopback until the test ends.
type Server struct {
	// Emulator is the emulator itself, for seeding keys and users and for
	// reading what it holds.
	Emulator *emulator.Emulator
	// Clock is the emulator's clock: a clock.Mock that follows the wall
	// clock unless Options.Clock named another.
	Clock *clock.Mock
	// Boot is the organization, its admin and the admin's API key.
	Boot emulator.Bootstrap
	// Endpoint is the API's base URL (ending in /api) of a server with no
	// middleware; Serve starts others.
	Endpoint string

	t        testing.TB
	handling *inFlight
}

// Options adjusts Start. The zero value is an emulator without production
// access, a fresh mock clock and fault seed 1.
type Options struct {
	// ProductionAccess lets the organization create production keys.
	ProductionAccess bool
	// Clock, when set, is shared with the emulator (a provider under test
	// reads the same one).
	Clock *clock.Mock
	// Variants are the other readings of the API the emulator follows
	// (emulator.Variant), added to Emulator.Variants.
	Variants []emulator.Variant
	// Role is the bootstrapped user's role when not "" (admin by default);
	// it overrides Emulator.BootstrapRole.
	Role emulator.Role
	// Emulator is passed to emulator.New; its Clock is replaced by the mock
	// clock, and a zero Seed becomes 1 so that faults repeat.
	Emulator emulator.Options
}

// Start returns a running emulator; it stops when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	mock := opts.Clock
	if mock == nil {
		mock = clock.NewMock()
	}
	o := opts.Emulator
	o.Clock = mock
	o.Variants = append(slices.Clone(o.Variants), opts.Variants...)
	if opts.Role != "" {
		o.BootstrapRole = opts.Role
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	emu, err := emulator.New(o)
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	boot, err := emu.Bootstrap("", opts.ProductionAccess)
	if err != nil {
		t.Fatalf("emulator bootstrap: %v", err)
	}
	s := &Server{Emulator: emu, Clock: mock, Boot: boot, t: t, handling: newInFlight()}
	s.Endpoint = s.Serve()
	return s
}

// Serve starts another server for the same emulator, with each middleware
// in front of it (the first outermost), and returns its API endpoint. Tests
// use it to watch, hold back or doctor answers; its requests are counted
// like any other.
func (s *Server) Serve(middleware ...func(http.Handler) http.Handler) string {
	s.t.Helper()
	var h http.Handler = s.Emulator
	for i := len(middleware) - 1; i >= 0; i-- {
		h = middleware[i](h)
	}
	srv := httptest.NewServer(s.handling.track(h))
	s.t.Cleanup(srv.Close)
	return srv.URL + emulatorAPIPath
}

// emulatorAPIPath is where the emulator serves the API (CONTRACT.md).
const emulatorAPIPath = "/api"

// URL is the server's root, where the dashboard and /_emulator/ live: the
// endpoint without its /api.
func (s *Server) URL() string { return s.Endpoint[:len(s.Endpoint)-len(emulatorAPIPath)] }
