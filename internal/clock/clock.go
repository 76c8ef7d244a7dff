// Package clock lets the provider read the time through an interface, so tests
// can move time (rotation windows, expiry warnings) instead of sleeping.
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

// Mock is a clock for tests: it follows the wall clock shifted by an offset
// that tests move, so durations measured inside a test stay real while the
// date can jump ahead by months.
type Mock struct {
	mu     sync.Mutex
	base   func() time.Time
	offset time.Duration
}

// NewMock returns a Mock that starts at the wall clock.
func NewMock() *Mock { return &Mock{base: time.Now} }

// Now returns the wall clock plus the accumulated offset.
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
