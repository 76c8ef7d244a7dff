package emulator

import (
	"sync/atomic"
	"time"
)

// clock is the base clock plus an offset that tests move, so that expiry can
// be exercised without sleeping and without touching the process clock.
type clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds added to base
}

func (c *clock) now() time.Time {
	return c.base().Add(time.Duration(c.offset.Load()))
}

// Now returns the emulator's current time: the base clock moved by Advance and SetTime.
func (e *Emulator) Now() time.Time { return e.clock.now() }

// Advance moves the emulator's clock forward by d (backward when d is negative).
func (e *Emulator) Advance(d time.Duration) { e.clock.offset.Add(int64(d)) }

// SetTime makes the emulator's clock read t now; it keeps running from there.
func (e *Emulator) SetTime(t time.Time) { e.clock.offset.Store(int64(t.Sub(e.clock.base()))) }
