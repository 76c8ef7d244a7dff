package emulator

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// getUser is GET /user: the owner of the key the request authenticated with.
func (e *Emulator) getUser(req *apiRequest) response {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return answer(http.StatusOK, userEnvelope{User: e.st.users[req.caller.userID].wire()})
}

// login is POST /auth/login: email and password buy an auto-generated testing key
// that lives for a day. Unknown email and wrong password give the same 401.
func (e *Emulator) login(req *apiRequest) response {
	var errs errs
	var email, password string
	if in, found := req.body.child(fieldLogin, &errs); found {
		email, _ = in.requiredStr(fieldEmail, &errs)
		password, _ = in.requiredStr(fieldPassword, &errs)
	}
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	now := e.Now().Truncate(time.Second)
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.st.byEmail[strings.ToLower(strings.TrimSpace(email))]
	if u == nil || len(u.passwordHash) == 0 ||
		subtle.ConstantTimeCompare(hashPassword(u.passwordSalt, password), u.passwordHash) != 1 {
		return problemResponse(http.StatusUnauthorized, "invalid email or password")
	}
	return e.mintKey(http.StatusOK, u.id, envTesting, "login", now, now.Add(loginLifetime), true)
}
