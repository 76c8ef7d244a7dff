package clock

import (
	"testing"
	"time"
)

func TestMockAdvance(t *testing.T) {
	m := NewMock()
	before := m.Now()
	m.Advance(90 * 24 * time.Hour)
	got := m.Now().Sub(before)
	if got < 90*24*time.Hour || got > 90*24*time.Hour+time.Minute {
		t.Fatalf("Advance(90d) moved the clock by %s", got)
	}
}

func TestSystemIsWallClock(t *testing.T) {
	if d := time.Since(System{}.Now()); d < 0 || d > time.Minute {
		t.Fatalf("System clock is %s away from time.Now", d)
	}
}
