// Overlapping proofs: a check that waited for another's GET /user, which
// failed for a reason that may pass, makes one attempt of its own, so that
// whether a key is proven gone does not depend on whether its read
// overlapped another's. The overlap is forced with the proof's waiting hook
// and a GET /user held until released: no sleeps.

package provider

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
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

// overlap runs first, waits until its GET /user is out, runs second, waits
// until second waits for that request, and only then lets the request
// answer. It returns once both have returned.
func overlap(t *testing.T, held *heldUserAPI, waiting <-chan struct{}, first, second func()) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Go(first)
	select {
	case <-held.held:
	case <-time.After(hangBound):
		t.Fatal("the first check sent no GET /user")
	}
	wg.Go(second)
	select {
	case <-waiting:
	case <-time.After(hangBound):
		t.Fatal("the second check did not wait for the first's GET /user")
	}
	close(held.release)
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
		name          string
		answers       []error
		secondProven  bool
		secondSummary string // when not proven
		calls         int32
	}{
		{"a 503, then the API recovers", []error{errUnavailable, nil}, true, "", 2},
		{"a 503, then another", []error{errUnavailable, errUnavailable}, false, "the endpoint could not be verified", 2},
		{"a 503, then the key is rejected", []error{errUnavailable, unauthorized}, false, "the provider's API key was rejected", 2},
		{"the key rejected: a definite answer, shared", []error{unauthorized, nil}, false, "the provider's API key was rejected", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := newHeldUserAPI(tc.answers...)
			proof := newEndpointProof(api, "https://domain-trust.example/api")
			waiting := make(chan struct{}, 1)
			proof.waiting = signalWaiting(waiting)
			var first, second *endpointProblem
			overlap(t, api, waiting,
				func() { first = proof.check(context.Background()) },
				func() { second = proof.check(context.Background()) })

			if first == nil {
				t.Fatal("the check whose own GET /user failed proved the endpoint")
			}
			switch {
			case tc.secondProven && second != nil:
				t.Errorf("the check that waited: %q, want the endpoint proven by its own attempt", second.summary)
			case !tc.secondProven && (second == nil || second.summary != tc.secondSummary):
				t.Errorf("the check that waited: %+v, want %q", second, tc.secondSummary)
			}
			if n := api.calls.Load(); n != tc.calls {
				t.Errorf("%d GET /user requests, want %d", n, tc.calls)
			}
		})
	}
}

// TestEndpointProof_overlappingReadsAfterAFailedProof is the refresh of two
// keys deleted outside Terraform, with max_retries = 0 and
// skip_credentials_validation, whose first GET /user is answered 503 while
// the other read waits for it. The read that sent it keeps its key in state
// and says why, with the proof's cause; the read that waited proves its key
// deleted, every time.
func TestEndpointProof_overlappingReadsAfterAFailedProof(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	ids := seedKeys(env, env.boot.UserID, "deleted outside Terraform", 2)
	for _, id := range ids {
		if err := env.emu.DeleteKeyOutOfBand(id); err != nil {
			t.Fatal(err)
		}
	}
	held := newHeldUserAPI()
	var userGets atomic.Int32
	env.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/user") || userGets.Add(1) > 1 {
				next.ServeHTTP(w, r)
				return
			}
			close(held.held)
			<-held.release
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
	data := newProviderData(c, env.clock, env.endpoint, keyListPolicy{}) // GET /keys/{id} for each read
	waiting := make(chan struct{}, 1)
	data.proof.waiting = signalWaiting(waiting)
	res := &apiKeyResource{data: data}

	var first, second *resource.ReadResponse
	overlap(t, held, waiting,
		func() { first = readKey(t, res, ids[0], env.boot.UserID) },
		func() { second = readKey(t, res, ids[1], env.boot.UserID) })

	if !first.Diagnostics.HasError() || first.State.Raw.IsNull() {
		t.Fatalf("the read whose GET /user failed: state removed %v, diagnostics %v; want an error and the key kept",
			first.State.Raw.IsNull(), first.Diagnostics)
	}
	d := first.Diagnostics.Errors()[0]
	expectOutput(t, d.Summary()+"\n"+d.Detail(),
		"Could not read Domain Trust API key "+ids[0]+": the endpoint could not be verified",
		"404 Not Found", "This 404 could not be proven", "a key in state stays there",
		"503 Service Unavailable", "down for maintenance")
	if second.Diagnostics.HasError() || !second.State.Raw.IsNull() {
		t.Fatalf("the read that waited: state removed %v, diagnostics %v; want its key proven deleted",
			second.State.Raw.IsNull(), second.Diagnostics)
	}
	if w := second.Diagnostics.Warnings(); len(w) != 1 || w[0].Summary() != "API key deleted outside Terraform" {
		t.Errorf("the read that waited warned %v, want \"API key deleted outside Terraform\"", w)
	}
	if n := userGets.Load(); n != 2 {
		t.Errorf("%d GET /user requests, want 2 (the failed one, and the waiting read's own)", n)
	}
}

// readKey calls the resource's Read for the key id of owner as state holds
// it after a create, and returns the response.
func readKey(t *testing.T, r *apiKeyResource, id, owner string) *resource.ReadResponse {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	state := tfsdk.State{Schema: sr.Schema, Raw: protocoltest.Object(t, typ, map[string]tftypes.Value{
		"id": protocoltest.String(id), "environment": protocoltest.String("testing"),
		"description": protocoltest.String("deleted outside Terraform"), "user_id": protocoltest.String(owner),
	})}
	resp := &resource.ReadResponse{State: state}
	r.Read(ctx, resource.ReadRequest{State: state}, resp)
	return resp
}

// TestAccAPIKey_unprovenNotFoundExplains is the plan: two keys
// deleted outside Terraform, max_retries = 0, skip_credentials_validation,
// and the plan's first GET /user answered 503. However the two reads
// overlap, one key is proven deleted (the other read's attempt of its own
// succeeds, or it comes after the failure), and the other fails with the
// proof's cause and the word that its key stays in state, never a bare
// "404 Not Found". The next plan proves both.
func TestAccAPIKey_unprovenNotFoundExplains(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	cli.write(twoKeysConfig(env, env.endpoint, false))
	cli.mustRun("apply", "-auto-approve")
	for _, k := range cli.stateKeys() {
		if err := env.emu.DeleteKeyOutOfBand(k.id); err != nil {
			t.Fatal(err)
		}
	}
	var userGets atomic.Int32
	env.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/user") && userGets.Add(1) == 1 {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, `{"title":"Service Unavailable","status":503}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	cli.write(strings.Replace(twoKeysConfig(env, env.endpoint, true),
		"skip_credentials_validation", "max_retries = 0\n  skip_credentials_validation", 1))
	before := cli.readFile("terraform.tfstate")

	out, code := cli.exitCode("plan", "-detailed-exitcode")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1 (one key's 404 unproven):\n%s", code, out)
	}
	expectOutput(t, out, "Warning: API key deleted outside Terraform", "the endpoint could not be verified",
		"This 404 could not be proven", "a key in state stays there", "503 Service Unavailable")
	if n := strings.Count(out, "Error: "); n != 1 {
		t.Errorf("%d errors, want 1:\n%s", n, out)
	}
	if n := strings.Count(out, "Warning: API key deleted outside Terraform"); n != 1 {
		t.Errorf("%d keys proven deleted, want 1:\n%s", n, out)
	}
	if cli.readFile("terraform.tfstate") != before {
		t.Error("the failed plan changed state")
	}

	// Both keys proven deleted: both are created again.
	out, code = cli.exitCode("plan", "-detailed-exitcode")
	if code != 2 {
		t.Fatalf("the next plan exited %d, want 2:\n%s", code, out)
	}
	expectOutput(t, out, "Warning: API key deleted outside Terraform", "Plan: 2 to add, 0 to change, 0 to destroy.")
}
