package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

var newKeySecret = regexp.MustCompile(`id="new-key-secret" class="secret">([^<]+)<`)

// TestDashboard_anonymousVisitsKeepASignedInSession: however many browsers
// open the sign-in page, a signed-in session stays signed in, and the secret
// of the key it has just created is still there for its next page.
func TestDashboard_anonymousVisitsKeepASignedInSession(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	expectStatus(t, c.post(DashboardPath+"keys/new", createForm("kept", envTesting, t0.Add(24*time.Hour))), http.StatusSeeOther)

	for range 2 * maxSessions {
		expectStatus(t, newDashClient(t, w.e).get(DashboardPath), http.StatusOK)
	}

	page := c.get(DashboardPath)
	expectStatus(t, page, http.StatusOK)
	if newKeySecret.FindStringSubmatch(page.Body.String()) == nil {
		t.Fatalf("after %d anonymous visits, the page after the create shows no secret (signed in: %v)",
			2*maxSessions, regexp.MustCompile(`id="signed-in-as"`).MatchString(page.Body.String()))
	}
}

// TestDashboard_signInNeedsItsPagesToken: the sign-in form is refused with
// 403 unless its token is the one the browser's own sign-in page gave it, in
// the cookie that came with that page; with it, the sign-in goes through.
func TestDashboard_signInNeedsItsPagesToken(t *testing.T) {
	w := newWorld(t)
	first, second := newDashClient(t, w.e), newDashClient(t, w.e)
	first.get(DashboardPath)
	second.get(DashboardPath)
	if first.csrf == "" || first.csrf == second.csrf {
		t.Fatalf("sign-in tokens %q and %q: want two different ones", first.csrf, second.csrf)
	}
	signIn := url.Values{"api_key": {w.adminAKey}}
	expectStatus(t, second.postRaw(DashboardPath+"sign-in", withField(signIn, csrfField, first.csrf)), http.StatusForbidden)
	noCookie := newDashClient(t, w.e)
	expectStatus(t, noCookie.postRaw(DashboardPath+"sign-in", withField(signIn, csrfField, first.csrf)), http.StatusForbidden)
	expectStatus(t, second.postRaw(DashboardPath+"sign-in", withField(signIn, csrfField, second.csrf)), http.StatusSeeOther)
	expectBody(t, second.get(DashboardPath), "ada@a.example")
}

// with2 returns a copy of form with name set to value.
func withField(form url.Values, name, value string) url.Values {
	out := url.Values{name: {value}}
	for k, v := range form {
		out[k] = v
	}
	return out
}

// gateClock is a clock whose next n readings wait for one another: n requests
// that read the time are all at that point before any of them goes on. The
// dashboard reads the time when it authenticates a session's key, after it has
// found the session and before it shows the page.
type gateClock struct {
	clock.Clock
	mu      sync.Mutex
	waiting int
	gate    chan struct{}
}

// hold makes the next n readings wait until all n have been made.
func (g *gateClock) hold(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.waiting, g.gate = n, make(chan struct{})
}

func (g *gateClock) Now() time.Time {
	g.mu.Lock()
	gate := g.gate
	if gate != nil {
		g.waiting--
		if g.waiting == 0 {
			close(gate)
			g.gate = nil
		}
	}
	g.mu.Unlock()
	if gate != nil {
		<-gate
	}
	return g.Clock.Now()
}

// TestDashboard_newKeySecretShownToOnePage: four pages of one session asked
// for at once right after a create, each of them past finding the session
// before any is shown: exactly one of them shows the new key's secret.
func TestDashboard_newKeySecretShownToOnePage(t *testing.T) {
	gc := &gateClock{Clock: clock.NewMockAt(t0)}
	w := seedWorld(t, newEmulator(t, Options{Seed: 1, Clock: gc}))
	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	expectStatus(t, c.post(DashboardPath+"keys/new", createForm("once", envTesting, t0.Add(24*time.Hour))), http.StatusSeeOther)

	const pages = 4
	bodies := make([]string, pages)
	gc.hold(pages)
	var wg sync.WaitGroup
	for i := range pages {
		r := httptest.NewRequest(http.MethodGet, DashboardPath, nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
		wg.Go(func() {
			rec := httptest.NewRecorder()
			w.e.ServeHTTP(rec, r)
			bodies[i] = rec.Body.String()
		})
	}
	wg.Wait()
	shown := 0
	for _, b := range bodies {
		if newKeySecret.MatchString(b) {
			shown++
		}
	}
	if shown != 1 {
		t.Errorf("the new key's secret was shown by %d of %d pages, want exactly 1", shown, pages)
	}
}

// TestDashboard_headLeavesTheNewKeySecret: a HEAD answer has no body to show
// the secret in, so the page after it still shows it.
func TestDashboard_headLeavesTheNewKeySecret(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	expectStatus(t, c.post(DashboardPath+"keys/new", createForm("after a HEAD", envTesting, t0.Add(24*time.Hour))), http.StatusSeeOther)
	expectStatus(t, c.serve(httptest.NewRequest(http.MethodHead, DashboardPath, nil)), http.StatusOK)
	page := c.get(DashboardPath)
	expectStatus(t, page, http.StatusOK)
	if newKeySecret.FindStringSubmatch(page.Body.String()) == nil {
		t.Error("after a HEAD, the page after the create shows no secret")
	}
}
