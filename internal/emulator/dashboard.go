package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
)

// DashboardPath is where the dashboard lives on the emulator's listener, beside
// the API (/api) and the emulator's own routes (/_emulator/), so none can
// shadow another.
const DashboardPath = "/dashboard/"

// maxFormBytes bounds a dashboard form; the largest field is a 1024-character description.
const maxFormBytes = 64 << 10

// dashboard is the emulator's version of the Domain Trust Dashboard's API Keys
// page: sign in with a key, list, create, change and delete keys. Every change
// goes through the API's own handlers (createKey, updateKey, deleteKey, and
// listKeys and getKey for reading), so validation, visibility, production access
// and the event log are the API's, word for word. The dashboard is not an API
// client: its requests are not counted in Stats, and fault injection and latency
// do not apply to it.
type dashboard struct {
	e        *Emulator
	sessions *sessions
	mux      *http.ServeMux
}

func newDashboard(e *Emulator) *dashboard {
	d := &dashboard{e: e, sessions: newSessions(), mux: http.NewServeMux()}
	d.mux.HandleFunc("GET /dashboard/{$}", d.home)
	d.mux.HandleFunc("GET /dashboard/dashboard.css", serveDashboardCSS)
	d.mux.HandleFunc("POST /dashboard/sign-in", d.signIn)
	d.mux.HandleFunc("POST /dashboard/sign-out", d.signOut)
	d.mux.HandleFunc("GET /dashboard/keys/new", d.signedIn(d.newKeyForm))
	d.mux.HandleFunc("POST /dashboard/keys/new", d.signedIn(d.createKey))
	d.mux.HandleFunc("GET /dashboard/keys/{id}/edit", d.signedIn(d.editForm))
	d.mux.HandleFunc("POST /dashboard/keys/{id}/edit", d.signedIn(d.edit))
	d.mux.HandleFunc("GET /dashboard/keys/{id}/delete", d.signedIn(d.deleteForm))
	d.mux.HandleFunc("POST /dashboard/keys/{id}/delete", d.signedIn(d.delete))
	d.mux.HandleFunc("/dashboard/", d.notFound)
	return d
}

func (d *dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			d.e.log.Error("dashboard handler panicked", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	h := w.Header()
	// Everything the page needs comes from this origin; it is never framed, and
	// no page (one may show a new key's secret) is stored by a cache.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	d.mux.ServeHTTP(w, r)
}

// signedInHandler is a page for a signed-in user: ss is the session and c the
// caller its key authenticates as, exactly as an API request with that key would.
type signedInHandler func(w http.ResponseWriter, r *http.Request, ss *dashSession, c caller)

// signedIn checks, in this order: a POST's form and CSRF token, then that the
// session's key still authenticates. A session whose key was deleted or has
// expired is signed out with a notice.
func (d *dashboard) signedIn(h signedInHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ss := d.sessions.get(r)
		if r.Method == http.MethodPost && !d.checkForm(w, r, ss, ss.formToken()) {
			return
		}
		if ss == nil || ss.secret == "" {
			http.Redirect(w, r, DashboardPath, http.StatusSeeOther)
			return
		}
		c, ok := d.e.authenticateSecret(ss.secret)
		if !ok {
			d.signOutExpired(ss)
			http.Redirect(w, r, DashboardPath, http.StatusSeeOther)
			return
		}
		h(w, r, ss, c)
	}
}

// checkForm parses a POST's form and checks that it carries the CSRF token
// want: the session's, or for the sign-in form the browser's sign-in token. A
// form without one, or with another token, is refused with 403.
func (d *dashboard) checkForm(w http.ResponseWriter, r *http.Request, ss *dashSession, want string) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		d.renderError(w, r, ss, http.StatusBadRequest, "The form could not be read. Reload the page and try again.")
		return false
	}
	if !validCSRF(r.PostForm.Get(csrfField), want) {
		d.renderError(w, r, nil, http.StatusForbidden,
			"This form was not sent by this dashboard's page, or the page is from an earlier session. Reload the page and try again.")
		return false
	}
	return true
}

// signOutExpired ends the signed-in part of a session whose key stopped authenticating.
func (d *dashboard) signOutExpired(ss *dashSession) {
	d.sessions.signOut(ss, &flash{notice: "You were signed out: the key this session signed in with no longer authenticates (it was deleted or has expired)."})
}

// takeFlash returns what the session's next page shows once, and forgets it.
// Only an answer with a body takes it: a HEAD answer would use it up unseen.
func (d *dashboard) takeFlash(r *http.Request, ss *dashSession) *flash {
	if ss == nil || r.Method == http.MethodHead {
		return nil
	}
	return d.sessions.takeFlash(ss)
}

// home is the key list for a signed-in session and the sign-in page otherwise.
func (d *dashboard) home(w http.ResponseWriter, r *http.Request) {
	ss := d.sessions.get(r)
	if ss != nil && ss.secret != "" {
		if c, ok := d.e.authenticateSecret(ss.secret); ok {
			d.keyList(w, r, ss, c)
			return
		}
		d.signOutExpired(ss)
	}
	d.signInPage(w, r, ss)
}

// signInPage is the sign-in form, with the notice of a session that was
// signed out: such a session has no other use, so it ends once the notice is
// shown. No visit to this page opens a session.
func (d *dashboard) signInPage(w http.ResponseWriter, r *http.Request, ss *dashSession) {
	p := d.page(r, nil, "Sign in")
	p.CSRF = signInToken(w, r)
	if f := d.takeFlash(r, ss); f != nil {
		p.Notice = f.notice
		d.sessions.end(w, r, ss)
	}
	d.render(w, http.StatusOK, "signin", p)
}

// signIn authenticates the form's key with the API's rule and starts a new session for it.
func (d *dashboard) signIn(w http.ResponseWriter, r *http.Request) {
	if !d.checkForm(w, r, nil, sentSignInToken(r)) {
		return
	}
	secret := strings.TrimSpace(r.PostForm.Get("api_key"))
	c, ok := d.e.authenticateSecret(secret)
	if !ok {
		p := d.page(r, nil, "Sign in")
		p.CSRF = sentSignInToken(r)
		// The same words for an unknown, deleted or expired key, as the API's 401.
		if secret == "" {
			p.fieldError("api_key", "Enter an API key.")
		} else {
			p.fieldError("api_key", "That API key was not accepted: it is not a key of this emulator, or it was deleted or has expired.")
		}
		d.render(w, http.StatusUnauthorized, "signin", p)
		return
	}
	d.e.log.Info("dashboard: signed in", "user", c.userID)
	if ss := d.sessions.get(r); ss != nil {
		d.sessions.end(w, r, ss)
	}
	// The sign-in token has served; a later sign-in page gives a new one.
	http.SetCookie(w, dashboardCookie(r, signInCookie, "", -1))
	d.sessions.start(w, r, secret, &flash{notice: "Signed in."})
	http.Redirect(w, r, DashboardPath, http.StatusSeeOther)
}

func (d *dashboard) signOut(w http.ResponseWriter, r *http.Request) {
	ss := d.sessions.get(r)
	if !d.checkForm(w, r, ss, ss.formToken()) {
		return
	}
	d.sessions.end(w, r, ss)
	d.sessions.start(w, r, "", &flash{notice: "Signed out."})
	http.Redirect(w, r, DashboardPath, http.StatusSeeOther)
}

func (d *dashboard) notFound(w http.ResponseWriter, r *http.Request) {
	d.renderError(w, r, d.sessions.get(r), http.StatusNotFound, "There is no such page in the dashboard.")
}

// render writes a page whole, or a plain 500 when its template fails.
func (d *dashboard) render(w http.ResponseWriter, status int, name string, p *pageData) {
	var buf bytes.Buffer
	if err := dashboardPages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		d.e.log.Error("dashboard template", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (d *dashboard) renderError(w http.ResponseWriter, r *http.Request, ss *dashSession, status int, msg string) {
	p := d.page(r, ss, http.StatusText(status))
	p.Message = msg
	d.render(w, status, "error", p)
}
