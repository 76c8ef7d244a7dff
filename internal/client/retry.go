package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// callState follows one call through retryablehttp's attempts. The hooks run
// on the calling goroutine, except the trace callback, hence the atomic.
type callState struct {
	client *Client
	ctx    context.Context
	method string
	path   string

	attempt   int
	firstSent time.Time   // when the first attempt was sent, on the client's clock
	started   time.Time   // when the latest attempt was sent, on the client's clock
	connected atomic.Bool // a connection was obtained, so the request may have reached the server

	// lastMayHaveActed says whether the server may have carried out the
	// latest attempt; priorMayHaveActed whether it may have carried out any
	// earlier one.
	lastMayHaveActed  bool
	priorMayHaveActed bool

	// retryWanted is the retry rules' verdict on the latest attempt; when the
	// loop stops while it is set, the retries ran out (exhausted).
	retryWanted bool
	exhausted   bool

	body []byte // the final answer's body
}

func (st *callState) beforeAttempt(_ retryablehttp.Logger, _ *http.Request, retry int) {
	st.priorMayHaveActed = st.priorMayHaveActed || st.lastMayHaveActed
	st.lastMayHaveActed = false
	st.connected.Store(false)
	st.body = nil
	st.attempt = retry + 1
	st.started = st.client.clock.Now()
	if retry == 0 {
		st.firstSent = st.started
	}
}

func (st *callState) afterResponse(_ retryablehttp.Logger, resp *http.Response) {
	st.client.observeDate(resp.Header, st.client.clock.Now())
	fields := map[string]any{
		"method":      st.method,
		"path":        st.path,
		"attempt":     st.attempt,
		"status":      resp.StatusCode,
		"duration_ms": st.sinceStarted().Milliseconds(),
	}
	// The body of an answer that will be retried is discarded unread.
	if st.body != nil {
		fields["response_bytes"] = len(st.body)
	}
	tflog.Debug(st.ctx, "Domain Trust API answer", fields)
}

// sinceStarted is how long the latest attempt has taken, on the client's
// clock.
func (st *callState) sinceStarted() time.Duration { return st.client.clock.Now().Sub(st.started) }

// checkRetry implements the retry rules of the API contract. It never
// returns an error: the caller classifies the final outcome itself.
//
// GET, PATCH and DELETE are idempotent and retried on connection errors,
// 429, 502, 503 and 504. A POST creates something, so it is retried only
// when the server provably did not act on it (mayHaveActed): 429, 503 with
// Retry-After (both refusals), or a failure before any connection existed.
func (st *callState) checkRetry(_ context.Context, resp *http.Response, err error) (bool, error) {
	if err != nil {
		st.logFailedAttempt(err)
	}
	st.lastMayHaveActed = st.mayHaveActed(resp, err)
	st.retryWanted = retryable(resp, err) && (st.method != http.MethodPost || !st.lastMayHaveActed)
	return st.retryWanted, nil
}

func (st *callState) logFailedAttempt(err error) {
	tflog.Debug(st.ctx, "Domain Trust API attempt failed", map[string]any{
		"method":      st.method,
		"path":        st.path,
		"attempt":     st.attempt,
		"duration_ms": st.sinceStarted().Milliseconds(),
		"error":       err.Error(),
	})
}

// retryable reports whether an idempotent request is worth sending again
// after this attempt: a transient transport error, a 429, or a gateway or
// server that is (for now) unavailable.
func retryable(resp *http.Response, err error) bool {
	if err != nil {
		return transient(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// mayHaveActed reports whether an attempt's outcome leaves open that the
// server carried out the request: the connection failed after the request
// could have been written, a success (it did act), or a server error other
// than an explicit "come back later" refusal. A 503 with Retry-After is that
// refusal; any other answer below 500 (a 429, a client error) says the
// request was not carried out.
func (st *callState) mayHaveActed(resp *http.Response, err error) bool {
	if err != nil {
		return st.connected.Load()
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return true
	case resp.StatusCode < 500:
		return false
	case resp.StatusCode == http.StatusServiceUnavailable:
		_, ok := retryAfter(resp.Header, st.client.clock.Now())
		return !ok
	}
	return true
}

// transient tells apart transport errors a retry cannot fix: certificates
// that do not verify, an answer too large to read, and a host name that does
// not exist (a typo in the endpoint, which twelve retries would only hide for
// a minute and a half).
func transient(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		invalidCert      x509.CertificateInvalidError
		hostname         x509.HostnameError
		verification     *tls.CertificateVerificationError
		dns              *net.DNSError
	)
	switch {
	case errors.As(err, &dns) && dns.IsNotFound,
		errors.Is(err, errBodyTooLarge),
		errors.As(err, &unknownAuthority),
		errors.As(err, &invalidCert),
		errors.As(err, &hostname),
		errors.As(err, &verification):
		return false
	}
	return true
}

// backoff waits what Retry-After asks for, else grows exponentially from
// waitMin with jitter so that many clients failing together spread out.
// Every wait is capped at waitMax.
func (st *callState) backoff(waitMin, waitMax time.Duration, retry int, resp *http.Response) time.Duration {
	var wait time.Duration
	if after, ok := retryAfterOf(resp, st.client.clock.Now()); ok {
		wait = min(after, waitMax)
	} else {
		ceiling := waitMin
		for i := 0; i < retry && ceiling < waitMax; i++ {
			ceiling *= 2
		}
		ceiling = min(ceiling, waitMax)
		wait = ceiling/2 + rand.N(ceiling/2+1) //nolint:gosec // jitter needs spread, not unpredictability
	}
	fields := map[string]any{"method": st.method, "path": st.path, "attempt": st.attempt, "wait_ms": wait.Milliseconds()}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	tflog.Debug(st.ctx, "Domain Trust API retrying", fields)
	return wait
}

// giveUp receives the last attempt when the retry loop stops without a
// success. An answer the loop would still have retried has an unread body.
func (st *callState) giveUp(resp *http.Response, err error, _ int) (*http.Response, error) {
	st.exhausted = st.retryWanted
	if err != nil {
		return nil, err
	}
	if err := st.readAnswer(resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// readAnswer reads the body of an answer the retry loop will not retry, so a
// connection lost while reading is handled by the same retry rules as one
// lost before the status line.
func (st *callState) readAnswer(resp *http.Response) error {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return err
	}
	if len(body) > maxBodyBytes {
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			return errBodyTooLarge
		}
		// An error answer is only ever shown clipped, so its tail is dropped.
		body = body[:maxBodyBytes]
	}
	st.body = body
	return nil
}

var errBodyTooLarge = fmt.Errorf("answer body exceeds %d bytes", maxBodyBytes)

func retryAfterOf(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	return retryAfter(resp.Header, now)
}

// retryAfter parses Retry-After as seconds or an HTTP date, which is
// measured from now (the client's clock); a date in the past means no wait.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Clamped only so the conversion cannot overflow; waitMax caps it later.
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}
