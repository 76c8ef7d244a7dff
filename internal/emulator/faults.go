package emulator

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// faults holds the injected-failure settings; they can change while serving.
type faults struct {
	mu        sync.Mutex
	rng       *rand.Rand
	faultRate float64
	lostRate  float64
	latency   time.Duration
}

func newFaults(seed int64, faultRate, lostRate float64, latency time.Duration) *faults {
	if seed == 0 {
		seed = rand.Int64() //nolint:gosec // fault injection needs reproducibility, not secrecy
	}
	f := &faults{rng: rand.New(rand.NewPCG(uint64(seed), uint64(seed)>>1^0x9e3779b97f4a7c15))} //nolint:gosec // as above
	f.set(faultRate, lostRate, latency)
	return f
}

func clampRate(r float64) float64 {
	if math.IsNaN(r) || r < 0 {
		return 0
	}
	return min(r, 1)
}

func (f *faults) set(faultRate, lostRate float64, latency time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faultRate = clampRate(faultRate)
	f.lostRate = clampRate(lostRate)
	f.latency = max(latency, 0)
}

func (f *faults) delay() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.latency
}

// injectFault and loseResponse draw from one seeded source so that a given
// Seed replays the same sequence of failures for the same request sequence.
func (f *faults) injectFault() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.faultRate > 0 && f.rng.Float64() < f.faultRate
}

func (f *faults) loseResponse() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lostRate > 0 && f.rng.Float64() < f.lostRate
}

// SetFaults changes the fault injection settings of a running emulator.
// Rates are clamped to [0, 1] and a negative latency counts as none.
func (e *Emulator) SetFaults(faultRate, lostResponseRate float64, latency time.Duration) {
	e.faults.set(faultRate, lostResponseRate, latency)
}
