package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// idempotentCalls are the GET, PATCH and DELETE calls with the answer that
// makes each succeed.
var idempotentCalls = []struct {
	method  string
	call    func(*Client) error
	succeed func(*testing.T, http.ResponseWriter)
}{
	{http.MethodGet,
		func(c *Client) error { _, err := c.GetKey(context.Background(), "k1"); return err },
		func(t *testing.T, w http.ResponseWriter) { replyJSON(w, 200, golden(t, "key_get_response.json")) }},
	{http.MethodPatch,
		func(c *Client) error {
			d := "x"
			_, err := c.UpdateKey(context.Background(), "k1", UpdateKeyInput{Description: &d})
			return err
		},
		func(t *testing.T, w http.ResponseWriter) { replyJSON(w, 200, golden(t, "key_update_response.json")) }},
	{http.MethodDelete,
		func(c *Client) error { return c.DeleteKey(context.Background(), "k1") },
		func(_ *testing.T, w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }},
}

func createKey(c *Client) error {
	_, err := c.CreateKey(context.Background(), CreateKeyInput{Description: "d", Environment: "testing", Expiry: time.Now().Add(time.Hour)})
	return err
}

func replyStatus(status int, retryAfter string) func(*testing.T, http.ResponseWriter) {
	return func(_ *testing.T, w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		replyProblem(w, status, []byte(fmt.Sprintf(`{"title":%q,"status":%d}`, http.StatusText(status), status)))
	}
}

// cutShort announces a body longer than what it sends, then hangs up: the
// connection is lost while the answer is read.
func cutShort(t *testing.T, w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"key\": {")
	_ = buf.Flush()
	_ = conn.Close()
}

var transientFailures = []struct {
	name string
	fail func(*testing.T, http.ResponseWriter)
}{
	{"429", replyStatus(http.StatusTooManyRequests, "")},
	{"502", replyStatus(http.StatusBadGateway, "")},
	{"503", replyStatus(http.StatusServiceUnavailable, "")},
	{"503 with Retry-After", replyStatus(http.StatusServiceUnavailable, "0")},
	{"504", replyStatus(http.StatusGatewayTimeout, "")},
	{"connection lost", hangUp},
	{"answer cut short", cutShort},
}

func TestIdempotentCallsRetriedOnTransientFailures(t *testing.T) {
	for _, call := range idempotentCalls {
		for _, failure := range transientFailures {
			t.Run(call.method+" "+failure.name, func(t *testing.T) {
				f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
					if n < 2 {
						failure.fail(t, w)
						return
					}
					call.succeed(t, w)
				})
				c := newTestClient(t, f.URL+"/api")
				if err := call.call(c); err != nil {
					t.Fatalf("err = %v, want success after retries", err)
				}
				if n := f.count(); n != 3 {
					t.Errorf("%d requests, want 3", n)
				}
			})
		}
	}
}

func TestIdempotentCallsRetriedOnRefusedConnection(t *testing.T) {
	for _, call := range idempotentCalls {
		t.Run(call.method, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { call.succeed(t, w) })
			hc, dials := refuseFirstDials(t, 2)
			c := newTestClient(t, f.URL+"/api", func(c *Config) { c.HTTPClient = hc })
			if err := call.call(c); err != nil {
				t.Fatalf("err = %v", err)
			}
			if d, n := dials.Load(), f.count(); d != 3 || n != 1 {
				t.Errorf("%d dials and %d requests, want 3 and 1", d, n)
			}
		})
	}
}

func TestPermanentFailuresNotRetried(t *testing.T) {
	statuses := []int{400, 401, 403, 404, 409, 413, 422, 500, 501}
	for _, call := range idempotentCalls {
		for _, status := range statuses {
			t.Run(fmt.Sprintf("%s %d", call.method, status), func(t *testing.T) {
				f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { replyStatus(status, "")(t, w) })
				c := newTestClient(t, f.URL+"/api")
				err := call.call(c)
				var apiErr *Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != status || IsOutcomeUnknown(err) {
					t.Fatalf("err = %v, want an *Error with status %d", err, status)
				}
				if apiErr.Method != call.method || apiErr.Path != "/keys/k1" {
					t.Errorf("error names %s %s", apiErr.Method, apiErr.Path)
				}
				if n := f.count(); n != 1 {
					t.Errorf("%d requests, want 1", n)
				}
			})
		}
	}
}

// TestPostRetriedWhenServerDidNotAct: 429 and 503 with Retry-After are
// refusals, so re-sending the create cannot create twice.
func TestPostRetriedWhenServerDidNotAct(t *testing.T) {
	for _, failure := range []struct {
		name string
		fail func(*testing.T, http.ResponseWriter)
	}{
		{"429", replyStatus(http.StatusTooManyRequests, "")},
		{"429 with Retry-After", replyStatus(http.StatusTooManyRequests, "0")},
		{"503 with Retry-After", replyStatus(http.StatusServiceUnavailable, "0")},
	} {
		t.Run(failure.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 0 {
					failure.fail(t, w)
					return
				}
				replyJSON(w, http.StatusCreated, golden(t, "key_create_response.json"))
			})
			c := newTestClient(t, f.URL+"/api")
			if err := createKey(c); err != nil {
				t.Fatal(err)
			}
			if n := f.count(); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
		})
	}
}

// TestPostNeverRepeatedAfterAmbiguousFailure is the no-duplicate rule: once
// the server may have acted on a create, it is not sent again and the caller
// learns that the outcome is unknown.
func TestPostNeverRepeatedAfterAmbiguousFailure(t *testing.T) {
	for _, failure := range []struct {
		name string
		fail func(*testing.T, http.ResponseWriter)
	}{
		{"500", replyStatus(http.StatusInternalServerError, "")},
		{"502", replyStatus(http.StatusBadGateway, "")},
		{"503 without Retry-After", replyStatus(http.StatusServiceUnavailable, "")},
		{"504", replyStatus(http.StatusGatewayTimeout, "")},
		{"connection lost after the request was read", hangUp},
		{"answer cut short", cutShort},
	} {
		t.Run("CreateKey "+failure.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { failure.fail(t, w) })
			c := newTestClient(t, f.URL+"/api")
			err := createKey(c)
			assertOutcomeUnknown(t, err, "/keys")
			if n := f.count(); n != 1 {
				t.Errorf("server saw %d POSTs, want exactly 1", n)
			}
		})
	}
}

// TestPostOutcomeUnknownFollowsTheLastAttempt: whether a failed create is
// an OutcomeUnknownError depends on its last attempt alone. Refusals to the
// end leave a plain error (nothing was created, the caller may try again);
// an ambiguous failure after refusals is unknown.
func TestPostOutcomeUnknownFollowsTheLastAttempt(t *testing.T) {
	refused429 := replyStatus(http.StatusTooManyRequests, "")
	refused503 := replyStatus(http.StatusServiceUnavailable, "0")
	for _, tc := range []struct {
		name     string
		attempts []func(*testing.T, http.ResponseWriter)
		unknown  bool
	}{
		{"429 until retries ran out", []func(*testing.T, http.ResponseWriter){refused429, refused429, refused429}, false},
		{"503 with Retry-After until retries ran out", []func(*testing.T, http.ResponseWriter){refused503, refused503, refused503}, false},
		{"429, then 502", []func(*testing.T, http.ResponseWriter){refused429, replyStatus(http.StatusBadGateway, "")}, true},
		{"503 with Retry-After, then connection lost", []func(*testing.T, http.ResponseWriter){refused503, hangUp}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				tc.attempts[min(n, len(tc.attempts)-1)](t, w)
			})
			c := newTestClient(t, f.URL+"/api", func(c *Config) { c.MaxRetries = 2 })
			err := createKey(c)
			if tc.unknown {
				assertOutcomeUnknown(t, err, "/keys")
			} else if err == nil || IsOutcomeUnknown(err) {
				t.Errorf("err = %v, want a plain error: the server refused every attempt", err)
			}
			if n := f.count(); n != len(tc.attempts) {
				t.Errorf("server saw %d POSTs, want %d", n, len(tc.attempts))
			}
		})
	}
}

func assertOutcomeUnknown(t *testing.T, err error, path string) {
	t.Helper()
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) {
		t.Fatalf("err = %T %v, want *OutcomeUnknownError", err, err)
	}
	if ou.Method != http.MethodPost || ou.Path != path || ou.Cause == nil {
		t.Errorf("OutcomeUnknownError = %+v", ou)
	}
}

func TestPostNotRepeatedAfterTimeout(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newTestClient(t, f.URL+"/api", func(c *Config) { c.RequestTimeout = 50 * time.Millisecond })
	err := createKey(c)
	assertOutcomeUnknown(t, err, "/keys")
	if n := f.count(); n != 1 {
		t.Errorf("server saw %d POSTs, want exactly 1", n)
	}
}

func TestPostNotRepeatedAfterCancellationInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		cancel()
		<-r.Context().Done()
	})
	c := newTestClient(t, f.URL+"/api")
	_, err := c.CreateKey(ctx, CreateKeyInput{Environment: "testing"})
	assertOutcomeUnknown(t, err, "/keys")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want it to wrap context.Canceled", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("server saw %d POSTs", n)
	}
}

// refuseFirstDials returns an HTTP client whose first n dials go to an
// address nothing listens on, so they fail before any byte is sent.
func refuseFirstDials(t *testing.T, n int32) (*http.Client, *atomic.Int32) {
	closed := closedAddr(t)
	var dials atomic.Int32
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dials.Add(1) <= n {
				addr = closed
			}
			return d.DialContext(ctx, network, addr)
		},
	}}, &dials
}

func TestPostRetriedAfterRefusedConnection(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusCreated, golden(t, "key_create_response.json"))
	})
	hc, dials := refuseFirstDials(t, 1)
	c := newTestClient(t, f.URL+"/api", func(c *Config) { c.HTTPClient = hc })
	if err := createKey(c); err != nil {
		t.Fatalf("err = %v, want success after a refused dial", err)
	}
	if d, n := dials.Load(), f.count(); d != 2 || n != 1 {
		t.Errorf("%d dials and %d POSTs, want 2 and 1", d, n)
	}
}

func TestRefusedConnectionExhaustsRetries(t *testing.T) {
	hc, dials := refuseFirstDials(t, 100)
	c := newTestClient(t, "http://"+closedAddr(t)+"/api", func(c *Config) {
		c.HTTPClient = hc
		c.MaxRetries = 2
	})
	err := createKey(c)
	if err == nil || IsOutcomeUnknown(err) {
		t.Fatalf("err = %v, want a plain connection error: nothing was sent", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v, want it to wrap ECONNREFUSED", err)
	}
	if d := dials.Load(); d != 3 {
		t.Errorf("%d dials, want 3 (1 + MaxRetries)", d)
	}
	if !strings.Contains(err.Error(), "(gave up after 3 attempts over ") {
		t.Errorf("err = %v, want it to say how many attempts were made", err)
	}
}

func TestCertificateErrorNotRetried(t *testing.T) {
	var handled atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { handled.Add(1) }))
	// The server's own log of the failed handshake is expected noise.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	var dials atomic.Int32
	d := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return d.DialContext(ctx, network, addr)
		},
	}}
	c := newTestClient(t, srv.URL+"/api", func(c *Config) { c.HTTPClient = hc })
	if _, err := c.GetKey(context.Background(), "k1"); err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}
	if d := dials.Load(); d != 1 {
		t.Errorf("%d dials, want 1: a certificate error cannot heal", d)
	}
	if handled.Load() != 0 {
		t.Error("request reached the handler")
	}
}

func TestRequestTimeoutIsPerAttempt(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			<-r.Context().Done()
			return
		}
		replyJSON(w, 200, golden(t, "key_get_response.json"))
	})
	c := newTestClient(t, f.URL+"/api", func(c *Config) { c.RequestTimeout = 300 * time.Millisecond })
	if _, err := c.GetKey(context.Background(), "k1"); err != nil {
		t.Fatalf("err = %v, want success on the second attempt", err)
	}
	if n := f.count(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestMaxRetries(t *testing.T) {
	for _, tc := range []struct {
		maxRetries, attempts int
	}{{0, 1}, {1, 2}, {3, 4}, {DefaultMaxRetries, 1 + DefaultMaxRetries}} {
		t.Run(fmt.Sprint(tc.maxRetries), func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				replyStatus(http.StatusServiceUnavailable, "")(t, w)
			})
			c := newTestClient(t, f.URL+"/api", func(c *Config) { c.MaxRetries = tc.maxRetries })
			_, err := c.GetKey(context.Background(), "k1")
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || apiErr.Title != "Service Unavailable" {
				t.Fatalf("err = %v, want the last 503 decoded", err)
			}
			if n := f.count(); n != tc.attempts {
				t.Errorf("%d attempts, want %d", n, tc.attempts)
			}
			// The message says how hard the client tried.
			var gaveUp *GaveUpError
			if !errors.As(err, &gaveUp) || gaveUp.Attempts != tc.attempts || gaveUp.Elapsed <= 0 {
				t.Fatalf("err = %#v, want a GaveUpError of %d attempts", err, tc.attempts)
			}
			if want := fmt.Sprintf("(gave up after %d attempt", tc.attempts); !strings.Contains(err.Error(), want) {
				t.Errorf("Error() = %q, want it to contain %q", err, want)
			}
		})
	}
}

// TestGaveUpOnlyWhenRetriesRanOut: an answer the rules do not retry is the
// call's result as it is, even after earlier retries.
func TestGaveUpOnlyWhenRetriesRanOut(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			replyStatus(http.StatusServiceUnavailable, "")(t, w)
			return
		}
		replyProblem(w, http.StatusNotFound, golden(t, "problem_404.json"))
	})
	_, err := newTestClient(t, f.URL+"/api").GetKey(context.Background(), "k1")
	var gaveUp *GaveUpError
	if !IsNotFound(err) || errors.As(err, &gaveUp) || strings.Contains(err.Error(), "gave up") {
		t.Fatalf("err = %v, want a plain 404", err)
	}
}

func TestUnknownHostNotRetried(t *testing.T) {
	var dials atomic.Int32
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			dials.Add(1)
			return nil, &net.DNSError{Err: "no such host", Name: "domain-trust.example.invalid", IsNotFound: true}
		},
	}}
	c := newTestClient(t, "https://domain-trust.example.invalid/api", func(c *Config) { c.HTTPClient = hc })
	_, err := c.GetKey(context.Background(), "k1")
	if err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Fatalf("err = %v, want the DNS error", err)
	}
	if d := dials.Load(); d != 1 {
		t.Errorf("%d dials, want 1: a name that does not exist will not appear in a minute", d)
	}
}

// TestRetryAfterCappedAtRetryWaitMax: an hour's Retry-After is waited for
// 5 ms. The call's deadline is far from both, so the test cannot pass or
// fail by the machine's speed.
func TestRetryAfterCappedAtRetryWaitMax(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			replyStatus(http.StatusTooManyRequests, "3600")(t, w)
			return
		}
		replyJSON(w, 200, golden(t, "user_response.json"))
	})
	c := newTestClient(t, f.URL+"/api", func(c *Config) { c.RetryWaitMax = 5 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.CurrentUser(ctx); err != nil {
		t.Fatalf("%v: Retry-After: 3600 was not capped at 5ms", err)
	}
	if n := f.count(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// TestRetryAfterHonoured: the retry waits the second asked for. The wait
// decided is read from the client's log; the server sees at least that
// much between the attempts (there is no upper bound on a busy machine).
func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel() // the only test that really waits a second
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 0 {
					replyStatus(http.StatusServiceUnavailable, "1")(t, w)
					return
				}
				replyJSON(w, http.StatusCreated, golden(t, "key_create_response.json"))
			})
			c := newTestClient(t, f.URL+"/api", func(c *Config) { c.RetryWaitMax = 3 * time.Second })
			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			var err error
			if method == http.MethodPost {
				_, err = c.CreateKey(ctx, CreateKeyInput{Description: "d", Environment: "testing", Expiry: time.Now().Add(time.Hour)})
			} else {
				_, err = c.GetKey(ctx, "k1")
			}
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want 2", len(reqs))
			}
			if waits := retryWaits(t, &logs); len(waits) != 1 || waits[0] != 1000 {
				t.Errorf("waits decided %v ms, want [1000]: the 1s Retry-After asked for", waits)
			}
			if gap := reqs[1].Arrived.Sub(reqs[0].Arrived); gap < 950*time.Millisecond {
				t.Errorf("retried after %v, want at least the 1s Retry-After asked for", gap)
			}
		})
	}
}

// retryWaits returns the waits (in ms) the client logged deciding on.
func retryWaits(t *testing.T, logs *bytes.Buffer) []float64 {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(logs)
	if err != nil {
		t.Fatal(err)
	}
	var waits []float64
	for _, e := range entries {
		if e["@message"] == "Domain Trust API retrying" {
			wait, _ := e["wait_ms"].(float64)
			waits = append(waits, wait)
		}
	}
	return waits
}

func TestRetryAfterReportedOnFinalError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyStatus(http.StatusTooManyRequests, "7")(t, w)
	})
	c := newTestClient(t, f.URL+"/api", func(c *Config) { c.MaxRetries = 1 })
	_, err := c.GetKey(context.Background(), "k1")
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || apiErr.RetryAfter != 7*time.Second {
		t.Fatalf("err = %#v, want a 429 with RetryAfter 7s", err)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, tc := range []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"soon", 0, false},
		{"-3", 0, false},
		{"0", 0, true},
		{"120", 120 * time.Second, true},
		{"99999999999999", 365 * 24 * time.Hour, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(time.Hour).Format(http.TimeFormat), time.Hour, true},
		{now.Add(time.Hour).Format(time.RFC850), time.Hour, true},
	} {
		h := http.Header{}
		if tc.value != "" {
			h.Set("Retry-After", tc.value)
		}
		got, ok := retryAfter(h, now)
		if ok != tc.ok || got != tc.want {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.value, got, ok, tc.want, tc.ok)
		}
	}
}

// newCallState is a call of a client whose clock is clk.
func newCallState(clk clock.Clock) *callState {
	return &callState{ctx: context.Background(), client: &Client{clock: clk}}
}

// TestRetryAfterDateCountsFromTheClientsClock: a Retry-After date is
// measured from the client's clock, not the wall clock.
func TestRetryAfterDateCountsFromTheClientsClock(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	st := newCallState(clock.NewMockAt(now))
	resp := &http.Response{StatusCode: http.StatusServiceUnavailable,
		Header: http.Header{"Retry-After": {now.Add(2 * time.Second).Format(http.TimeFormat)}}}
	if got := st.backoff(time.Millisecond, time.Hour, 0, resp); got != 2*time.Second {
		t.Errorf("Retry-After two seconds after the client's now -> %v, want 2s", got)
	}
	st.method = http.MethodPost
	if retry, _ := st.checkRetry(context.Background(), resp, nil); !retry || st.lastMayHaveActed {
		t.Error("a 503 with a Retry-After date is a refusal: retried, even a POST")
	}
}

// TestRetryRules is the table of the API contract's retry rules, attempt by
// attempt: whether a GET and a POST are sent again, and whether the server
// may have carried the attempt out (which makes a failed POST's outcome
// unknown, and a DELETE's later 404 a success).
func TestRetryRules(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	answer := func(status int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h}
	}
	noSuchHost := &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}
	for _, tc := range []struct {
		name                string
		resp                *http.Response
		err                 error
		connected           bool
		retryGET, retryPOST bool
		mayHaveActed        bool
	}{
		{name: "200", resp: answer(200, ""), mayHaveActed: true},
		{name: "201", resp: answer(201, ""), mayHaveActed: true},
		{name: "400", resp: answer(400, "")},
		{name: "404", resp: answer(404, "")},
		{name: "422", resp: answer(422, "")},
		{name: "429", resp: answer(429, ""), retryGET: true, retryPOST: true},
		{name: "429 with Retry-After", resp: answer(429, "3"), retryGET: true, retryPOST: true},
		{name: "500", resp: answer(500, ""), mayHaveActed: true},
		{name: "502", resp: answer(502, ""), retryGET: true, mayHaveActed: true},
		{name: "503", resp: answer(503, ""), retryGET: true, mayHaveActed: true},
		{name: "503 with Retry-After seconds", resp: answer(503, "3"), retryGET: true, retryPOST: true},
		{name: "503 with Retry-After date", resp: answer(503, now.Add(time.Minute).Format(http.TimeFormat)), retryGET: true, retryPOST: true},
		{name: "503 with an unreadable Retry-After", resp: answer(503, "soon"), retryGET: true, mayHaveActed: true},
		{name: "504", resp: answer(504, ""), retryGET: true, mayHaveActed: true},
		{name: "transient error before a connection", err: io.ErrUnexpectedEOF, retryGET: true, retryPOST: true},
		{name: "transient error after a connection", err: io.ErrUnexpectedEOF, connected: true, retryGET: true, mayHaveActed: true},
		{name: "unknown host", err: noSuchHost},
		{name: "answer too large", err: errBodyTooLarge, connected: true, mayHaveActed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for method, wantRetry := range map[string]bool{http.MethodGet: tc.retryGET, http.MethodPost: tc.retryPOST} {
				st := newCallState(clock.NewMockAt(now))
				st.method = method
				st.connected.Store(tc.connected)
				retry, err := st.checkRetry(context.Background(), tc.resp, tc.err)
				if err != nil || retry != wantRetry || st.lastMayHaveActed != tc.mayHaveActed {
					t.Errorf("%s: retry %v, may have acted %v, err %v; want %v, %v, nil",
						method, retry, st.lastMayHaveActed, err, wantRetry, tc.mayHaveActed)
				}
			}
		})
	}
}

func TestBackoffExponentialWithJitter(t *testing.T) {
	st := newCallState(clock.System{})
	const waitMin, waitMax = 10 * time.Millisecond, time.Second
	for retry := range 70 {
		ceiling := waitMax
		if retry < 7 {
			ceiling = waitMin << retry
		}
		seen := map[time.Duration]bool{}
		for range 50 {
			wait := st.backoff(waitMin, waitMax, retry, nil)
			if wait < ceiling/2 || wait > ceiling {
				t.Fatalf("retry %d: wait %v outside [%v, %v]", retry, wait, ceiling/2, ceiling)
			}
			seen[wait] = true
		}
		if len(seen) < 2 {
			t.Errorf("retry %d: no jitter, always %v", retry, seen)
		}
	}
}

func TestBackoffUsesRetryAfter(t *testing.T) {
	st := newCallState(clock.System{})
	resp := func(v string) *http.Response {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {v}}}
	}
	if got := st.backoff(time.Millisecond, time.Minute, 0, resp("3")); got != 3*time.Second {
		t.Errorf("Retry-After 3 -> %v", got)
	}
	if got := st.backoff(time.Millisecond, 2*time.Second, 0, resp("3")); got != 2*time.Second {
		t.Errorf("Retry-After 3 with max 2s -> %v", got)
	}
	if got := st.backoff(time.Millisecond, time.Minute, 0, resp("0")); got != 0 {
		t.Errorf("Retry-After 0 -> %v", got)
	}
	if got := st.backoff(time.Second, time.Minute, 0, resp("later")); got < 500*time.Millisecond || got > time.Second {
		t.Errorf("unparsable Retry-After -> %v, want exponential backoff", got)
	}
}

func TestCancellationDuringBackoffReturnsPromptly(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter string
		waitMin    time.Duration
	}{
		{"Retry-After wait", "600", time.Millisecond},
		{"exponential wait", "", 10 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Cancelled once the first attempt has been answered, while the
			// client waits to retry: a timer started before the request
			// could fire before it is sent on a busy machine.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var answered sync.Once
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				replyStatus(http.StatusServiceUnavailable, tc.retryAfter)(t, w)
				answered.Do(func() { time.AfterFunc(50*time.Millisecond, cancel) })
			})
			c := newTestClient(t, f.URL+"/api", func(c *Config) {
				c.RetryWaitMin = tc.waitMin
				c.RetryWaitMax = time.Minute
			})
			start := time.Now()
			_, err := c.GetKey(ctx, "k1")
			// The wait is at least five minutes; a minute cannot flake.
			if elapsed := time.Since(start); elapsed > time.Minute {
				t.Errorf("returned after %v, want promptly after the 50ms cancel", elapsed)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			if n := f.count(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusNoContent) })
	c := newTestClient(t, f.URL+"/api")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CreateKey(ctx, CreateKeyInput{Environment: "testing"})
	if !errors.Is(err, context.Canceled) || IsOutcomeUnknown(err) {
		t.Errorf("err = %v, want context.Canceled and a known outcome", err)
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d requests sent with a cancelled context", n)
	}
}
