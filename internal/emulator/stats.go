package emulator

import (
	"maps"
	"strconv"
	"sync"
)

// Stats counts the API requests served, for benchmarks and tests that assert
// how many calls a client made.
type Stats struct {
	Total    int64            `json:"total"`
	ByRoute  map[string]int64 `json:"byRoute"`
	ByStatus map[string]int64 `json:"byStatus"`
}

type statsRecorder struct {
	mu       sync.Mutex
	total    int64
	byRoute  map[string]int64
	byStatus map[string]int64
}

func newStatsRecorder() *statsRecorder {
	return &statsRecorder{byRoute: map[string]int64{}, byStatus: map[string]int64{}}
}

func (s *statsRecorder) record(route string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	s.byRoute[route]++
	s.byStatus[strconv.Itoa(status)]++
}

func (s *statsRecorder) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Total: s.total, ByRoute: maps.Clone(s.byRoute), ByStatus: maps.Clone(s.byStatus)}
}

// Stats returns the request counts so far. Requests to /_emulator/* are not counted.
func (e *Emulator) Stats() Stats { return e.stats.snapshot() }
