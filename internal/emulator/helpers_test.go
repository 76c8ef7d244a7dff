package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// t0 is where every test's clock starts; tests move it with advance.
var t0 = time.Date(2026, 11, 27, 5, 10, 0, 0, time.UTC)

// world is an emulator seeded with two organizations: A (production access) with an
// admin and a member, and B (no production access) with an admin.
type world struct {
	t                        *testing.T
	e                        *Emulator
	orgA, orgB               string
	adminA, memberA, adminB  string // user ids
	adminAKey, memberAKey    string // secrets
	adminBKey                string
	adminAKeyID, memberKeyID string
}

func newEmulator(t *testing.T, opts Options) *Emulator {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = clock.NewMockAt(t0)
	}
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// testClock is the mock clock newEmulator gave e.
func testClock(e *Emulator) *clock.Mock {
	m, ok := e.clock.(*clock.Mock)
	if !ok {
		panic("emulator was not built by newEmulator")
	}
	return m
}

// advance moves the world's clock.
func (w *world) advance(d time.Duration) { testClock(w.e).Advance(d) }

func newWorld(t *testing.T) *world {
	t.Helper()
	return seedWorld(t, newEmulator(t, Options{Seed: 1}))
}

func seedWorld(t *testing.T, e *Emulator) *world {
	t.Helper()
	w := &world{t: t, e: e}
	w.orgA = must(e.AddOrganization("A", true))
	w.orgB = must(e.AddOrganization("B", false))
	w.adminA = must(e.AddUser(w.orgA, UserSpec{Email: "ada@a.example", FirstName: "Ada", LastName: "Admin", Password: "pw-ada", Role: RoleAdmin}))
	w.memberA = must(e.AddUser(w.orgA, UserSpec{Email: "max@a.example", FirstName: "Max", LastName: "Member", Role: RoleMember}))
	w.adminB = must(e.AddUser(w.orgB, UserSpec{Email: "bob@b.example", Role: RoleAdmin}))
	var k Key
	var err error
	k, w.adminAKey, err = e.IssueKey(w.adminA, KeySpec{Description: "admin A"})
	check(t, err)
	w.adminAKeyID = k.ID
	k, w.memberAKey, err = e.IssueKey(w.memberA, KeySpec{Description: "member A"})
	check(t, err)
	w.memberKeyID = k.ID
	_, w.adminBKey, err = e.IssueKey(w.adminB, KeySpec{Description: "admin B"})
	check(t, err)
	return w
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// req builds a request to the API; body is JSON-encoded unless it is already []byte or a string.
func req(method, path, secret string, body any) *http.Request {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		rd = bytes.NewReader(must(json.Marshal(b)))
	}
	r := httptest.NewRequest(method, "/api"+path, rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if secret != "" {
		r.Header.Set("Authorization", "Bearer "+secret)
	}
	return r
}

func (w *world) serve(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	w.e.ServeHTTP(rec, r)
	return rec
}

func (w *world) do(method, path, secret string, body any) *httptest.ResponseRecorder {
	return w.serve(req(method, path, secret, body))
}

// expect checks the status and decodes a JSON answer into a generic document.
func expect(t *testing.T, rec *httptest.ResponseRecorder, status int) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if rec.Body.Len() == 0 {
		return nil
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, rec.Body)
	}
	return doc
}

// expectProblem checks a problem answer and returns the locations its errors name.
func expectProblem(t *testing.T, rec *httptest.ResponseRecorder, status int) []string {
	t.Helper()
	doc := expect(t, rec, status)
	if ct := rec.Header().Get("Content-Type"); ct != mediaProblemJSON {
		t.Errorf("Content-Type %q, want %q", ct, mediaProblemJSON)
	}
	if doc["status"] != float64(status) || doc["title"] != http.StatusText(status) {
		t.Errorf("problem document %v does not match status %d", doc, status)
	}
	var locs []string
	errs, _ := doc["errors"].([]any)
	for _, fe := range errs {
		m := fe.(map[string]any)
		if m["message"] == "" {
			t.Errorf("field error without message: %v", m)
		}
		locs = append(locs, m["location"].(string))
	}
	return locs
}

func keyBody(fields map[string]any) map[string]any { return map[string]any{"key": fields} }

func validKey() map[string]any {
	return map[string]any{"description": "ci", "environment": "testing", "expiry": "2027-06-30T00:00:00Z"}
}

// with returns a copy of m with changes applied; a nil value deletes the field.
func with(m map[string]any, changes map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// createKey creates a key through the API and returns its id and secret.
func (w *world) createKey(secret string, fields map[string]any) (string, string) {
	w.t.Helper()
	doc := expect(w.t, w.do("POST", "/keys", secret, keyBody(fields)), http.StatusCreated)
	k := doc["key"].(map[string]any)
	return k["id"].(string), k["key"].(string)
}
