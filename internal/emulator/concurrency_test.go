package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentUse runs creates, reads, lists, updates and deletes from many
// goroutines at once; under -race it proves the locking, and the final count
// proves no change was lost.
func TestConcurrentUse(t *testing.T) {
	w := newWorld(t)
	srv := newServer(t, w.e)
	before := len(w.e.Keys())
	const workers, rounds = 8, 15
	errs := make(chan error, workers*rounds)
	var wg sync.WaitGroup
	for i := range workers {
		secret := []string{w.adminAKey, w.memberAKey}[i%2]
		wg.Go(func() {
			for range rounds {
				errs <- concurrentRound(srv.URL+"/api", secret)
			}
		})
	}
	// Readers of the Go API and the statistics run alongside.
	wg.Go(func() {
		for range rounds {
			_ = w.e.Keys()
			_ = w.e.Stats()
			_ = w.e.Events()
			w.advance(1)
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Each round creates two keys and deletes one.
	if got, want := len(w.e.Keys()), before+workers*rounds; got != want {
		t.Errorf("%d keys, want %d", got, want)
	}
	if got := w.e.Stats().Total; got != workers*rounds*6 {
		t.Errorf("stats counted %d requests, want %d", got, workers*rounds*6)
	}
}

func concurrentRound(base, secret string) error {
	ids := make([]string, 2)
	for i := range ids {
		var out struct {
			Key struct{ ID string } `json:"key"`
		}
		if err := call(base, "POST", "/keys", secret, keyBody(validKey()), http.StatusCreated, &out); err != nil {
			return err
		}
		ids[i] = out.Key.ID
	}
	steps := []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/keys/" + ids[0], nil, http.StatusOK},
		{"GET", "/keys?limit=5", nil, http.StatusOK},
		{"PATCH", "/keys/" + ids[1], keyBody(map[string]any{"description": "concurrent"}), http.StatusOK},
		{"DELETE", "/keys/" + ids[0], nil, http.StatusNoContent},
	}
	for _, s := range steps {
		if err := call(base, s.method, s.path, secret, s.body, s.status, nil); err != nil {
			return err
		}
	}
	return nil
}

// concurrentClient keeps a connection per worker alive; the default transport's two
// idle connections per host would make most requests dial anew.
var concurrentClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

func call(base, method, path, secret string, body any, status int, out any) error {
	r := req(method, path, secret, body)
	hr, err := http.NewRequest(method, base+path, r.Body)
	if err != nil {
		return err
	}
	hr.Header = r.Header
	resp, err := concurrentClient.Do(hr)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != status {
		return fmt.Errorf("%s %s: %d, want %d", method, path, resp.StatusCode, status)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}
