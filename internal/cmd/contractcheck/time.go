package main

import (
	"context"
	"time"
)

// timeSource is the check's time: the wall clock, or in tests a mock clock
// shared with the emulator, whose Sleep moves it instead of waiting.
type timeSource interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
