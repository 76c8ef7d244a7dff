package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log sink safe for the concurrent writes of a server.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestPanicBecomes500(t *testing.T) {
	var logs syncBuffer
	e := newEmulator(t, Options{Logger: newTextLogger(&logs)})
	w := seedWorld(t, e)
	e.testHookBeforeHandler = func(route string) {
		if route == "POST /keys" {
			panic("injected test panic")
		}
	}
	srv := newServer(t, e) // through a real server: a crash would take the process down
	r := must(http.NewRequest(http.MethodPost, srv.URL+"/api/keys", strings.NewReader(`{"key":{"environment":"testing","expiry":"2030-01-01T00:00:00Z"}}`)))
	r.Header.Set("Authorization", "Bearer "+w.adminAKey)
	resp := must(http.DefaultClient.Do(r))
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("Content-Type") != mediaProblemJSON {
		t.Fatalf("panic answered %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(logs.String(), "injected test panic") {
		t.Errorf("panic not logged: %s", logs.String())
	}
	if strings.Contains(logs.String(), w.adminAKey) {
		t.Error("the log holds an API key")
	}
	// The emulator keeps serving, locks included.
	r = must(http.NewRequest(http.MethodGet, srv.URL+"/api/version", nil))
	r.Header.Set("Authorization", "Bearer "+w.adminAKey)
	resp = must(http.DefaultClient.Do(r))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after a panic: %d", resp.StatusCode)
	}
	expect(t, w.do("GET", "/keys", w.adminAKey, nil), http.StatusOK)
	if got := e.Stats().ByStatus["500"]; got != 1 {
		t.Errorf("stats count %d 500s", got)
	}
}

func newTextLogger(w *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
