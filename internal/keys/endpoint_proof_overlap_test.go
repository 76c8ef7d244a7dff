// Overlapping proofs: a check that waited for another's GET /user, which
// failed for a reason that may pass, makes one attempt of its own, so that
// whether a key is proven gone does not depend on whether its read
// overlapped another's. The overlap is forced with the proof's waiting hook
// and a GET /user held until released: no sleeps.

package keys

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// heldUserAPI answers GET /user with answers in turn (nil: a user; past the
// end, the last again), and holds the first request until release is closed.
type heldUserAPI struct {
	answers []error
	held    chan struct{} // closed when the first request is out
	release chan struct{}
	calls   atomic.Int32
}

func newHeldUserAPI(answers ...error) *heldUserAPI {
	return &heldUserAPI{answers: answers, held: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldUserAPI) CurrentUser(ctx context.Context) (*client.User, error) {
	n := int(h.calls.Add(1))
	if n == 1 {
		close(h.held)
		select {
		case <-h.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := h.answers[min(n, len(h.answers))-1]; err != nil {
		return nil, err
	}
	return &client.User{ID: "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11"}, nil
}

// signalWaiting is a proof's waiting hook that reports each wait on ch
// without ever blocking the check.
func signalWaiting(ch chan<- struct{}) func() {
	return func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// overlap runs first, waits until its GET /user is out (held), runs second,
// waits until second waits for that request, and only then lets the request
// answer (release). It returns once both have returned.
func overlap(t *testing.T, held, release chan struct{}, waiting <-chan struct{}, first, second func()) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Go(first)
	select {
	case <-held:
	case <-time.After(hangBound):
		t.Fatal("the first check sent no GET /user")
	}
	wg.Go(second)
	select {
	case <-waiting:
	case <-time.After(hangBound):
		t.Fatal("the second check did not wait for the first's GET /user")
	}
	close(release)
	wg.Wait()
}

var errUnavailable = &client.Error{StatusCode: http.StatusServiceUnavailable, Method: http.MethodGet, Path: "/user", Body: client.BodyProblem}

// TestEndpointProof_waiterOfAFailedAttemptMakesItsOwn: two checks overlap;
// the request they share fails. The one that sent it reports that failure;
// the one that waited makes exactly one attempt of its own and reports what
// that shows. A definite answer is shared as before.
func TestEndpointProof_waiterOfAFailedAttemptMakesItsOwn(t *testing.T) {
	t.Parallel()
	unauthorized := &client.Error{StatusCode: http.StatusUnauthorized, Body: client.BodyProblem}
	for _, tc := range []struct {
		name       string
		answers    []error
		second     ProofFailureKind // 0: proven
		sameFailed bool             // the second returns the first's failure
		calls      int32
	}{
		{"a 503, then the API recovers", []error{errUnavailable, nil}, 0, false, 2},
		{"a 503, then another", []error{errUnavailable, errUnavailable}, Unavailable, false, 2},
		{"a 503, then the key is rejected", []error{errUnavailable, unauthorized}, KeyRejected, false, 2},
		{"the key rejected: a definite answer, shared", []error{unauthorized, nil}, KeyRejected, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := newHeldUserAPI(tc.answers...)
			proof := newEndpointProof(api)
			waiting := make(chan struct{}, 1)
			proof.waiting = signalWaiting(waiting)
			var first, second *ProofFailure
			overlap(t, api.held, api.release, waiting,
				func() { first = proof.check(context.Background()) },
				func() { second = proof.check(context.Background()) })

			if first == nil {
				t.Fatal("the check whose own GET /user failed proved the endpoint")
			}
			switch {
			case tc.second == 0 && second != nil:
				t.Errorf("the check that waited: %+v, want the endpoint proven by its own attempt", second)
			case tc.second != 0 && (second == nil || second.Kind != tc.second):
				t.Errorf("the check that waited: %+v, want kind %d", second, tc.second)
			case second != nil && (second == first) != tc.sameFailed:
				t.Errorf("the check that waited returned the first's failure: %v, want %v", second == first, tc.sameFailed)
			}
			if n := api.calls.Load(); n != tc.calls {
				t.Errorf("%d GET /user requests, want %d", n, tc.calls)
			}
		})
	}
}

// TestEndpointProof_overlappingReadsAfterAFailedProof is the refresh of two
// keys deleted outside Terraform, with max_retries = 0 and no proof at
// Configure, whose first GET /user is answered 503 while the other read
// waits for it. The read that sent it keeps its key (its 404 unproven, for
// that 503); the read that waited proves its key deleted, every time.
func TestEndpointProof_overlappingReadsAfterAFailedProof(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "deleted outside Terraform", 2)
	for _, id := range ids {
		if err := env.emu.DeleteKeyOutOfBand(id); err != nil {
			t.Fatal(err)
		}
	}
	held, release := make(chan struct{}), make(chan struct{})
	var userGets atomic.Int32
	env.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/user") || userGets.Add(1) > 1 {
				next.ServeHTTP(w, r)
				return
			}
			close(held)
			<-release
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"title":"Service Unavailable","status":503,"detail":"down for maintenance"}`)
		})
	})
	cfg := client.DefaultConfig()
	cfg.Endpoint, cfg.APIKey, cfg.Clock = env.endpoint, env.boot.APIKey, env.clock
	cfg.MaxRetries = 0 // each request sent once: the proof's attempts are all there is
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := New(c, env.clock, ListPolicy{}) // GET /keys/{id} for each read
	waiting := make(chan struct{}, 1)
	svc.proof.waiting = signalWaiting(waiting)
	read := func(id string) Failure {
		_, err := svc.ReadManaged(context.Background(), id, env.boot.UserID)
		if err == nil {
			t.Errorf("key %s read, want a 404", id)
		}
		return svc.Judge(context.Background(), err)
	}

	var first, second Failure
	overlap(t, held, release, waiting, func() { first = read(ids[0]) }, func() { second = read(ids[1]) })

	if first.Gone() || first.NotFound == nil || first.Proof == nil || first.Proof.Kind != Unavailable ||
		!strings.Contains(first.Proof.Err.Error(), "down for maintenance") {
		t.Errorf("the read whose GET /user failed: %+v (proof %+v), want its 404 unproven for the 503", first, first.Proof)
	}
	if !second.Gone() {
		t.Errorf("the read that waited: %+v (proof %+v), want its key proven deleted", second, second.Proof)
	}
	if n := userGets.Load(); n != 2 {
		t.Errorf("%d GET /user requests, want 2 (the failed one, and the waiting read's own)", n)
	}
}
