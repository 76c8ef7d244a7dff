// Package client is the provider's own client for the Domain Trust API. The
// official SDK is not available from the Go module proxy, so the provider
// speaks the API contract directly (JSON over HTTPS). The contract, with what
// is fact and what is assumed, is internal/emulator/CONTRACT.md.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// Defaults. DefaultConfig carries them; they live here and nowhere else, so
// the provider's documentation and behaviour cannot drift apart.
//
// The retry defaults are sized for an API that refuses or loses up to about
// 40% of attempts (the chaos test's profile): 12 retries make a call fail
// only when 13 attempts in a row fail. The backoff cap keeps a dead API's
// worst case bounded: waits grow 0.5 s, 1 s, 2 s, 4 s, 8 s and then stay at
// 10 s, about 86 s in all over 12 retries, plus 13 × RequestTimeout when the
// API accepts connections but never answers.
const (
	// DefaultEndpoint is the Domain Trust API's public base URL.
	DefaultEndpoint       = "https://domain-trust.globalcyberalliance.org/api"
	DefaultUserAgent      = "terraform-provider-domaintrust/dev (+https://www.terraform.io)"
	DefaultMaxRetries     = 12
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 10 * time.Second

	// maxIdleConnsPerHost keeps a connection for each of Terraform's
	// parallel operations, up to -parallelism=32.
	maxIdleConnsPerHost = 32

	// maxBodyBytes bounds what is read of any answer, so a misbehaving server
	// or proxy cannot make the provider hold an unbounded body in memory.
	maxBodyBytes = 4 << 20
)

// Config configures a Client. Start from DefaultConfig: MaxRetries is taken
// as given (0 means a single attempt), while zero durations and an empty
// user agent select the defaults above.
type Config struct {
	// Endpoint is the base URL including /api, e.g. http://127.0.0.1:8580/api;
	// ParseEndpoint says what is accepted.
	Endpoint string
	APIKey   string
	// UserAgent is the full User-Agent header value.
	UserAgent string
	// MaxRetries counts retries after the first attempt; it must not be
	// negative.
	MaxRetries int
	// RequestTimeout bounds each attempt, not the whole call.
	RequestTimeout time.Duration
	RetryWaitMin   time.Duration
	// RetryWaitMax caps every wait, including one asked for by Retry-After.
	RetryWaitMax time.Duration
	// HTTPClient supplies the transport; its Timeout is replaced by
	// RequestTimeout and redirects are not followed.
	HTTPClient *http.Client
	// Clock is the client's time: ServerTimeOffset measures the server's
	// Date against it (so that the offset is right for the caller's clock),
	// a Retry-After date is counted from it, and so are the durations the
	// client reports. nil = the wall clock. The waits between attempts are
	// real timers.
	Clock clock.Clock
}

// DefaultConfig returns a Config with every default filled in; the caller
// sets APIKey.
func DefaultConfig() Config {
	return Config{
		Endpoint:       DefaultEndpoint,
		UserAgent:      DefaultUserAgent,
		MaxRetries:     DefaultMaxRetries,
		RequestTimeout: DefaultRequestTimeout,
		RetryWaitMin:   DefaultRetryWaitMin,
		RetryWaitMax:   DefaultRetryWaitMax,
	}
}

// WorstCaseCallTime is the longest one call can take before it gives up when
// every attempt fails: every attempt runs into the request timeout, and every
// wait between attempts is the longest backoff allows (a Retry-After can ask
// for no more than the cap either).
func (c Config) WorstCaseCallTime() time.Duration {
	total := time.Duration(c.MaxRetries+1) * c.RequestTimeout
	ceiling := c.RetryWaitMin
	for range c.MaxRetries {
		total += min(ceiling, c.RetryWaitMax)
		ceiling *= 2
	}
	return total
}

// Client calls the Domain Trust API. It is safe for concurrent use.
type Client struct {
	endpoint   string
	apiKey     string
	userAgent  string
	maxRetries int
	waitMin    time.Duration
	waitMax    time.Duration
	http       *http.Client
	clock      clock.Clock

	clockMu     sync.Mutex
	clockOffset time.Duration
	clockKnown  bool
}

// New validates cfg and returns a Client. It sends no request.
func New(cfg Config) (*Client, error) {
	endpoint, err := ParseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("invalid endpoint: %w", err)
	}
	c := &Client{
		endpoint:   endpoint,
		apiKey:     cfg.APIKey,
		userAgent:  cfg.UserAgent,
		maxRetries: cfg.MaxRetries,
		waitMin:    cfg.RetryWaitMin,
		waitMax:    cfg.RetryWaitMax,
		clock:      cfg.Clock,
	}
	if c.clock == nil {
		c.clock = clock.System{}
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.maxRetries < 0 {
		return nil, fmt.Errorf("max retries must not be negative, got %d", c.maxRetries)
	}
	if c.waitMin <= 0 {
		c.waitMin = DefaultRetryWaitMin
	}
	if c.waitMax <= 0 {
		c.waitMax = DefaultRetryWaitMax
	}
	if c.waitMin > c.waitMax {
		c.waitMin = c.waitMax
	}

	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Terraform runs ten operations at once by default. Go keeps two idle
		// connections per host, so eight of every ten requests would open a
		// new connection, and against the real API a new TLS handshake.
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
		hc.Transport = t
	}
	hc.Timeout = cfg.RequestTimeout
	if hc.Timeout <= 0 {
		hc.Timeout = DefaultRequestTimeout
	}
	// A redirected POST silently turns into a GET, and the API never
	// redirects, so a redirect is reported as the error it is.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = &hc
	return c, nil
}

// ServerTimeOffset reports the server clock minus the client's Clock, taken
// from the Date header of the latest answer. Date has second resolution, so
// the offset is only accurate to about a second.
func (c *Client) ServerTimeOffset() (offset time.Duration, ok bool) {
	c.clockMu.Lock()
	defer c.clockMu.Unlock()
	return c.clockOffset, c.clockKnown
}

func (c *Client) observeDate(h http.Header, received time.Time) {
	date, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	// Truncating the local time as well keeps equal clocks at exactly zero
	// instead of a spurious fraction of a second.
	offset := date.Sub(received.Truncate(time.Second))
	c.clockMu.Lock()
	c.clockOffset, c.clockKnown = offset, true
	c.clockMu.Unlock()
}

// request describes one API call.
type request struct {
	method string
	path   string // below the endpoint, already escaped
	query  url.Values
	body   any // JSON-encoded when non-nil
}

// do performs r with retries and decodes a 2xx answer into out (when non-nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	// Nothing here logs a secret; the masks keep it so if that ever changes.
	for _, secret := range c.secrets() {
		ctx = MaskInLogs(ctx, secret)
	}
	st := &callState{client: c, ctx: ctx, method: r.method, path: r.path}
	req, err := c.newRequest(ctx, st, r)
	if err != nil {
		return err
	}
	rc := &retryablehttp.Client{
		HTTPClient:      c.http,
		RetryMax:        c.maxRetries,
		RetryWaitMin:    c.waitMin,
		RetryWaitMax:    c.waitMax,
		CheckRetry:      st.checkRetry,
		Backoff:         st.backoff,
		ErrorHandler:    st.giveUp,
		RequestLogHook:  st.beforeAttempt,
		ResponseLogHook: st.afterResponse,
	}
	resp, err := rc.Do(req) //nolint:bodyclose // readAnswer or giveUp has read and closed it
	err = c.outcome(ctx, st, r, resp, err, out)
	if err == nil {
		return nil
	}
	// A POST creates something: when its last attempt may have been carried
	// out, the caller must not take the failure for "nothing was created".
	if r.method == http.MethodPost && st.lastMayHaveActed {
		err = &OutcomeUnknownError{Method: r.method, Path: r.path, Cause: err}
	}
	if st.exhausted {
		return &GaveUpError{Attempts: st.attempt, Elapsed: c.clock.Now().Sub(st.firstSent), Err: err}
	}
	return err
}

// newRequest builds r's HTTP request on ctx, traced so that st knows whether
// a connection was made, with st reading the answer.
func (c *Client) newRequest(ctx context.Context, st *callState, r request) (*retryablehttp.Request, error) {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("%s %s: encoding request: %w", r.method, r.path, err)
		}
	}
	target := c.endpoint + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { st.connected.Store(true) },
	})
	var rawBody any
	if payload != nil {
		rawBody = payload
	}
	req, err := retryablehttp.NewRequestWithContext(traced, r.method, target, rawBody)
	if err != nil {
		// Not wrapped: the parse error quotes the URL, userinfo included.
		return nil, fmt.Errorf("%s %s: invalid request URL", r.method, r.path)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	req.SetResponseHandler(st.readAnswer)
	tflog.Trace(ctx, "Domain Trust API call", map[string]any{
		"method": r.method, "path": r.path, "request_bytes": len(payload),
	})
	return req, nil
}

// outcome turns the retry loop's result into the call's: nil with out
// decoded, or the error that describes what went wrong.
func (c *Client) outcome(ctx context.Context, st *callState, r request, resp *http.Response, err error, out any) error {
	if err != nil {
		return c.failure(r, err)
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if r.method == http.MethodDelete && resp.StatusCode == http.StatusNotFound && st.priorMayHaveActed {
			tflog.Debug(ctx, "Domain Trust API: 404 after an ambiguous DELETE attempt counts as deleted", map[string]any{"path": r.path})
			return nil
		}
		return c.apiError(r, resp, st.body)
	}
	if out == nil {
		return nil
	}
	err = json.NewDecoder(bytes.NewReader(st.body)).Decode(out)
	if a, ok := out.(answer); ok && err == nil {
		err = a.complete()
	}
	if err != nil {
		// encoding/json quotes malformed time values; scrubbing keeps an
		// echoed credential out even there.
		return fmt.Errorf("%s %s: decoding %d answer: %s", r.method, r.path, resp.StatusCode,
			scrubString(err.Error(), c.secrets()))
	}
	return nil
}

// failure turns an error from the retry loop (transport error, context
// cancellation, oversized answer) into the call's error.
func (c *Client) failure(r request, err error) error {
	// url.Error quotes the full URL, which may carry userinfo; only the cause
	// is kept and the call is named by method and path instead.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s %s: %w", r.method, r.path, err)
}

func (c *Client) apiError(r request, resp *http.Response, body []byte) *Error {
	e := decodeProblem(resp.StatusCode, resp.Header.Get("Content-Type"), body, c.secrets())
	e.Method, e.Path = r.method, r.path
	if d, ok := retryAfter(resp.Header, c.clock.Now()); ok {
		e.RetryAfter = d
	}
	return e
}

// secrets are what the client masks in its logs and scrubs from error
// text: the API key.
func (c *Client) secrets() []string { return []string{c.apiKey} }
