package emulator

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestStats(t *testing.T) {
	w := newWorld(t)
	id, _ := w.createKey(w.adminAKey, validKey())
	w.do("GET", "/keys", w.adminAKey, nil)
	w.do("GET", "/keys", "", nil)
	w.do("GET", "/keys/"+id, w.adminAKey, nil)
	w.do("PATCH", "/keys/"+id, w.adminAKey, keyBody(map[string]any{"description": "x"}))
	w.do("DELETE", "/keys/"+id, w.adminAKey, nil)
	w.do("DELETE", "/keys/"+id, w.adminAKey, nil)
	w.do("GET", "/version", w.adminAKey, nil)
	w.do("GET", "/user", w.adminAKey, nil)
	w.do("POST", "/auth/login", "", map[string]any{"login": map[string]any{"email": "ada@a.example", "password": "pw-ada"}})
	w.do("PUT", "/keys", w.adminAKey, nil)
	w.do("GET", "/elsewhere", "", nil)

	want := Stats{
		Total: 12,
		ByRoute: map[string]int64{
			"POST /keys": 1, "GET /keys": 2, "GET /keys/{id}": 1, "PATCH /keys/{id}": 1, "DELETE /keys/{id}": 2,
			"GET /version": 1, "GET /user": 1, "POST /auth/login": 1, "PUT other": 1, "GET other": 1,
		},
		ByStatus: map[string]int64{"200": 6, "201": 1, "204": 1, "401": 1, "404": 2, "405": 1},
	}
	assertStats(t, w.e.Stats(), want)

	// The statistics endpoint needs no key, answers JSON, and does not count itself.
	for range 2 {
		rec := w.serve(statsRequest("GET"))
		expect(t, rec, http.StatusOK)
		if ct := rec.Header().Get("Content-Type"); ct != mediaJSON {
			t.Errorf("Content-Type %q", ct)
		}
		var got Stats
		check(t, json.Unmarshal(rec.Body.Bytes(), &got))
		assertStats(t, got, want)
	}
	expectProblem(t, w.serve(statsRequest("POST")), http.StatusMethodNotAllowed)
	assertStats(t, w.e.Stats(), want)
}

func assertStats(t *testing.T, got, want Stats) {
	t.Helper()
	if got.Total != want.Total || !maps.Equal(got.ByRoute, want.ByRoute) || !maps.Equal(got.ByStatus, want.ByStatus) {
		t.Errorf("stats\n%+v\nwant\n%+v", got, want)
	}
}

func statsRequest(method string) *http.Request {
	return httptest.NewRequest(method, "/_emulator/stats", nil)
}
