package keys

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// fakeUserAPI answers CurrentUser with err (nil: a user), counting calls.
type fakeUserAPI struct {
	API
	err   error
	calls atomic.Int32
}

func (f *fakeUserAPI) CurrentUser(context.Context) (*client.User, error) {
	f.calls.Add(1)
	if f.err != nil {
		return nil, f.err
	}
	return &client.User{ID: "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11"}, nil
}

func notFound(body client.BodyKind) error {
	return &client.Error{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: "/keys/k1", Body: body}
}

// TestProvenNotFound: a 404 proves a key gone only when it is a problem
// document and the endpoint has answered GET /user with a user; a definite
// answer costs one request however many 404s ask for it.
func TestProvenNotFound(t *testing.T) {
	t.Parallel()
	proven := func() *fakeUserAPI { return &fakeUserAPI{} }
	refused := func() *fakeUserAPI { return &fakeUserAPI{err: notFound(client.BodyHTML)} }
	for _, tc := range []struct {
		name string
		api  func() *fakeUserAPI
		err  error
		want bool
	}{
		{"problem 404 from the proven API", proven, notFound(client.BodyProblem), true},
		{"HTML 404 from the proven API", proven, notFound(client.BodyHTML), false},
		{"JSON 404 from the proven API", proven, notFound(client.BodyJSON), false},
		{"empty 404 from the proven API", proven, notFound(client.BodyOther), false},
		{"problem 404 from an endpoint that is not the API", refused, notFound(client.BodyProblem), false},
		{"problem 404 when the key is rejected", func() *fakeUserAPI {
			return &fakeUserAPI{err: &client.Error{StatusCode: http.StatusUnauthorized, Body: client.BodyProblem}}
		}, notFound(client.BodyProblem), false},
		{"problem 404 when the endpoint does not answer", func() *fakeUserAPI {
			return &fakeUserAPI{err: errors.New("connection refused")}
		}, notFound(client.BodyProblem), false},
		{"a 500", proven, &client.Error{StatusCode: 500, Body: client.BodyProblem}, false},
		{"no API error at all", proven, errors.New("connection reset"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := tc.api()
			svc := New(api, clock.NewMock(), DefaultListPolicy)
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() {
					if got := svc.ProvenNotFound(context.Background(), tc.err); got != tc.want {
						t.Errorf("provenNotFound = %v, want %v", got, tc.want)
					}
				})
			}
			wg.Wait()
			if n := api.calls.Load(); n > 1 && !temporary(api.err) {
				t.Errorf("%d GET /user requests, want at most one per provider process", n)
			}
		})
	}
}

// TestEndpointProofInterruptedIsNotRemembered: a check cut short by the
// caller's context proves nothing either way; the next caller asks again.
func TestEndpointProofInterruptedIsNotRemembered(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	api := &fakeUserAPI{err: context.Canceled}
	proof := newEndpointProof(api)
	if proof.check(ctx) == nil {
		t.Fatal("an interrupted check proved the endpoint")
	}
	api.err = nil
	if problem := proof.check(context.Background()); problem != nil {
		t.Fatalf("second check: %+v", problem)
	}
	if n := api.calls.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// temporary reports whether a GET /user failure says nothing lasting about
// the endpoint, as ClassifyProof sees it.
func temporary(err error) bool {
	return err != nil && ClassifyProof(err).Temporary()
}

// TestEndpointProofRetriesTemporaryFailures: a GET /user that fails for a
// reason that may pass (a 5xx, a 429, no answer) is not remembered: the next
// 404 asks again, and once the endpoint is proven it is not asked again.
func TestEndpointProofRetriesTemporaryFailures(t *testing.T) {
	t.Parallel()
	for name, err := range map[string]error{
		"503":           &client.Error{StatusCode: http.StatusServiceUnavailable, Body: client.BodyProblem},
		"500":           &client.Error{StatusCode: http.StatusInternalServerError, Body: client.BodyHTML},
		"429":           &client.Error{StatusCode: http.StatusTooManyRequests, Body: client.BodyProblem},
		"network error": errors.New("GET /user: connection refused"),
		"retries spent": &client.GaveUpError{Attempts: 13, Elapsed: time.Minute, Err: &client.Error{StatusCode: 502}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			api := &fakeUserAPI{err: err}
			svc := New(api, clock.NewMock(), DefaultListPolicy)
			if svc.ProvenNotFound(context.Background(), notFound(client.BodyProblem)) {
				t.Fatal("a 404 counted as proven while GET /user failed")
			}
			api.err = nil
			for range 3 {
				if !svc.ProvenNotFound(context.Background(), notFound(client.BodyProblem)) {
					t.Fatal("a 404 after the API recovered still counts as unproven")
				}
			}
			if n := api.calls.Load(); n != 2 {
				t.Errorf("%d GET /user requests, want 2 (the failed one, then the proof)", n)
			}
		})
	}
}

// TestEndpointProofRemembersDefiniteAnswers: an answer that says the
// endpoint or the key is wrong is remembered; asking again would not change
// it.
func TestEndpointProofRemembersDefiniteAnswers(t *testing.T) {
	t.Parallel()
	for name, err := range map[string]error{
		"401":              &client.Error{StatusCode: http.StatusUnauthorized, Body: client.BodyProblem},
		"HTML 404":         notFound(client.BodyHTML),
		"problem 404":      notFound(client.BodyProblem),
		"403 from a proxy": &client.Error{StatusCode: http.StatusForbidden, Body: client.BodyHTML},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			api := &fakeUserAPI{err: err}
			proof := newEndpointProof(api)
			first := proof.check(context.Background())
			api.err = nil
			if second := proof.check(context.Background()); first == nil || second != first {
				t.Fatalf("checks returned %+v, then %+v; want the same problem twice", first, second)
			}
			if n := api.calls.Load(); n != 1 {
				t.Errorf("%d GET /user requests, want 1", n)
			}
		})
	}
}

// blockingUserAPI holds GET /user until released.
type blockingUserAPI struct {
	sent    chan struct{} // closed when the first request is out
	release chan struct{}
	once    sync.Once
}

func (b *blockingUserAPI) CurrentUser(ctx context.Context) (*client.User, error) {
	b.once.Do(func() { close(b.sent) })
	select {
	case <-b.release:
		return &client.User{ID: "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11"}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestEndpointProofWaitReturnsWhenCancelled: a 404 that waits for another
// 404's GET /user returns as soon as its own context ends, unproven, and the
// request it waited for still proves the endpoint.
func TestEndpointProofWaitReturnsWhenCancelled(t *testing.T) {
	t.Parallel()
	api := &blockingUserAPI{sent: make(chan struct{}), release: make(chan struct{})}
	proof := newEndpointProof(api)
	waiting := make(chan struct{}, 1)
	proof.waiting = func() { waiting <- struct{}{} }

	first := make(chan *ProofFailure, 1)
	go func() { first <- proof.check(context.Background()) }()
	<-api.sent

	ctx, cancel := context.WithCancel(context.Background())
	var cancelled *ProofFailure
	secondDone := make(chan struct{})
	go func() { defer close(secondDone); cancelled = proof.check(ctx) }()
	select {
	case <-waiting:
	case <-time.After(hangBound):
		t.Fatal("the second check never waited for the first's request")
	}
	cancel()
	returned := returnsWhileHeld(secondDone)
	close(api.release)
	<-secondDone
	if !returned {
		t.Error("a check waiting for another's GET /user did not return after its cancellation until that request ended")
	}
	if cancelled == nil || cancelled.Kind != Interrupted || !errors.Is(cancelled.Err, context.Canceled) {
		t.Errorf("the cancelled check returned %+v, want it interrupted", cancelled)
	}
	if problem := <-first; problem != nil {
		t.Fatalf("first check: %+v", problem)
	}
	if problem := proof.check(context.Background()); problem != nil {
		t.Fatalf("after the proof: %+v", problem)
	}
}

// TestClassifyProof: each way GET /user can fail is classified as the
// provider words it, and only failures that may pass are temporary.
func TestClassifyProof(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want ProofFailureKind
	}{
		{"404 problem", &client.Error{StatusCode: 404, Body: client.BodyProblem}, NotTheAPI},
		{"HTML 404", &client.Error{StatusCode: 404, Body: client.BodyHTML}, NotTheAPI},
		{"JSON 404", &client.Error{StatusCode: 404, Body: client.BodyJSON}, NotTheAPI},
		{"403 from a proxy", &client.Error{StatusCode: http.StatusForbidden, Body: client.BodyHTML}, NotTheAPI},
		{"rejected key", &client.Error{StatusCode: 401, Body: client.BodyProblem}, KeyRejected},
		{"503", &client.Error{StatusCode: http.StatusServiceUnavailable, Body: client.BodyProblem}, Unavailable},
		{"429", &client.Error{StatusCode: http.StatusTooManyRequests, Body: client.BodyProblem}, Unavailable},
		{"no answer", &client.GaveUpError{Attempts: 13, Elapsed: time.Minute, Err: errors.New("GET /user: connection refused")}, Unavailable},
		{"retries spent", &client.GaveUpError{Attempts: 13, Elapsed: time.Minute, Err: &client.Error{StatusCode: 502}}, Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ClassifyProof(tc.err)
			if got.Kind != tc.want || !errors.Is(got.Err, tc.err) {
				t.Errorf("ClassifyProof = %+v, want kind %d with the error", got, tc.want)
			}
			if temporary := tc.want == Unavailable; got.Temporary() != temporary {
				t.Errorf("Temporary() = %v, want %v", got.Temporary(), temporary)
			}
		})
	}
}
