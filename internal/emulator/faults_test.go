package emulator

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestFaultRateRefusesEverythingAndChangesNothing(t *testing.T) {
	w := seedWorld(t, newEmulator(t, Options{FaultRate: 1}))
	id := w.adminAKeyID
	keys, events := w.e.Keys(), w.e.Events()
	requests := []struct{ method, path, secret string }{
		{"GET", "/version", w.adminAKey}, {"GET", "/user", w.adminAKey}, {"POST", "/auth/login", ""},
		{"POST", "/keys", w.adminAKey}, {"GET", "/keys", w.adminAKey}, {"GET", "/keys/" + id, w.adminAKey},
		{"PATCH", "/keys/" + id, w.adminAKey}, {"DELETE", "/keys/" + id, w.adminAKey}, {"GET", "/nope", ""},
	}
	for _, r := range requests {
		body := keyBody(map[string]any{"description": "changed", "environment": "testing", "expiry": "2030-01-01T00:00:00Z"})
		rec := w.do(r.method, r.path, r.secret, body)
		expectProblem(t, rec, http.StatusServiceUnavailable)
		if rec.Header().Get("Retry-After") != "1" {
			t.Errorf("%s %s: Retry-After %q", r.method, r.path, rec.Header().Get("Retry-After"))
		}
	}
	if !slices.Equal(w.e.Keys(), keys) || !slices.Equal(w.e.Events(), events) {
		t.Error("a refused request changed something")
	}
	// The emulator's own endpoint is not subject to faults.
	expect(t, w.serve(statsRequest("GET")), http.StatusOK)
	if st := w.e.Stats(); st.ByStatus["503"] != int64(len(requests)) {
		t.Errorf("stats %+v", st)
	}
	w.e.SetFaults(0, 0, 0)
	expect(t, w.do("GET", "/version", w.adminAKey, nil), http.StatusOK)
}

func TestLostResponsesAreCarriedOut(t *testing.T) {
	w := seedWorld(t, newEmulator(t, Options{LostResponseRate: 1}))
	before := w.e.Keys()
	n := len(before)
	expectProblem(t, w.do("POST", "/keys", w.adminAKey, keyBody(validKey())), http.StatusBadGateway)
	keys := w.e.Keys()
	if len(keys) != n+1 {
		t.Fatalf("lost create: %d keys, want %d", len(keys), n+1)
	}
	// Keys created in the same second are ordered by id, so find the new one by difference.
	i := slices.IndexFunc(keys, func(k Key) bool { return !slices.Contains(before, k) })
	created := keys[i].ID
	expectProblem(t, w.do("PATCH", "/keys/"+created, w.adminAKey, keyBody(map[string]any{"description": "lost"})), http.StatusBadGateway)
	if k, _ := w.e.Key(created); k.Description != "lost" {
		t.Errorf("lost patch not applied: %+v", k)
	}
	expectProblem(t, w.do("DELETE", "/keys/"+created, w.adminAKey, nil), http.StatusBadGateway)
	if _, found := w.e.Key(created); found {
		t.Error("lost delete not applied")
	}
	// The retry of a lost delete finds the key gone.
	expectProblem(t, w.do("DELETE", "/keys/"+created, w.adminAKey, nil), http.StatusNotFound)
	expectProblem(t, w.do("POST", "/auth/login", "", map[string]any{"login": map[string]any{"email": "ada@a.example", "password": "pw-ada"}}), http.StatusBadGateway)
	if len(w.e.Keys()) != n+1 {
		t.Error("lost login did not mint its key")
	}
	// Reads and refused writes are not "carried out", so their answers arrive.
	expect(t, w.do("GET", "/keys", w.adminAKey, nil), http.StatusOK)
	expectProblem(t, w.do("POST", "/keys", w.adminAKey, keyBody(with(validKey(), map[string]any{"environment": "x"}))), http.StatusUnprocessableEntity)
}

func TestFaultSeedReplays(t *testing.T) {
	statuses := func() []int {
		w := seedWorld(t, newEmulator(t, Options{FaultRate: 0.5, LostResponseRate: 0.5, Seed: 42}))
		var out []int
		for range 40 {
			out = append(out, w.do("POST", "/keys", w.adminAKey, keyBody(validKey())).Code)
		}
		return out
	}
	a, b := statuses(), statuses()
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	if !slices.Contains(a, 503) || !slices.Contains(a, 502) || !slices.Contains(a, 201) {
		t.Errorf("rates of one half gave %v", a)
	}
}

func TestLatency(t *testing.T) {
	w := newWorld(t)
	const delay = 25 * time.Millisecond
	w.e.SetFaults(0, 0, delay)
	start := time.Now()
	expect(t, w.do("GET", "/version", w.adminAKey, nil), http.StatusOK)
	if took := time.Since(start); took < delay {
		t.Errorf("request took %v, want at least %v", took, delay)
	}
	// A client that gives up does not hold the request for the whole delay.
	w.e.SetFaults(0, 0, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := w.serve(req("GET", "/version", w.adminAKey, nil).WithContext(ctx))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("cancelled request: %d", rec.Code)
	}
	// Statistics are served without latency.
	expect(t, w.serve(statsRequest("GET")), http.StatusOK)
}
