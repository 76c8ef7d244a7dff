package emulator

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	w := seedWorld(t, newEmulator(t, Options{StatePath: path}))
	boot, err := w.e.Bootstrap("", true)
	check(t, err)
	id, secret := w.createKey(w.adminAKey, with(validKey(), map[string]any{"userID": w.memberA, "environment": "production"}))
	deleted, _ := w.createKey(w.adminAKey, validKey())
	expect(t, w.do("DELETE", "/keys/"+deleted, w.adminAKey, nil), http.StatusNoContent)
	expect(t, w.do("PATCH", "/keys/"+id, secret, keyBody(map[string]any{"description": "patched"})), http.StatusOK)
	before := w.e.Keys()

	data := string(must(os.ReadFile(path)))
	for _, s := range []string{secret, w.adminAKey, boot.APIKey, "pw-ada"} {
		if strings.Contains(data, s) {
			t.Fatal("the state file holds a secret or password in clear")
		}
	}

	e2 := newEmulator(t, Options{StatePath: path})
	w2 := &world{t: t, e: e2}
	if after := e2.Keys(); !slices.Equal(after, before) {
		t.Fatalf("keys after restart:\n%+v\nwant\n%+v", after, before)
	}
	for _, s := range []string{secret, w.adminAKey, w.memberAKey, boot.APIKey} {
		if !e2.Authenticates(s) {
			t.Errorf("a key no longer authenticates after restart")
		}
	}
	expect(t, w2.do("GET", "/keys/"+id, secret, nil), http.StatusOK)
	expectProblem(t, w2.do("GET", "/keys/"+deleted, w.adminAKey, nil), http.StatusNotFound)
	// Users (with password hashes), roles and organizations' access survive too.
	expect(t, w2.do("POST", "/auth/login", "", map[string]any{"login": map[string]any{"email": "ada@a.example", "password": "pw-ada"}}), http.StatusOK)
	expectProblem(t, w2.do("POST", "/keys", w.adminBKey, keyBody(with(validKey(), map[string]any{"environment": "production"}))), http.StatusForbidden)
	expectProblem(t, w2.do("GET", "/keys/"+id, w.adminBKey, nil), http.StatusNotFound)
	expect(t, w2.do("GET", "/keys/"+id, w.adminAKey, nil), http.StatusOK)

	// Bootstrap on a loaded state, given the key it printed before, reuses the
	// organization, the admin and the key.
	boot2, err := e2.Bootstrap(boot.APIKey, true)
	check(t, err)
	if boot2.OrganizationID != boot.OrganizationID || boot2.UserID != boot.UserID || boot2.KeyID != boot.KeyID {
		t.Errorf("a valid -api-key was not reused: %+v, before %+v", boot2, boot)
	}
}

// TestBootstrapKeepsOneKeyAcrossRestarts: an emulator started again and
// again with the same state file and no -api-key mints a key each time (the
// old secret is only a hash) in place of the one before: its admin holds one
// bootstrap key, and the admin's other keys stay. With -api-key, the key
// given is the one.
func TestBootstrapKeepsOneKeyAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	start := func(apiKey string) (*Emulator, Bootstrap) {
		e := newEmulator(t, Options{StatePath: path})
		boot, err := e.Bootstrap(apiKey, true)
		check(t, err)
		return e, boot
	}
	e, first := start("")
	w := &world{t: t, e: e}
	own, ownSecret := w.createKey(first.APIKey, validKey())

	var last Bootstrap
	for range 3 {
		e, last = start("")
		bootstrapKeys := 0
		for _, k := range e.Keys() {
			if k.UserID == first.UserID && k.Description == bootstrapKeyDescription {
				bootstrapKeys++
			}
		}
		if bootstrapKeys != 1 || !e.Authenticates(last.APIKey) {
			t.Fatalf("after a restart: %d bootstrap keys, the printed one authenticates: %v; want 1, true",
				bootstrapKeys, e.Authenticates(last.APIKey))
		}
		if _, found := e.Key(own); !found || !e.Authenticates(ownSecret) {
			t.Fatal("the admin's own key went with the old bootstrap key")
		}
	}
	if e.Authenticates(first.APIKey) {
		t.Error("the first bootstrap key still works beside the last")
	}
	e, given := start(last.APIKey)
	if given.KeyID != last.KeyID || len(e.Keys()) != 2 {
		t.Errorf("with -api-key naming the bootstrap key: %+v and %d keys, want key %s and 2 keys", given, len(e.Keys()), last.KeyID)
	}
}

func TestCorruptStateRefused(t *testing.T) {
	valid := func() string {
		path := filepath.Join(t.TempDir(), "state.json")
		seedWorld(t, newEmulator(t, Options{StatePath: path}))
		return string(must(os.ReadFile(path)))
	}()
	cases := map[string]string{
		"garbage":         "this is not JSON",
		"empty":           "",
		"truncated":       valid[:len(valid)/2],
		"trailing":        valid + "{}",
		"wrong version":   strings.Replace(valid, `"version": 1`, `"version": 99`, 1),
		"unknown field":   strings.Replace(valid, `"version": 1`, `"version": 1, "extra": true`, 1),
		"bad environment": strings.Replace(valid, `"environment": "testing"`, `"environment": "staging"`, 1),
		"bad hash":        strings.Replace(valid, `"secretHash": "`, `"secretHash": "zz`, 1),
		"bad role":        strings.Replace(valid, `"role": "member"`, `"role": "owner"`, 1),
		"dangling user":   strings.Replace(valid, `"userID": "`, `"userID": "x`, 1),
		"dangling org":    strings.Replace(valid, `"organizationID": "`, `"organizationID": "x`, 1),
		"repeated org":    strings.Replace(valid, `"organizations": [`, `"organizations": [{"id": "o"}, {"id": "o"},`, 1),
		"bad password":    strings.Replace(valid, `"passwordHash": "`, `"passwordHash": "q`, 1),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			if content == valid {
				t.Fatal("the corruption did not apply")
			}
			path := filepath.Join(t.TempDir(), "state.json")
			check(t, os.WriteFile(path, []byte(content), 0o600))
			_, err := New(Options{StatePath: path})
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("New = %v, want an error naming %s", err, path)
			}
			if got := string(must(os.ReadFile(path))); got != content {
				t.Error("the corrupt file was changed")
			}
		})
	}
	t.Run("unreadable", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "state.json")
		check(t, os.Mkdir(dir, 0o700)) // a directory cannot be read as a file, even by root
		_, err := New(Options{StatePath: dir})
		if err == nil || !strings.Contains(err.Error(), dir) {
			t.Fatalf("New = %v, want an error naming %s", err, dir)
		}
	})
	t.Run("no permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads any file")
		}
		path := filepath.Join(t.TempDir(), "state.json")
		check(t, os.WriteFile(path, []byte(valid), 0o000))
		if _, err := New(Options{StatePath: path}); err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("New = %v, want an error naming %s", err, path)
		}
	})
}

func TestStateWritesAreAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	w := seedWorld(t, newEmulator(t, Options{StatePath: path}))
	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads, torn atomic.Int64
	wg.Go(func() {
		for !stop.Load() {
			data, err := os.ReadFile(path)
			if err != nil {
				torn.Add(1)
				continue
			}
			reads.Add(1)
			if _, err := decodeState(data); err != nil {
				torn.Add(1)
			}
		}
	})
	for range 20 {
		id, _ := w.createKey(w.adminAKey, validKey())
		expect(t, w.do("DELETE", "/keys/"+id, w.adminAKey, nil), http.StatusNoContent)
	}
	stop.Store(true)
	wg.Wait()
	if torn.Load() > 0 || reads.Load() == 0 {
		t.Errorf("%d of %d reads saw a missing or partial file", torn.Load(), reads.Load())
	}
	entries := must(os.ReadDir(dir))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if info := must(os.Stat(path)); info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v", info.Mode())
	}
}

func TestStateWriteFailureIs500(t *testing.T) {
	var logs syncBuffer
	dir := filepath.Join(t.TempDir(), "gone")
	check(t, os.Mkdir(dir, 0o700))
	e := newEmulator(t, Options{StatePath: filepath.Join(dir, "state.json")})
	w := seedWorld(t, e)
	e.log = newTextLogger(&logs)
	check(t, os.RemoveAll(dir))
	expectProblem(t, w.do("POST", "/keys", w.adminAKey, keyBody(validKey())), http.StatusInternalServerError)
	if !strings.Contains(logs.String(), "state.json") {
		t.Errorf("the failure was not logged: %q", logs.String())
	}
	if _, err := e.AddOrganization("x", false); err == nil {
		t.Error("AddOrganization reported success without persisting")
	}
	if bytes.Contains([]byte(logs.String()), []byte(w.adminAKey)) {
		t.Error("the log holds an API key")
	}
}
