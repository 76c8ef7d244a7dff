package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// fakeUserAPI answers CurrentUser with err (nil: a user), counting calls.
type fakeUserAPI struct {
	keyAPI
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
			data := newProviderData(api, clock.NewMock(), "https://domain-trust.example/api", defaultKeyListPolicy)
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() {
					if got := data.provenNotFound(context.Background(), tc.err); got != tc.want {
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
	proof := newEndpointProof(api, "https://domain-trust.example/api")
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
// the endpoint, as diagnoseEndpoint sees it.
func temporary(err error) bool {
	return err != nil && diagnoseEndpoint("https://domain-trust.example/api", err).temporary
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
			data := newProviderData(api, clock.NewMock(), "https://domain-trust.example/api", defaultKeyListPolicy)
			if data.provenNotFound(context.Background(), notFound(client.BodyProblem)) {
				t.Fatal("a 404 counted as proven while GET /user failed")
			}
			api.err = nil
			for range 3 {
				if !data.provenNotFound(context.Background(), notFound(client.BodyProblem)) {
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
			proof := newEndpointProof(api, "https://domain-trust.example/api")
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
	proof := newEndpointProof(api, "https://domain-trust.example/api")
	waiting := make(chan struct{}, 1)
	proof.waiting = func() { waiting <- struct{}{} }

	first := make(chan *endpointProblem, 1)
	go func() { first <- proof.check(context.Background()) }()
	<-api.sent

	ctx, cancel := context.WithCancel(context.Background())
	var cancelled *endpointProblem
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
	if cancelled == nil || !strings.Contains(cancelled.detail, "interrupted") {
		t.Errorf("the cancelled check returned %+v, want it interrupted", cancelled)
	}
	if problem := <-first; problem != nil {
		t.Fatalf("first check: %+v", problem)
	}
	if problem := proof.check(context.Background()); problem != nil {
		t.Fatalf("after the proof: %+v", problem)
	}
}

// TestDiagnoseEndpoint: each way an endpoint can be wrong gets a message that
// names the endpoint and says what to fix.
func TestDiagnoseEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, endpoint string
		err            error
		attribute      string
		wants          []string
		unwanted       []string
	}{
		{"no /api", "http://127.0.0.1:8580", &client.Error{StatusCode: 404, Body: client.BodyProblem},
			"endpoint", []string{"http://127.0.0.1:8580", "answered 404 Not Found", "does not end in /api", client.DefaultEndpoint}, nil},
		{"HTML", "https://proxy.example/api", &client.Error{StatusCode: 404, Body: client.BodyHTML},
			"endpoint", []string{"https://proxy.example/api", "an HTML page", "web server or proxy"}, []string{"/api:"}},
		{"JSON", "https://proxy.example/api", &client.Error{StatusCode: 404, Body: client.BodyJSON},
			"endpoint", []string{"JSON but not a problem document"}, []string{"does not end in /api"}},
		{"404 problem at /api", "https://other.example/api", &client.Error{StatusCode: 404, Body: client.BodyProblem},
			"endpoint", []string{"always serves GET /user, so this is not the API's base URL"}, nil},
		{"rejected key", "https://domain-trust.example/api", &client.Error{StatusCode: 401, Body: client.BodyProblem},
			"api_key", []string{"at https://domain-trust.example/api answered 401 Unauthorized", envAPIKey}, nil},
		{"no answer", "https://domain-trust.example/api", &client.GaveUpError{Attempts: 13, Elapsed: time.Minute, Err: errors.New("GET /user: connection refused")},
			"endpoint", []string{"gave up after 13 attempts", "skip_credentials_validation = true"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			diags := diagnoseEndpoint(tc.endpoint, tc.err).diagnostics("Could not verify the Domain Trust credentials", "")
			if len(diags) != 1 {
				t.Fatalf("%d diagnostics, want 1", len(diags))
			}
			d := diags[0]
			for _, want := range tc.wants {
				if !strings.Contains(d.Summary()+" "+d.Detail(), want) {
					t.Errorf("%q / %q lacks %q", d.Summary(), d.Detail(), want)
				}
			}
			for _, bad := range tc.unwanted {
				if strings.Contains(d.Detail(), bad) {
					t.Errorf("%q holds %q", d.Detail(), bad)
				}
			}
			if wp, ok := d.(interface{ Path() path.Path }); !ok || !wp.Path().Equal(path.Root(tc.attribute)) {
				t.Errorf("diagnostic not at %s", tc.attribute)
			}
		})
	}
}

// notTheAPI are servers that answer 404 to a key that exists: the emulator
// reached without /api, a web server's HTML page, and JSON that is no
// problem document.
var notTheAPI = map[string]struct {
	serve func(env *testEnv) string // returns the endpoint to configure
	hint  string
}{
	"endpoint without /api": {
		serve: func(env *testEnv) string { return strings.TrimSuffix(env.endpoint, "/api") },
		hint:  "The endpoint does not end in /api",
	},
	"web server answering HTML": {
		serve: func(env *testEnv) string {
			return serveAll(env.t, http.StatusNotFound, "text/html", "<html><body><h1>404 Not Found</h1><hr>nginx</body></html>")
		},
		hint: "The answer was an HTML page",
	},
	"JSON that is no problem document": {
		serve: func(env *testEnv) string {
			return serveAll(env.t, http.StatusNotFound, "application/json", `{"error":"not found"}`)
		},
		hint: "The answer was JSON but not a problem document",
	},
}

// TestAccEndpointNotProvenKeepsEveryKey points a provider whose keys exist
// at servers that answer 404 to everything. Whether the provider checks the
// endpoint when it is configured or (skip_credentials_validation) only when a
// 404 arrives, every command fails with a message that names the endpoint,
// and state and server still hold every key.
func TestAccEndpointNotProvenKeepsEveryKey(t *testing.T) {
	t.Parallel()
	for name, bad := range notTheAPI {
		for _, skip := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, skip_credentials_validation=%t", name, skip), func(t *testing.T) {
				t.Parallel()
				env := newTestEnv(t, false)
				cli := newTFCLI(t, env)
				cli.write(twoKeysConfig(env, env.endpoint, false))
				cli.mustRun("apply", "-auto-approve")
				before := cli.stateKeys()
				expectStateMatchesEmulator(t, env, cli, 2, "after create")

				endpoint := bad.serve(env)
				cli.write(twoKeysConfig(env, endpoint, skip))
				commands := [][]string{
					{"plan"}, {"apply", "-auto-approve"}, {"destroy", "-auto-approve"}, {"plan", "-refresh-only"},
					// Without a refresh, destroy goes straight to DELETE.
					{"destroy", "-auto-approve", "-refresh=false"},
				}
				for _, args := range commands {
					out, err := cli.run(args...)
					if err == nil {
						t.Fatalf("terraform %v succeeded against %s:\n%s", args, endpoint, out)
					}
					expectOutput(t, out, "is not the Domain Trust API", endpoint, bad.hint)
					if strings.Contains(out, "Destroy complete") || strings.Contains(out, "0 destroyed") {
						t.Errorf("terraform %v claims a destroy:\n%s", args, out)
					}
					if after := cli.stateKeys(); fmt.Sprint(after) != fmt.Sprint(before) {
						t.Fatalf("terraform %v changed state:\nbefore %v\nafter  %v", args, len(before), len(after))
					}
					expectStateMatchesEmulator(t, env, cli, 2, fmt.Sprint("after ", args))
				}

				// Import reads the key first: a 404 from the wrong endpoint
				// must not read as "the key does not exist".
				extra, _, err := env.emu.IssueKey(env.boot.UserID, testingKey("extra", env.clock.Now().Add(30*day)))
				if err != nil {
					t.Fatal(err)
				}
				cli.write(twoKeysConfig(env, endpoint, skip) + fmt.Sprintf(`
resource "domaintrust_api_key" "extra" {
  environment = "testing"
  description = "extra"
  expiration  = %q
}
`, extra.Expiry.UTC().Format(time.RFC3339)))
				out, err := cli.run("import", "domaintrust_api_key.extra", extra.ID)
				if err == nil || strings.Contains(out, "non-existent") {
					t.Fatalf("import through %s: err %v\n%s", endpoint, err, out)
				}
				expectOutput(t, out, "is not the Domain Trust API")

				// Back on the right endpoint, destroy finds and deletes them all.
				cli.write(twoKeysConfig(env, env.endpoint, false))
				cli.mustRun("destroy", "-auto-approve")
				if err := env.emu.DeleteKeyOutOfBand(extra.ID); err != nil {
					t.Fatal(err)
				}
				expectStateMatchesEmulator(t, env, cli, 0, "after destroy")
			})
		}
	}
}

// TestAccDataSources_endpointNotProven: both data sources report a wrong
// endpoint as such, never as "key not found" or "user not found".
func TestAccDataSources_endpointNotProven(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	endpoint := strings.TrimSuffix(env.endpoint, "/api")
	provider := fmt.Sprintf(`
provider "domaintrust" {
  endpoint                    = %q
  api_key                     = %q
  skip_credentials_validation = true
}
`, endpoint, env.boot.APIKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:      provider + fmt.Sprintf(`data "domaintrust_api_key" "test" { id = %q }`, env.boot.KeyID),
				ExpectError: expectError("is not the Domain Trust API"),
			},
			{
				Config:      provider + fmt.Sprintf(`data "domaintrust_api_keys" "test" { user_id = %q }`, env.boot.UserID),
				ExpectError: expectError("The endpoint does not end in /api"),
			},
		},
	})
}

// TestAPIDiagnosticsForA404: a 404 from an endpoint that is not proven is
// explained as the endpoint problem; one from the proven API that is not its
// problem document is blamed on what sits in front; the API's own 404 is
// reported as such. Each says that state was left alone where it matters.
func TestAPIDiagnosticsForA404(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		api   *fakeUserAPI
		err   error
		wants []string
	}{
		{"endpoint not proven", &fakeUserAPI{err: notFound(client.BodyHTML)}, notFound(client.BodyProblem),
			[]string{"Could not read key k1: the endpoint is not the Domain Trust API", "state is left as it was"}},
		{"proven API, a proxy's page", &fakeUserAPI{}, notFound(client.BodyHTML),
			[]string{"Could not read key k1: the answer was not Domain Trust's", "came as an HTML page", "state is left as it was"}},
		{"proven API, its own 404", &fakeUserAPI{}, notFound(client.BodyProblem),
			[]string{"Could not read key k1 GET /keys/k1: 404 Not Found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := newProviderData(tc.api, clock.NewMock(), "https://domain-trust.example/api", defaultKeyListPolicy)
			diags := data.apiErrorDiagnostics(context.Background(), "read key k1", tc.err)
			if len(diags) != 1 || !diags.HasError() {
				t.Fatalf("diagnostics %v, want one error", diags)
			}
			text := strings.Join(strings.Fields(diags[0].Summary()+" "+diags[0].Detail()), " ")
			for _, want := range tc.wants {
				if !strings.Contains(text, want) {
					t.Errorf("%q lacks %q", text, want)
				}
			}
		})
	}
}
