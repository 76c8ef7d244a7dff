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

func TestMockAtStandsStill(t *testing.T) {
	t0 := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	m := NewMockAt(t0)
	first := m.Now()
	time.Sleep(time.Millisecond) // the wall clock moves; this one must not
	if !first.Equal(t0) || !m.Now().Equal(t0) {
		t.Fatalf("Now = %v, want %v until moved", m.Now(), t0)
	}
	m.Advance(time.Hour)
	if want := t0.Add(time.Hour); !m.Now().Equal(want) {
		t.Fatalf("after Advance(1h): %v, want %v", m.Now(), want)
	}
	t1 := time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	m.Set(t1)
	if !m.Now().Equal(t1) {
		t.Fatalf("after Set: %v, want %v", m.Now(), t1)
	}
}

func TestSystemIsWallClock(t *testing.T) {
	if d := time.Since(System{}.Now()); d < 0 || d > time.Minute {
		t.Fatalf("System clock is %s away from time.Now", d)
	}
}
