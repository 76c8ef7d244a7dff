package keys

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulatortest"
)

const day = 24 * time.Hour

// testEnv is one in-process emulator with its own organization, and the
// endpoint a service under test reaches it at.
type testEnv struct {
	t        *testing.T
	server   *emulatortest.Server
	emu      *emulator.Emulator
	clock    *clock.Mock
	boot     emulator.Bootstrap
	endpoint string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	s := emulatortest.Start(t, emulatortest.Options{})
	return &testEnv{t: t, server: s, emu: s.Emulator, clock: s.Clock, boot: s.Boot, endpoint: s.Endpoint}
}

// wrap puts mw between the services built from now on and the emulator.
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

// countRequests counts the emulator's requests from now on.
func (e *testEnv) countRequests() *emulatortest.Counter { return e.server.Count() }

// addUser seeds a user of org into the emulator and returns their id.
func (e *testEnv) addUser(orgID, email string, role emulator.Role) string {
	e.t.Helper()
	id, err := e.emu.AddUser(orgID, emulator.UserSpec{Email: email, FirstName: "Test", LastName: "User", Role: role})
	if err != nil {
		e.t.Fatalf("add user %s: %v", email, err)
	}
	return id
}

// seedKeys issues n testing keys of userID and returns their ids, oldest first.
func seedKeys(env *testEnv, userID, prefix string, n int) []string {
	env.t.Helper()
	ids := make([]string, n)
	for i := range ids {
		spec := emulator.KeySpec{Environment: "testing", Description: fmt.Sprintf("%s %d", prefix, i), Expiry: env.clock.Now().Add(30 * day)}
		k, _, err := env.emu.IssueKey(userID, spec)
		if err != nil {
			env.t.Fatalf("issue key: %v", err)
		}
		ids[i] = k.ID
	}
	return ids
}

// listingService is the key service of one provider instance against env,
// with policy deciding when reads are served from a listing.
func listingService(t *testing.T, env *testEnv, policy ListPolicy) *Service {
	t.Helper()
	cfg := client.DefaultConfig()
	cfg.Endpoint, cfg.APIKey, cfg.Clock = env.endpoint, env.boot.APIKey, env.clock
	// Short waits between retries; what is retried stays the same.
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 20*time.Millisecond
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return New(c, env.clock, policy)
}
