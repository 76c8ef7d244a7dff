package emulator

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
)

const (
	sessionCookie = "domaintrust_dashboard"
	csrfField     = "csrf_token"
	// maxSessions bounds the memory a stream of anonymous visits can take; the
	// least recently used session goes first.
	maxSessions = 512
)

// dashSession is one browser's dashboard session. It lives only in memory: a
// restarted emulator signs everyone out.
type dashSession struct {
	id   string // the cookie's value
	csrf string // the token every form of this session carries
	// secret is the key the browser signed in with, "" before sign-in. Each
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

// sessions holds the dashboard's sessions, safe for concurrent use.
type sessions struct {
	mu    sync.Mutex
	byID  map[string]*dashSession
	clock uint64 // a use counter, for least-recently-used eviction
}

func newSessions() *sessions { return &sessions{byID: map[string]*dashSession{}} }

func randomToken() string { return base64.RawURLEncoding.EncodeToString(randomBytes(32)) }

// get returns the session named by r's cookie, or nil. The session is a copy;
// save writes changes back.
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

// start makes a new session (a new id and a new CSRF token, so signing in never
// keeps an id or token an attacker could have planted) and sets its cookie.
func (s *sessions) start(w http.ResponseWriter, r *http.Request, secret string) *dashSession {
	ss := &dashSession{id: randomToken(), csrf: randomToken(), secret: secret}
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
	http.SetCookie(w, sessionCookieFor(r, ss.id, 0))
	cp := *ss
	return &cp
}

// save stores a changed session, unless it has ended meanwhile.
func (s *sessions) save(ss *dashSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.byID[ss.id]; cur != nil {
		cp := *ss
		cp.lastUsed = cur.lastUsed
		s.byID[ss.id] = &cp
	}
}

// end forgets the session and clears its cookie.
func (s *sessions) end(w http.ResponseWriter, r *http.Request, ss *dashSession) {
	s.mu.Lock()
	delete(s.byID, ss.id)
	s.mu.Unlock()
	http.SetCookie(w, sessionCookieFor(r, "", -1))
}

// sessionCookieFor is the cookie's one definition: HttpOnly, so page scripts
// cannot read it; SameSite=Strict, so no other site's page sends it; scoped to
// the dashboard, so API requests never carry it; Secure behind TLS.
func sessionCookieFor(r *http.Request, value string, maxAge int) *http.Cookie {
	//nolint:gosec // Secure only behind TLS: the emulator serves plain http on loopback, where a Secure cookie may be dropped
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    value,
		Path:     DashboardPath,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	}
}

// validCSRF reports whether a form's token is its session's.
func (ss *dashSession) validCSRF(token string) bool {
	return ss != nil && token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(ss.csrf)) == 1
}
