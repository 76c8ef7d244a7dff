// Package clock lets the provider and the emulator read the time through an
// interface, so tests can move time (rotation windows, expiry) instead of
// sleeping. The times the provider, its API client and the emulator act on
// (expiries, rotation windows, a create's send time, a Retry-After date,
// the offset of the server's Date) come from one Clock handed down from
// where the program is wired. Waiting is not the clock's business: the
// waits between retries and the emulator's injected latency are real
// timers, and the emulator measures the request durations it logs on the
// wall clock.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// System is the real wall clock.
type System struct{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// Mock is a clock for tests: a base clock shifted by an offset that tests
// move. NewMock follows the wall clock, so durations measured inside a test
// stay real while the date can jump ahead by months; NewMockAt stands still
// until moved, for tests that compare exact times.
type Mock struct {
	mu     sync.Mutex
	base   func() time.Time
	offset time.Duration
}

// NewMock returns a Mock that follows the wall clock.
func NewMock() *Mock { return &Mock{base: time.Now} }

// NewMockAt returns a Mock that reads t until it is moved.
func NewMockAt(t time.Time) *Mock { return &Mock{base: func() time.Time { return t }} }

// Now returns the base clock plus the accumulated offset.
func (m *Mock) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.base().Add(m.offset)
}

// Advance moves the clock forward by d (or back, for a negative d).
func (m *Mock) Advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offset += d
}

// Set makes the clock read t now; a Mock that follows the wall clock keeps
// running from there.
func (m *Mock) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offset = t.Sub(m.base())
}
