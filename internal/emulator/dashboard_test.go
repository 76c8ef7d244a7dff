package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// dashClient is a browser without a browser: it keeps the dashboard's cookies
// and the CSRF token of the last page, and serves requests in-process.
type dashClient struct {
	t           *testing.T
	e           *Emulator
	cookie      string // the session cookie's value, "" for none
	signInToken string // the sign-in cookie's value, "" for none
	csrf        string // the token of the last page that had a form
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

func newDashClient(t *testing.T, e *Emulator) *dashClient { return &dashClient{t: t, e: e} }

func (c *dashClient) serve(r *http.Request) *httptest.ResponseRecorder {
	c.t.Helper()
	jar := map[string]*string{sessionCookie: &c.cookie, signInCookie: &c.signInToken}
	for name, value := range jar {
		if *value != "" {
			r.AddCookie(&http.Cookie{Name: name, Value: *value})
		}
	}
	rec := httptest.NewRecorder()
	c.e.ServeHTTP(rec, r)
	for _, ck := range rec.Result().Cookies() {
		if value := jar[ck.Name]; value != nil {
			*value = ck.Value
			if ck.MaxAge < 0 {
				*value = ""
			}
		}
	}
	if m := csrfInput.FindStringSubmatch(rec.Body.String()); m != nil {
		c.csrf = m[1]
	}
	return rec
}

func (c *dashClient) get(path string) *httptest.ResponseRecorder {
	c.t.Helper()
	return c.serve(httptest.NewRequest(http.MethodGet, path, nil))
}

// postRaw sends form as it is, CSRF token or not.
func (c *dashClient) postRaw(path string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.serve(r)
}

// post sends form with the last page's CSRF token, as the page's form would.
func (c *dashClient) post(path string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set(csrfField, c.csrf)
	return c.postRaw(path, form)
}

// signIn opens the dashboard and signs in with secret, expecting success.
func (c *dashClient) signIn(secret string) {
	c.t.Helper()
	c.get(DashboardPath)
	rec := c.post(DashboardPath+"sign-in", url.Values{"api_key": {secret}})
	expectStatus(c.t, rec, http.StatusSeeOther)
	expectStatus(c.t, c.get(DashboardPath), http.StatusOK)
}

func expectStatus(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body:\n%s", rec.Code, status, rec.Body)
	}
}

func expectBody(t *testing.T, rec *httptest.ResponseRecorder, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("the page does not say %q:\n%s", want, rec.Body)
		}
	}
}

// expectNoSecret fails when the answer holds secret; it never prints the secret.
func expectNoSecret(t *testing.T, rec *httptest.ResponseRecorder, secret string) {
	t.Helper()
	if strings.Contains(rec.Body.String(), secret) {
		t.Errorf("the page shows a key's value (%d characters) where it must not", len(secret))
	}
	for _, vs := range rec.Header() {
		for _, v := range vs {
			if strings.Contains(v, secret) {
				t.Errorf("a header holds a key's value")
			}
		}
	}
}

func createForm(description, environment string, expiry time.Time) url.Values {
	return url.Values{"description": {description}, "environment": {environment}, "expiry": {expiry.UTC().Format(formTimeLayout)}}
}

func TestDashboard_sessionCookieAndHeaders(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	rec := c.get(DashboardPath)
	expectStatus(t, rec, http.StatusOK)
	checkCookie := func(rec *httptest.ResponseRecorder, name string) {
		t.Helper()
		var found bool
		for _, ck := range rec.Result().Cookies() {
			if ck.Name != name || ck.MaxAge < 0 {
				continue
			}
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != DashboardPath {
				t.Errorf("cookie %s HttpOnly=%v SameSite=%v Path=%q: want HttpOnly, SameSite=Strict, Path=%s", name, ck.HttpOnly, ck.SameSite, ck.Path, DashboardPath)
			}
		}
		if !found {
			t.Errorf("no cookie %s set", name)
		}
	}
	// The sign-in page opens no session: its form's token is bound by a cookie of its own.
	checkCookie(rec, signInCookie)
	if c.cookie != "" {
		t.Error("the sign-in page opened a session")
	}
	if c.csrf != c.signInToken {
		t.Error("the sign-in form does not carry the sign-in cookie's token")
	}
	for name, want := range map[string]string{
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Content-Type":           "text/html; charset=utf-8",
	} {
		if got := rec.Header().Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}

	rec = c.post(DashboardPath+"sign-in", url.Values{"api_key": {w.adminAKey}})
	expectStatus(t, rec, http.StatusSeeOther)
	checkCookie(rec, sessionCookie)
	if c.signInToken != "" {
		t.Error("signing in kept the sign-in token")
	}
	expectNoSecret(t, rec, w.adminAKey)

	// The stylesheet is the dashboard's own; nothing comes from elsewhere.
	css := c.get(DashboardPath + "dashboard.css")
	expectStatus(t, css, http.StatusOK)
	if ct := css.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("stylesheet Content-Type %q", ct)
	}
	for _, page := range []string{DashboardPath, DashboardPath + "keys/new", DashboardPath + "keys/" + w.adminAKeyID + "/edit"} {
		body := c.get(page).Body.String()
		if regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).MatchString(body) || strings.Contains(body, "<script") {
			t.Errorf("%s loads something from outside, or a script:\n%s", page, body)
		}
	}
}

// TestDashboard_everyFormCarriesCSRF reads each page's forms: every POST form
// carries the session's token.
func TestDashboard_everyFormCarriesCSRF(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	signInPage := c.get(DashboardPath).Body.String()
	c.signIn(w.adminAKey)
	pages := map[string]string{"sign-in": signInPage}
	for _, p := range []string{"", "keys/new", "keys/" + w.adminAKeyID + "/edit", "keys/" + w.adminAKeyID + "/delete"} {
		pages[p] = c.get(DashboardPath + p).Body.String()
	}
	pages["review"] = c.post(DashboardPath+"keys/"+w.adminAKeyID+"/edit", url.Values{"description": {"x"}, "expiry": {"2030-01-01T00:00"}}).Body.String()
	form := regexp.MustCompile(`(?s)<form\b[^>]*method="post"[^>]*>.*?</form>`)
	for name, body := range pages {
		forms := form.FindAllString(body, -1)
		if len(forms) == 0 {
			t.Errorf("page %q has no POST form", name)
		}
		for _, f := range forms {
			if !strings.Contains(f, `name="csrf_token" value="`+c.csrf+`"`) && name != "sign-in" {
				t.Errorf("page %q has a form without the session's CSRF token:\n%s", name, f)
			}
			if !csrfInput.MatchString(f) {
				t.Errorf("page %q has a form without a CSRF token:\n%s", name, f)
			}
		}
	}
}

// TestDashboard_refusesFormsWithoutItsToken sends every form without a token,
// with a wrong one and with another session's: each is refused with 403 and
// changes nothing.
func TestDashboard_refusesFormsWithoutItsToken(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	other := newDashClient(t, w.e)
	other.signIn(w.memberAKey)

	forms := map[string]url.Values{
		"sign-in":                           {"api_key": {w.adminAKey}},
		"sign-out":                          {},
		"keys/new":                          createForm("forged", envTesting, t0.Add(24*time.Hour)),
		"keys/" + w.memberKeyID + "/edit":   {"description": {"forged"}, "expiry": {t0.Add(48 * time.Hour).Format(formTimeLayout)}, "confirm": {"yes"}},
		"keys/" + w.memberKeyID + "/delete": {},
		"keys/" + w.adminAKeyID + "/delete": {},
		"keys/" + w.adminAKeyID + "/edit":   {"description": {"forged"}, "confirm": {"yes"}},
		"keys/no-such-key/delete":           {},
	}
	events := len(w.e.Events())
	for path, form := range forms {
		for name, token := range map[string]string{"none": "", "wrong": "not-the-token", "another session's": other.csrf} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if token != "" {
				f.Set(csrfField, token)
			}
			rec := c.postRaw(DashboardPath+path, f)
			if rec.Code != http.StatusForbidden {
				t.Errorf("POST %s with %s token: %d, want 403", path, name, rec.Code)
			}
		}
	}
	if got := len(w.e.Events()); got != events {
		t.Errorf("forms without the token changed keys: %d events, want %d", got, events)
	}
	if _, found := w.e.Key(w.memberKeyID); !found {
		t.Error("a forged delete deleted a key")
	}
	// The session survived: the forged sign-out did not end it.
	expectBody(t, c.get(DashboardPath), "ada@a.example")

	// A form with no session at all is refused the same way.
	anon := newDashClient(t, w.e)
	expectStatus(t, anon.postRaw(DashboardPath+"sign-in", url.Values{"api_key": {w.adminAKey}, csrfField: {c.csrf}}), http.StatusForbidden)
}

func TestDashboard_signIn(t *testing.T) {
	w := newWorld(t)
	expired, expiredSecret, err := w.e.IssueKey(w.memberA, KeySpec{Expiry: t0.Add(time.Hour)})
	check(t, err)
	_ = expired
	deletedID, deletedSecret := w.createKey(w.memberAKey, validKey())
	expect(t, w.do("DELETE", "/keys/"+deletedID, w.adminAKey, nil), http.StatusNoContent)
	w.advance(2 * time.Hour)

	c := newDashClient(t, w.e)
	c.get(DashboardPath)
	for name, secret := range map[string]string{
		"unknown": "dtk_unknown_0000000000000000000000000000000",
		"expired": expiredSecret,
		"deleted": deletedSecret,
		"spaces":  "   ",
	} {
		rec := c.post(DashboardPath+"sign-in", url.Values{"api_key": {secret}})
		expectStatus(t, rec, http.StatusUnauthorized)
		if name == "spaces" {
			expectBody(t, rec, "Enter an API key.")
		} else {
			expectBody(t, rec, "That API key was not accepted", `aria-invalid="true"`)
			expectNoSecret(t, rec, secret)
		}
		// The API says no to the same key.
		if strings.TrimSpace(secret) != "" {
			expectProblem(t, w.do("GET", "/user", secret, nil), http.StatusUnauthorized)
		}
	}
	rec := c.get(DashboardPath + "keys/new")
	expectStatus(t, rec, http.StatusSeeOther)

	c.signIn(" " + w.memberAKey + " ")
	rec = c.get(DashboardPath)
	expectBody(t, rec, "max@a.example", "member A")
	expectNoSecret(t, rec, w.memberAKey)

	// The session authenticates its key on every request, with the API's rule:
	// once the key is deleted, the session is signed out.
	check(t, w.e.DeleteKeyOutOfBand(w.memberKeyID))
	rec = c.get(DashboardPath)
	expectStatus(t, rec, http.StatusOK)
	expectBody(t, rec, "You were signed out", `id="api_key"`)
	expectStatus(t, c.get(DashboardPath+"keys/new"), http.StatusSeeOther)

	// Sign-out ends the session.
	c.signIn(w.adminAKey)
	expectStatus(t, c.post(DashboardPath+"sign-out", nil), http.StatusSeeOther)
	expectBody(t, c.get(DashboardPath), "Signed out.", `id="api_key"`)
}

// TestDashboard_newKeySecretShownOnce creates a key: the next page shows its
// secret, which authenticates with the API, and no page shows it again.
func TestDashboard_newKeySecretShownOnce(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	events := len(w.e.Events())
	rec := c.post(DashboardPath+"keys/new", createForm("from the dashboard", envTesting, t0.Add(30*24*time.Hour)))
	expectStatus(t, rec, http.StatusSeeOther)
	k := keyByDescription(t, w.e, "from the dashboard")
	if k.UserID != w.adminA || k.Environment != envTesting || !k.Expiry.Equal(t0.Add(30*24*time.Hour)) || k.AutoGenerated {
		t.Errorf("created %+v", k)
	}
	if ev := w.e.Events(); len(ev) != events+1 || ev[len(ev)-1].Kind != "key.created" {
		t.Errorf("events after the create: %+v", ev[events:])
	}

	page := c.get(DashboardPath)
	secret := regexp.MustCompile(`id="new-key-secret" class="secret">([^<]+)<`).FindStringSubmatch(page.Body.String())
	if secret == nil {
		t.Fatalf("the page after the create shows no secret:\n%s", page.Body)
	}
	expect(t, w.do("GET", "/user", secret[1], nil), http.StatusOK)
	expectBody(t, page, "This is the only time it is shown")
	for _, p := range []string{"", "keys/" + k.ID + "/edit", "keys/" + k.ID + "/delete", "keys/new"} {
		expectNoSecret(t, c.get(DashboardPath+p), secret[1])
	}
}

// TestDashboard_createShowsTheAPIsRules: the page's errors are the API's own
// answers, beside the field they name; nothing is created.
func TestDashboard_createShowsTheAPIsRules(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	c.signIn(w.adminBKey) // organization B has no production access
	before := len(w.e.Keys())

	apiDetail := expect(t, w.do("POST", "/keys", w.adminBKey, keyBody(with(validKey(), map[string]any{"environment": envProduction}))), http.StatusForbidden)["detail"].(string)
	rec := c.post(DashboardPath+"keys/new", createForm("prod", envProduction, t0.Add(24*time.Hour)))
	expectStatus(t, rec, http.StatusForbidden)
	expectBody(t, rec, apiDetail, `value="prod"`)

	rec = c.post(DashboardPath+"keys/new", createForm("past", envTesting, t0.Add(-time.Hour)))
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	expectBody(t, rec, `id="expiry-error">expiry must be in the future<`)

	rec = c.post(DashboardPath+"keys/new", createForm(strings.Repeat("d", 1025), envTesting, t0.Add(time.Hour)))
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	expectBody(t, rec, `id="description-error">description must be at most 1024 characters<`)

	rec = c.post(DashboardPath+"keys/new", createForm("env", "staging", t0.Add(time.Hour)))
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	expectBody(t, rec, `id="environment-error">environment must be &#34;testing&#34; or &#34;production&#34;<`)

	rec = c.post(DashboardPath+"keys/new", url.Values{"description": {"x"}, "environment": {envTesting}, "expiry": {"next week"}})
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	expectBody(t, rec, badFormTime)

	if got := len(w.e.Keys()); got != before {
		t.Errorf("%d keys after refused creates, want %d", got, before)
	}

	// With production access the same form creates the key.
	check(t, w.e.SetProductionAccess(w.orgB, true))
	expectStatus(t, c.post(DashboardPath+"keys/new", createForm("prod", envProduction, t0.Add(24*time.Hour))), http.StatusSeeOther)
	if k := keyByDescription(t, w.e, "prod"); k.Environment != envProduction {
		t.Errorf("created %+v", k)
	}
}

// TestDashboard_changeNeedsConfirmation: a change is shown for confirmation
// first, and only confirmed changes reach the key, through PATCH's rules.
func TestDashboard_changeNeedsConfirmation(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	path := DashboardPath + "keys/" + w.memberKeyID + "/edit"
	expectBody(t, c.get(path), `value="member A"`, "max@a.example")

	newExpiry := t0.Add(90 * 24 * time.Hour)
	form := url.Values{"description": {"member A"}, "expiry": {newExpiry.Format("2006-01-02T15:04")}}
	rec := c.post(path, form)
	expectStatus(t, rec, http.StatusOK)
	expectBody(t, rec, "Confirm the changes", formatTime(newExpiry), `name="confirm" value="yes"`)
	if strings.Contains(rec.Body.String(), "<th scope=\"row\">Description") {
		t.Error("the review lists the unchanged description")
	}
	if k, _ := w.e.Key(w.memberKeyID); k.Expiry.Equal(newExpiry) {
		t.Fatal("the expiry changed before confirmation")
	}
	form.Set("confirm", "yes")
	expectStatus(t, c.post(path, form), http.StatusSeeOther)
	doc := expect(t, w.do("GET", "/keys/"+w.memberKeyID, w.memberAKey, nil), http.StatusOK)["key"].(map[string]any)
	if doc["expiry"] != newExpiry.Format(time.RFC3339) || doc["description"] != "member A" {
		t.Errorf("the API answers %v", doc)
	}
	expectBody(t, c.get(DashboardPath), "updated")

	// An expired key can get a new description: an unchanged expiry is not sent.
	old, _, err := w.e.IssueKey(w.adminA, KeySpec{Description: "old", Expiry: t0.Add(-time.Hour)})
	check(t, err)
	opath := DashboardPath + "keys/" + old.ID + "/edit"
	expectBody(t, c.get(opath), "Expired")
	f := url.Values{"description": {"renamed"}, "expiry": {formatFormTime(old.Expiry)}, "confirm": {"yes"}}
	expectStatus(t, c.post(opath, f), http.StatusSeeOther)
	if k, _ := w.e.Key(old.ID); k.Description != "renamed" || !k.Expiry.Equal(old.Expiry) {
		t.Errorf("after renaming an expired key: %+v", k)
	}

	// A past expiry is the API's 422, shown beside the field.
	f = url.Values{"description": {"renamed"}, "expiry": {formatFormTime(t0.Add(-time.Minute))}, "confirm": {"yes"}}
	rec = c.post(opath, f)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	expectBody(t, rec, `id="expiry-error">expiry must be in the future<`)

	// Nothing changed: nothing to confirm.
	f = url.Values{"description": {"renamed"}, "expiry": {formatFormTime(old.Expiry)}}
	expectBody(t, c.post(opath, f), "Nothing to change")
}

func TestDashboard_deleteNeedsConfirmation(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	path := DashboardPath + "keys/" + w.memberKeyID + "/delete"
	expectBody(t, c.get(path), "Delete this API key?", "member A", `id="confirm-delete"`)
	if _, found := w.e.Key(w.memberKeyID); !found {
		t.Fatal("showing the confirmation deleted the key")
	}
	expectStatus(t, c.post(path, nil), http.StatusSeeOther)
	expectProblem(t, w.do("GET", "/keys/"+w.memberKeyID, w.adminAKey, nil), http.StatusNotFound)
	expectProblem(t, w.do("GET", "/user", w.memberAKey, nil), http.StatusUnauthorized)
	if ev := w.e.Events(); ev[len(ev)-1].Kind != "key.deleted" || ev[len(ev)-1].KeyID != w.memberKeyID {
		t.Errorf("last event %+v", ev[len(ev)-1])
	}
	expectBody(t, c.get(DashboardPath), "deleted.")
	expectStatus(t, c.get(path), http.StatusNotFound)

	// Deleting the session's own key signs the session out.
	own := DashboardPath + "keys/" + w.adminAKeyID + "/delete"
	expectBody(t, c.get(own), "This is the key this session signed in with")
	expectStatus(t, c.post(own, nil), http.StatusSeeOther)
	expectBody(t, c.get(DashboardPath), "you are signed out", `id="api_key"`)
}

// TestDashboard_visibilityIsTheAPIs: a member sees only their keys; an admin
// sees every user's of their organization, with an owner column; nobody sees
// another organization's keys.
func TestDashboard_visibilityIsTheAPIs(t *testing.T) {
	w := newWorld(t)
	member := newDashClient(t, w.e)
	member.signIn(w.memberAKey)
	rec := member.get(DashboardPath)
	expectBody(t, rec, "member A")
	if strings.Contains(rec.Body.String(), "admin A") || strings.Contains(rec.Body.String(), "Everyone") {
		t.Errorf("a member sees an admin's key or the owner filter:\n%s", rec.Body)
	}
	expectStatus(t, member.get(DashboardPath+"keys/"+w.adminAKeyID+"/edit"), http.StatusNotFound)
	expectBody(t, member.get(DashboardPath+"?owner="+w.adminA), "only an organization admin may act for another user")

	admin := newDashClient(t, w.e)
	admin.signIn(w.adminAKey)
	rec = admin.get(DashboardPath + "?owner=all")
	expectBody(t, rec, "admin A", "member A", `<td class="owner">max@a.example</td>`, `>Owner</th>`)
	if strings.Contains(rec.Body.String(), "admin B") {
		t.Error("an admin sees another organization's key")
	}
	rec = admin.get(DashboardPath)
	if strings.Contains(rec.Body.String(), "member A") || strings.Contains(rec.Body.String(), ">Owner</th>") {
		t.Error("an admin's own list shows another user's key or the owner column")
	}
	expectBody(t, admin.get(DashboardPath+"?owner="+w.memberA+"&env=testing"), "member A")
	if body := admin.get(DashboardPath + "?env=production").Body.String(); strings.Contains(body, "Testing keys") {
		t.Error("the production filter shows the testing group")
	}
}

// TestDashboard_besideTheAPI: the dashboard does not shadow the API, is not
// counted as API requests, and logs no secret.
func TestDashboard_besideTheAPI(t *testing.T) {
	var logs bytes.Buffer
	e := newEmulator(t, Options{Seed: 1, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	w := seedWorld(t, e)
	expectProblem(t, w.serve(httptest.NewRequest(http.MethodGet, "/api/dashboard/", nil)), http.StatusNotFound)
	rec := w.serve(httptest.NewRequest(http.MethodGet, "/dashboard", nil))
	if rec.Code/100 != 3 || rec.Header().Get("Location") != DashboardPath {
		t.Errorf("/dashboard: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	apiRequests := e.Stats().Total
	c := newDashClient(t, e)
	c.signIn(w.adminAKey)
	expectStatus(t, c.post(DashboardPath+"keys/new", createForm("logged?", envTesting, t0.Add(time.Hour))), http.StatusSeeOther)
	page := c.get(DashboardPath)
	secret := regexp.MustCompile(`id="new-key-secret" class="secret">([^<]+)<`).FindStringSubmatch(page.Body.String())
	if secret == nil {
		t.Fatal("no new key shown")
	}
	expectStatus(t, c.get(DashboardPath+"no-such-page"), http.StatusNotFound)
	if s := e.Stats(); s.Total != apiRequests {
		t.Errorf("dashboard pages counted as API requests: %+v", s)
	}
	for _, secret := range []string{w.adminAKey, secret[1], c.cookie, c.csrf} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds a secret (%d characters)", len(secret))
		}
	}
}

func TestDashboardHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                    "less than a minute",
		time.Minute:                         "1 minute",
		59 * time.Minute:                    "59 minutes",
		time.Hour:                           "1 hour",
		47 * time.Hour:                      "47 hours",
		48 * time.Hour:                      "2 days",
		729 * 24 * time.Hour:                "729 days",
		10 * 365 * 24 * time.Hour:           "10 years",
		2*365*24*time.Hour + 5*24*time.Hour: "2 years",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestDashboardParseFormTime(t *testing.T) {
	for in, want := range map[string]string{
		"2027-01-31T12:00":          "2027-01-31T12:00:00Z",
		"2027-01-31T12:00:05":       "2027-01-31T12:00:05Z",
		"2027-01-31T12:00:05Z":      "2027-01-31T12:00:05Z",
		" 2027-01-31T12:00 ":        "2027-01-31T12:00:00Z",
		"2027-01-31T12:00:00+02:00": "2027-01-31T10:00:00Z",
		"next week":                 "",
		"":                          "",
	} {
		got, ok := parseFormTime(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseFormTime(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestDashboard_formFieldsHaveLabels: every field a person fills in has a
// label, so a screen reader names it and a click on the label focuses it.
func TestDashboard_formFieldsHaveLabels(t *testing.T) {
	w := newWorld(t)
	c := newDashClient(t, w.e)
	pages := map[string]string{"sign-in": c.get(DashboardPath).Body.String()}
	pages["sign-in, refused"] = c.post(DashboardPath+"sign-in", url.Values{"api_key": {"dtk_wrong"}}).Body.String()
	c.signIn(w.adminAKey)
	for _, p := range []string{"keys/new", "keys/" + w.adminAKeyID + "/edit"} {
		pages[p] = c.get(DashboardPath + p).Body.String()
	}
	pages["keys/new, refused"] = c.post(DashboardPath+"keys/new", createForm("", "staging", t0.Add(-time.Hour))).Body.String()
	field := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	id := regexp.MustCompile(`\bid="([^"]+)"`)
	for name, body := range pages {
		fields := 0
		for _, f := range field.FindAllString(body, -1) {
			if strings.Contains(f, `type="hidden"`) {
				continue
			}
			fields++
			m := id.FindStringSubmatch(f)
			if m == nil || !strings.Contains(body, `<label for="`+m[1]+`">`) {
				t.Errorf("page %q: field without a label: %s", name, f)
			}
		}
		if fields == 0 {
			t.Errorf("page %q has no field", name)
		}
	}
}

// TestDashboard_changesArePersisted: with -state, what the page changes is in
// the state file, as an API request's change would be.
func TestDashboard_changesArePersisted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	w := seedWorld(t, newEmulator(t, Options{StatePath: path}))
	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	expectStatus(t, c.post(DashboardPath+"keys/new", createForm("persisted", envTesting, t0.Add(24*time.Hour))), http.StatusSeeOther)
	expectStatus(t, c.post(DashboardPath+"keys/"+w.memberKeyID+"/delete", nil), http.StatusSeeOther)
	edit := url.Values{"description": {"renamed"}, "expiry": {formatFormTime(t0.Add(48 * time.Hour))}, "confirm": {"yes"}}
	expectStatus(t, c.post(DashboardPath+"keys/"+w.adminAKeyID+"/edit", edit), http.StatusSeeOther)

	restarted := newEmulator(t, Options{StatePath: path})
	if after, before := restarted.Keys(), w.e.Keys(); !slices.Equal(after, before) {
		t.Fatalf("keys after restart:\n%+v\nwant\n%+v", after, before)
	}
	if k, _ := restarted.Key(w.adminAKeyID); k.Description != "renamed" {
		t.Errorf("the change is not in the state file: %+v", k)
	}
}
