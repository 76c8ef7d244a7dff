package emulator

import (
	"net/http"
	"strings"
)

// caller is the authenticated principal of a request, copied out of the store so
// that handlers can use it after the read lock is released.
type caller struct {
	userID, orgID string
	role          Role
}

// authenticate accepts "Authorization: Bearer <secret>" with a key that exists and
// has not expired. Anything else — no header, another scheme, an unknown, deleted
// or expired key — is the same 401, so the answer does not tell which it was.
func (e *Emulator) authenticate(r *http.Request) (caller, bool) {
	scheme, secret, found := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	secret = strings.TrimSpace(secret)
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return caller{}, false
	}
	return e.authenticateSecret(secret)
}

// authenticateSecret is the API's rule for a key's secret, wherever it came from
// (a bearer header, or the dashboard's sign-in form): the key exists and has not
// expired.
func (e *Emulator) authenticateSecret(secret string) (caller, bool) {
	if secret == "" {
		return caller{}, false
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	k := e.st.lookupSecret(secret)
	if k == nil || !e.Now().Before(k.expiry) {
		return caller{}, false
	}
	u := e.st.users[k.userID]
	return caller{userID: u.id, orgID: u.orgID, role: u.role}, true
}

// targetUser resolves the user a caller names in userID ("" = the caller). An admin
// may name any user of the same organization; anyone else may name only themselves
// (403). A user of another organization is as unknown as a missing one (404), so
// ids do not leak across organizations. Callers hold e.mu.
func (e *Emulator) targetUser(c caller, userID string) (*user, *response) {
	if userID == "" || userID == c.userID {
		return e.st.users[c.userID], nil
	}
	if c.role != RoleAdmin {
		r := problemResponse(http.StatusForbidden, "only an organization admin may act for another user")
		return nil, &r
	}
	u := e.st.users[userID]
	if u == nil || u.orgID != c.orgID {
		r := userNotFound()
		return nil, &r
	}
	return u, nil
}

// visibleKey returns a key the caller may see and manage: their own, or, for an
// admin, one of a user of their organization. Every other key is "not found",
// and so is an expired key under expired-hidden.
// Callers hold e.mu.
func (e *Emulator) visibleKey(c caller, id string) *apiKey {
	k := e.st.keys[id]
	if k == nil || e.hidesExpired(k) {
		return nil
	}
	if k.userID == c.userID {
		return k
	}
	if owner := e.st.users[k.userID]; c.role == RoleAdmin && owner != nil && owner.orgID == c.orgID {
		return k
	}
	return nil
}
