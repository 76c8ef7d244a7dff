package emulator

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
)

const (
	sessionCookie = "domaintrust_dashboard"
	signInCookie  = "domaintrust_sign_in"
	csrfField     = "csrf_token"
	// maxSessions bounds the memory sessions take, the least recently used
	// going first. Only a sign-in with a valid key opens a session (a sign-out
	// turns one into another that carries its notice), so visits to the
	// sign-in page, however many, never push a signed-in session out.
	maxSessions = 512
)

// dashSession is one browser's dashboard session. It lives only in memory: a
// restarted emulator signs everyone out.
type dashSession struct {
	id   string // the cookie's value
	csrf string // the token every form of this session carries
	// secret is the key the browser signed in with, "" once signed out. Each
	// request authenticates it again with the API's rule, so a session ends as
	// soon as its key is deleted or expires. It never leaves the emulator.
	secret   string
	flash    *flash
	lastUsed uint64
}

// flash is what the next page shows once: a notice, and after a create the new
// key's secret, which is never shown again.
type flash struct {
	notice string
	newKey *newKeyView
}

type newKeyView struct {
	ID, Description, Environment, Secret string
}

// sessions holds the dashboard's sessions, safe for concurrent use. A session
// changes only under mu, through the methods below: a handler holds a copy,
// which it never writes back, so no request undoes what another has done.
type sessions struct {
	mu    sync.Mutex
	byID  map[string]*dashSession
	clock uint64 // a use counter, for least-recently-used eviction
}

func newSessions() *sessions { return &sessions{byID: map[string]*dashSession{}} }

func randomToken() string { return base64.RawURLEncoding.EncodeToString(randomBytes(32)) }

// get returns a copy of the session named by r's cookie, or nil.
func (s *sessions) get(r *http.Request) *dashSession {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.byID[c.Value]
	if ss == nil {
		return nil
	}
	s.clock++
	ss.lastUsed = s.clock
	cp := *ss
	return &cp
}

// start makes a new session with its first flash (a new id and a new CSRF
// token, so signing in never keeps an id or token an attacker could have
// planted) and sets its cookie.
func (s *sessions) start(w http.ResponseWriter, r *http.Request, secret string, f *flash) {
	ss := &dashSession{id: randomToken(), csrf: randomToken(), secret: secret, flash: f}
	s.mu.Lock()
	if len(s.byID) >= maxSessions {
		var oldest *dashSession
		for _, o := range s.byID {
			if oldest == nil || o.lastUsed < oldest.lastUsed {
				oldest = o
			}
		}
		delete(s.byID, oldest.id)
	}
	s.clock++
	ss.lastUsed = s.clock
	s.byID[ss.id] = ss
	s.mu.Unlock()
	http.SetCookie(w, dashboardCookie(r, sessionCookie, ss.id, 0))
}

// update changes the stored session, unless it has ended meanwhile.
func (s *sessions) update(ss *dashSession, change func(cur *dashSession)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.byID[ss.id]; cur != nil {
		change(cur)
	}
}

// takeFlash returns the session's flash and forgets it in one step, so that of
// requests racing for it only one gets it.
func (s *sessions) takeFlash(ss *dashSession) (f *flash) {
	s.update(ss, func(cur *dashSession) { f, cur.flash = cur.flash, nil })
	return f
}

func (s *sessions) setFlash(ss *dashSession, f *flash) {
	s.update(ss, func(cur *dashSession) { cur.flash = f })
}

// signOut forgets the session's key, in ss too; the session lives on to carry
// f to the sign-in page.
func (s *sessions) signOut(ss *dashSession, f *flash) {
	ss.secret = ""
	s.update(ss, func(cur *dashSession) { cur.secret, cur.flash = "", f })
}

// end forgets the session and clears its cookie.
func (s *sessions) end(w http.ResponseWriter, r *http.Request, ss *dashSession) {
	s.mu.Lock()
	delete(s.byID, ss.id)
	s.mu.Unlock()
	http.SetCookie(w, dashboardCookie(r, sessionCookie, "", -1))
}

// signInToken is the sign-in form's CSRF token. The sign-in page opens no
// session, so the token is bound to the browser by a cookie of its own
// instead: the form must send back the value of the browser's sign-in cookie,
// which no other site's page can read or set, and which SameSite=Strict keeps
// a form posted from another site from carrying at all. A browser that has no
// such cookie is given one.
func signInToken(w http.ResponseWriter, r *http.Request) string {
	if t := sentSignInToken(r); t != "" {
		return t
	}
	t := randomToken()
	http.SetCookie(w, dashboardCookie(r, signInCookie, t, 0))
	return t
}

// sentSignInToken is the value of r's sign-in cookie, or "".
func sentSignInToken(r *http.Request) string {
	c, err := r.Cookie(signInCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// dashboardCookie is the dashboard's cookies' one definition: HttpOnly, so
// page scripts cannot read them; SameSite=Strict, so no other site's page
// sends them; scoped to the dashboard, so API requests never carry them;
// Secure behind TLS.
func dashboardCookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	//nolint:gosec // Secure only behind TLS: the emulator serves plain http on loopback, where a Secure cookie may be dropped
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     DashboardPath,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	}
}

// formToken is the CSRF token the session's forms carry, "" for no session.
func (ss *dashSession) formToken() string {
	if ss == nil {
		return ""
	}
	return ss.csrf
}

// validCSRF reports whether a form's token is the one it must carry; no token
// is ever valid.
func validCSRF(sent, want string) bool {
	return want != "" && sent != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}
