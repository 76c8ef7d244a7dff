package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// The sentinel credentials are split into halves that are checked on their
// own, so that a leak of part of a secret (an excerpt cut through it) fails
// too.
const (
	apiKeyHead = "dtk_SENTINELhead9Q2x"
	apiKeyTail = "LEAKCHECKtail7Wp4zz"
	testAPIKey = apiKeyHead + apiKeyTail
	testUA     = "terraform-provider-domaintrust/1.2.3 (+https://www.terraform.io) Terraform/1.9.0"
)

// recorded is one request as the fake server saw it.
type recorded struct {
	Method  string
	Path    string // escaped, below /api
	Query   map[string][]string
	Header  http.Header
	Body    []byte
	Arrived time.Time
}

// fakeAPI is an httptest server whose answers are scripted per request.
type fakeAPI struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

// newFake serves handle for every request; n counts requests from 0.
func newFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		n := len(f.reqs)
		f.reqs = append(f.reqs, recorded{
			Method:  r.Method,
			Path:    strings.TrimPrefix(r.URL.EscapedPath(), "/api"),
			Query:   r.URL.Query(),
			Header:  r.Header.Clone(),
			Body:    body,
			Arrived: time.Now(),
		})
		f.mu.Unlock()
		handle(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fakeAPI) count() int { return len(f.requests()) }

// newTestClient returns a client with tiny waits so retry tests stay fast.
func newTestClient(t *testing.T, endpoint string, opts ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Endpoint:       endpoint,
		APIKey:         testAPIKey,
		UserAgent:      testUA,
		MaxRetries:     3,
		RequestTimeout: 5 * time.Second,
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   5 * time.Millisecond,
	}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wire", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func reply(w http.ResponseWriter, status int, contentType string, body []byte) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func replyJSON(w http.ResponseWriter, status int, body []byte) {
	reply(w, status, "application/json", body)
}

func replyProblem(w http.ResponseWriter, status int, body []byte) {
	reply(w, status, "application/problem+json", body)
}

// hangUp closes the connection after the request was read, without any
// answer: the situation in which the client cannot know what happened.
func hangUp(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// assertJSONEqual compares two JSON documents as decoded values, so that key
// order and spacing do not matter.
func assertJSONEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("decoding %s: %v", got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("decoding %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\n got: %s\nwant: %s", got, want)
	}
}

// closedAddr returns an address nothing listens on, so dialling it is
// refused at once.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func TestNewDefaults(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Endpoint = "https://example.org/api"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.userAgent != DefaultUserAgent || c.maxRetries != DefaultMaxRetries ||
		c.waitMin != DefaultRetryWaitMin || c.waitMax != DefaultRetryWaitMax ||
		c.http.Timeout != DefaultRequestTimeout {
		t.Errorf("defaults not applied: ua=%q retries=%d min=%v max=%v timeout=%v",
			c.userAgent, c.maxRetries, c.waitMin, c.waitMax, c.http.Timeout)
	}

	// Zero durations select the defaults; zero retries mean zero retries.
	c, err = New(Config{Endpoint: "https://example.org/api"})
	if err != nil {
		t.Fatal(err)
	}
	if c.maxRetries != 0 || c.waitMin != DefaultRetryWaitMin || c.http.Timeout != DefaultRequestTimeout {
		t.Errorf("zero Config: retries=%d min=%v timeout=%v", c.maxRetries, c.waitMin, c.http.Timeout)
	}

	c, err = New(Config{Endpoint: "https://example.org/api", MaxRetries: 2, RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond, RequestTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if c.maxRetries != 2 || c.waitMin != time.Millisecond || c.http.Timeout != time.Minute {
		t.Errorf("explicit values not applied: retries=%d min=%v timeout=%v", c.maxRetries, c.waitMin, c.http.Timeout)
	}

	if _, err := New(Config{Endpoint: "https://example.org/api", MaxRetries: -1}); err == nil {
		t.Error("negative MaxRetries accepted")
	}
}

// TestWorstCaseCallTime pins the bound the provider documents: with the
// defaults, 13 attempts of 30 s and waits of 0.5, 1, 2, 4, 8 and then 10 s.
func TestWorstCaseCallTime(t *testing.T) {
	want := 13*30*time.Second + 500*time.Millisecond + (1+2+4+8+7*10)*time.Second
	if got := DefaultConfig().WorstCaseCallTime(); got != want {
		t.Errorf("WorstCaseCallTime() = %v, want %v", got, want)
	}
	cfg := Config{MaxRetries: 0, RequestTimeout: time.Second, RetryWaitMin: time.Second, RetryWaitMax: time.Second}
	if got := cfg.WorstCaseCallTime(); got != time.Second {
		t.Errorf("one attempt: WorstCaseCallTime() = %v, want 1s", got)
	}
}

func TestNewDoesNotModifyCallersHTTPClient(t *testing.T) {
	base := &http.Client{Timeout: time.Hour}
	if _, err := New(Config{Endpoint: "https://example.org/api", HTTPClient: base, RequestTimeout: time.Second}); err != nil {
		t.Fatal(err)
	}
	if base.Timeout != time.Hour || base.CheckRedirect != nil {
		t.Errorf("caller's http.Client was modified: %+v", base)
	}
}

// TestHeadersOnEveryCall checks User-Agent, Accept, Content-Type and that the
// bearer token goes with every call.
func TestHeadersOnEveryCall(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch {
		case r.URL.Path == "/api/user":
			replyJSON(w, 200, golden(t, "user_response.json"))
		case r.Method == http.MethodGet && r.URL.Path == "/api/keys":
			replyJSON(w, 200, golden(t, "key_list_last_page_response.json"))
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodPost:
			replyJSON(w, 201, golden(t, "key_create_response.json"))
		default:
			replyJSON(w, 200, golden(t, "key_get_response.json"))
		}
	})
	c := newTestClient(t, f.URL+"/api")
	ctx := context.Background()
	desc := "x"
	calls := map[string]func() error{
		"CreateKey": func() error {
			_, err := c.CreateKey(ctx, CreateKeyInput{Description: "d", Environment: "testing", Expiry: time.Now().Add(time.Hour)})
			return err
		},
		"GetKey":       func() error { _, err := c.GetKey(ctx, "id1"); return err },
		"ListKeys":     func() error { _, err := c.ListKeys(ctx, ListKeysInput{}); return err },
		"ListKeysPage": func() error { _, err := c.ListKeysPage(ctx, ListKeysInput{}, ""); return err },
		"UpdateKey": func() error {
			_, err := c.UpdateKey(ctx, "id1", UpdateKeyInput{Description: &desc})
			return err
		},
		"DeleteKey":   func() error { return c.DeleteKey(ctx, "id1") },
		"CurrentUser": func() error { _, err := c.CurrentUser(ctx); return err },
	}
	for name, call := range calls {
		before := f.count()
		if err := call(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		reqs := f.requests()[before:]
		if len(reqs) != 1 {
			t.Fatalf("%s sent %d requests, want 1", name, len(reqs))
		}
		h := reqs[0].Header
		if got := h.Get("User-Agent"); got != testUA {
			t.Errorf("%s User-Agent = %q, want %q", name, got, testUA)
		}
		if got := h.Get("Accept"); got != "application/json" {
			t.Errorf("%s Accept = %q", name, got)
		}
		wantAuth := "Bearer " + testAPIKey
		if got := h.Get("Authorization"); got != wantAuth {
			t.Errorf("%s Authorization = %q, want %q", name, got, wantAuth)
		}
		wantCT := ""
		if len(reqs[0].Body) > 0 {
			wantCT = "application/json"
		}
		if got := h.Get("Content-Type"); got != wantCT {
			t.Errorf("%s Content-Type = %q, want %q", name, got, wantCT)
		}
	}
}

func TestDefaultUserAgentSent(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, 200, golden(t, "user_response.json"))
	})
	c := newTestClient(t, f.URL+"/api", func(c *Config) { c.UserAgent = "" })
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].Header.Get("User-Agent"); got != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", got, DefaultUserAgent)
	}
}

func TestNoAuthorizationWithoutAPIKey(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, 200, golden(t, "user_response.json"))
	})
	c := newTestClient(t, f.URL+"/api", func(c *Config) { c.APIKey = "" })
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := f.requests()[0].Header; h.Values("Authorization") != nil {
		t.Errorf("Authorization sent without an API key: %q", h.Values("Authorization"))
	}
}

func TestServerTimeOffset(t *testing.T) {
	var serverAhead atomic.Int64
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Date", time.Now().Add(time.Duration(serverAhead.Load())).UTC().Format(http.TimeFormat))
		replyJSON(w, 200, golden(t, "user_response.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	if _, ok := c.ServerTimeOffset(); ok {
		t.Fatal("offset known before any answer")
	}
	for _, ahead := range []time.Duration{time.Hour, -90 * time.Minute, 0} {
		serverAhead.Store(int64(ahead))
		if _, err := c.CurrentUser(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, ok := c.ServerTimeOffset()
		if !ok {
			t.Fatal("offset unknown after an answer")
		}
		if diff := got - ahead; diff < -time.Second || diff > time.Second {
			t.Errorf("server %v ahead: offset = %v", ahead, got)
		}
	}
}

// TestServerTimeOffsetAgainstConfiguredClock: the offset is the server's
// time minus the caller's clock, so a caller whose clock agrees with the
// server (a test sharing a mock clock with the emulator) sees about zero,
// however far that clock is from the wall clock.
func TestServerTimeOffsetAgainstConfiguredClock(t *testing.T) {
	shifted := clock.NewMock()
	shifted.Advance(400 * 24 * time.Hour)
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Date", shifted.Now().UTC().Format(http.TimeFormat))
		replyJSON(w, 200, golden(t, "user_response.json"))
	})
	c := newTestClient(t, f.URL+"/api", func(c *Config) { c.Clock = shifted })
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.ServerTimeOffset(); !ok || got < -time.Second || got > time.Second {
		t.Errorf("offset = %v, %v; want about zero", got, ok)
	}
}

func TestServerTimeOffsetFromErrorAnswer(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Date", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
		replyProblem(w, 404, golden(t, "problem_404.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	_, _ = c.GetKey(context.Background(), "x")
	got, ok := c.ServerTimeOffset()
	if !ok || got > -time.Hour+time.Second || got < -time.Hour-time.Second {
		t.Errorf("offset = %v, %v; want about -1h", got, ok)
	}
}

// TestRedirectIsAnError: following a redirect would turn a POST into a GET,
// so a redirect is reported and its target never called.
func TestRedirectIsAnError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	c := newTestClient(t, f.URL+"/api")
	_, err := c.CreateKey(context.Background(), CreateKeyInput{Environment: "testing", Expiry: time.Now().Add(time.Hour)})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound {
		t.Fatalf("err = %v, want a 302 *Error", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestOversizedSuccessAnswerRefused(t *testing.T) {
	huge := append([]byte(`{"user":{"id":"`), bytes.Repeat([]byte("a"), maxBodyBytes)...)
	huge = append(huge, `"}}`...)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		replyJSON(w, 200, huge)
	})
	c := newTestClient(t, f.URL+"/api")
	_, err := c.CurrentUser(context.Background())
	if !errors.Is(err, errBodyTooLarge) {
		t.Fatalf("err = %v, want errBodyTooLarge", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("an oversized answer was retried: %d requests", n)
	}

	_, err = c.CreateKey(context.Background(), CreateKeyInput{Environment: "testing"})
	if !IsOutcomeUnknown(err) {
		t.Errorf("oversized create answer: err = %v, want OutcomeUnknownError", err)
	}
}

func TestMalformedSuccessAnswer(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		replyJSON(w, 200, []byte(`{"something": "else"}`))
	})
	c := newTestClient(t, f.URL+"/api")
	if _, err := c.GetKey(context.Background(), "k"); err == nil || IsOutcomeUnknown(err) || !strings.Contains(err.Error(), `"key"`) {
		t.Errorf("GetKey without a key object: err = %v", err)
	}
	if _, err := c.CurrentUser(context.Background()); err == nil || !strings.Contains(err.Error(), `"user"`) {
		t.Errorf("CurrentUser without a user object: err = %v", err)
	}
	// The create may have happened even though its answer is unreadable.
	if _, err := c.CreateKey(context.Background(), CreateKeyInput{Environment: "testing"}); !IsOutcomeUnknown(err) {
		t.Errorf("CreateKey without a key object: err = %v, want OutcomeUnknownError", err)
	}
}

func TestEmptyIDRejectedWithoutRequest(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusInternalServerError) })
	c := newTestClient(t, f.URL+"/api")
	ctx := context.Background()
	if _, err := c.GetKey(ctx, ""); err == nil {
		t.Error("GetKey(\"\") succeeded")
	}
	if _, err := c.UpdateKey(ctx, "", UpdateKeyInput{}); err == nil {
		t.Error("UpdateKey(\"\") succeeded")
	}
	if err := c.DeleteKey(ctx, ""); err == nil {
		t.Error("DeleteKey(\"\") succeeded")
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d requests sent for empty ids", n)
	}
}

// TestConnectionsReusedAtTerraformsParallelism: ten requests at a time, as
// Terraform sends them by default, reuse their connections rather than open
// new ones batch after batch.
func TestConnectionsReusedAtTerraformsParallelism(t *testing.T) {
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		replyJSON(w, http.StatusOK, golden(t, "key_get_response.json"))
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	cfg := DefaultConfig()
	cfg.Endpoint, cfg.APIKey = srv.URL+"/api", testAPIKey
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const parallelism, batches = 10, 5
	for range batches {
		var wg sync.WaitGroup
		for range parallelism {
			wg.Go(func() {
				if _, err := c.GetKey(context.Background(), "k1"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	// Go's default of two idle connections per host opens about 42 here.
	if n := opened.Load(); n > parallelism+2 {
		t.Errorf("%d connections for %d batches of %d requests, want about %d", n, batches, parallelism, parallelism)
	}
}
