// The test environment: an in-process emulator and provider sharing one mock
// clock, fake servers for error paths, and test time.

package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulatortest"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// testEnv is one in-process emulator with its own organization, plus a
// provider wired to it. Provider and emulator read the same mock clock, so a
// test moves time for both at once.
type testEnv struct {
	t        *testing.T
	server   *emulatortest.Server
	emu      *emulator.Emulator
	clock    *clock.Mock
	boot     emulator.Bootstrap
	endpoint string
	// providerOpts are added to every provider instance's options.
	providerOpts []Option
}

type envOption func(*emulator.Options)

func newTestEnv(t *testing.T, productionAccess bool, opts ...envOption) *testEnv {
	t.Helper()
	o := emulatortest.Options{ProductionAccess: productionAccess}
	for _, opt := range opts {
		opt(&o.Emulator)
	}
	s := emulatortest.Start(t, o)
	return &testEnv{t: t, server: s, emu: s.Emulator, clock: s.Clock, boot: s.Boot, endpoint: s.Endpoint}
}

// wrap puts mw between the provider and the emulator from now on, for tests
// that watch, hold back or doctor the API's answers; call it before writing
// a configuration, which names the endpoint.
func (e *testEnv) wrap(mw func(http.Handler) http.Handler) {
	e.t.Helper()
	e.endpoint = e.server.Serve(mw)
}

// hook is wrap with before called for every request, before the emulator
// handles it, so a test can look at the emulator's state at that moment.
func (e *testEnv) hook(before func(*http.Request)) {
	e.t.Helper()
	e.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			before(r)
			next.ServeHTTP(w, r)
		})
	})
}

// countRequests counts the emulator's requests from now on; see
// emulatortest.Counter for why its readings can be trusted.
func (e *testEnv) countRequests() *emulatortest.Counter { return e.server.Count() }

// stats is the emulator's request statistics once every request that
// reached it has been handled (emulatortest.Server.Settle).
func (e *testEnv) stats() emulator.Stats {
	e.server.Settle()
	return e.emu.Stats()
}

// factories serves this provider in-process, with the test clock and retry
// waits short enough that injected faults do not slow tests down.
func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		// A new instance per call, as Terraform starts one provider process
		// per provider block (aliases included).
		"domaintrust": func() (tfprotov6.ProviderServer, error) {
			return ctxrelease.NewProtocol6WithError(e.provider()())()
		},
	}
}

func (e *testEnv) provider() func() provider.Provider {
	return New("test", append([]Option{
		WithClock(e.clock),
		WithClientConfig(fastRetries),
	}, e.providerOpts...)...)
}

// fastRetries shortens the waits between retries, so that tests which
// inject faults do not wait for them; what is retried stays the same.
func fastRetries(c *client.Config) {
	c.RetryWaitMin = time.Millisecond
	c.RetryWaitMax = 20 * time.Millisecond
}

// resourceTest is resource.Test of steps against this environment's
// provider, checking after the final destroy that no key is left.
func (e *testEnv) resourceTest(t *testing.T, steps []resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoKeysLeft,
		Steps:                    steps,
	})
}

// useEnvCredentials points the provider at this environment's emulator
// through DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY, as a CI job does.
// The in-process provider reads the test process's environment.
func (e *testEnv) useEnvCredentials(t *testing.T) {
	t.Helper()
	t.Setenv(envEndpoint, e.endpoint)
	t.Setenv(envAPIKey, e.boot.APIKey)
}

// issueKey seeds a key straight into the emulator, as the dashboard would,
// and returns it with its secret.
func (e *testEnv) issueKey(userID string, spec emulator.KeySpec) (emulator.Key, string) {
	e.t.Helper()
	k, secret, err := e.emu.IssueKey(userID, spec)
	if err != nil {
		e.t.Fatalf("issue key: %v", err)
	}
	return k, secret
}

// addUser seeds a user of org into the emulator and returns their id.
func (e *testEnv) addUser(orgID, email string, role emulator.Role) string {
	e.t.Helper()
	id, err := e.emu.AddUser(orgID, emulator.UserSpec{Email: email, FirstName: "Test", LastName: "User", Role: role})
	if err != nil {
		e.t.Fatalf("add user %s: %v", email, err)
	}
	return id
}

// testingKey is a testing key's specification for issueKey.
func testingKey(description string, expiry time.Time) emulator.KeySpec {
	return emulator.KeySpec{Environment: "testing", Description: description, Expiry: expiry}
}

// seedKeys issues n testing keys of userID and returns their ids, oldest first.
func seedKeys(env *testEnv, userID, prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		k, _ := env.issueKey(userID, testingKey(fmt.Sprintf("%s %d", prefix, i), env.clock.Now().Add(30*day)))
		ids[i] = k.ID
	}
	return ids
}

// providerData is what Configure hands out for this environment, built
// without Terraform, for tests that call a data source directly.
func (e *testEnv) providerData() *providerData {
	e.t.Helper()
	cfg := client.DefaultConfig()
	cfg.Endpoint, cfg.APIKey, cfg.Clock = e.endpoint, e.boot.APIKey, e.clock
	fastRetries(&cfg)
	c, err := client.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return newProviderData(c, e.clock, e.endpoint, keys.DefaultListPolicy)
}

// fakeAPI answers ListKeys, GetKey and CurrentUser from fixed data; other
// calls panic through the nil embedded interface, which its tests never make.
type fakeAPI struct {
	keys.API
	keys []client.Key
}

func (f *fakeAPI) ListKeys(context.Context, client.ListKeysInput) ([]client.Key, error) {
	return slices.Clone(f.keys), nil
}

func (f *fakeAPI) GetKey(_ context.Context, id string) (*client.Key, error) {
	for i := range f.keys {
		if strings.EqualFold(f.keys[i].ID, id) {
			k := f.keys[i]
			return &k, nil
		}
	}
	return nil, &client.Error{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: "/keys/" + id, Body: client.BodyProblem}
}

func (f *fakeAPI) CurrentUser(context.Context) (*client.User, error) {
	return &client.User{ID: "u1", Role: "admin"}, nil
}

// serveAll starts a server that answers every request the same way and
// returns its endpoint.
func serveAll(t *testing.T, status int, contentType, body string) string {
	t.Helper()
	return serveCounting(t, nil, status, contentType, body)
}

// serveCounting is serveAll that counts requests in n (when not nil).
func serveCounting(t *testing.T, n *atomic.Int32, status int, contentType, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n != nil {
			n.Add(1)
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api"
}

// ---- Time ----

const day = 24 * time.Hour

// future returns an RFC 3339 time d from the test clock's now, whole seconds.
func (e *testEnv) future(d time.Duration) string {
	return e.clock.Now().Add(d).UTC().Truncate(time.Second).Format(time.RFC3339)
}

// rfc3339 formats t the way the provider writes times to state.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
