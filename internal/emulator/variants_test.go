package emulator

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func newVariantWorld(t *testing.T, vs ...Variant) *world {
	t.Helper()
	return seedWorld(t, newEmulator(t, Options{Seed: 1, Variants: vs}))
}

func TestParseVariants(t *testing.T) {
	got, err := ParseVariants(" no-patch,expired-hidden,,no-patch ")
	if err != nil || !slices.Equal(got, []Variant{VariantNoPatch, VariantExpiredHidden}) {
		t.Errorf("ParseVariants = %v, %v", got, err)
	}
	if got, err := ParseVariants(""); err != nil || got != nil {
		t.Errorf(`ParseVariants("") = %v, %v; want none`, got, err)
	}
	_, err = ParseVariants("no-patch,expired")
	if err == nil || !strings.Contains(err.Error(), `unknown variant "expired"`) ||
		!strings.Contains(err.Error(), "expired-hidden, no-key-paging, admin-writes, no-patch, uuid-secrets") {
		t.Errorf("unknown variant: %v; want it named with the valid ones", err)
	}
	if _, err := ParseRole("owner"); err == nil || !strings.Contains(err.Error(), "admin, member and trial") {
		t.Errorf("unknown role: %v; want the valid ones listed", err)
	}
	if _, err := New(Options{Variants: []Variant{"paging"}}); err == nil {
		t.Error("New accepted an unknown variant")
	}
	if _, err := New(Options{BootstrapRole: "owner"}); err == nil {
		t.Error("New accepted an unknown bootstrap role")
	}
	e := newEmulator(t, Options{Variants: []Variant{VariantUUIDSecrets, VariantNoPatch}})
	if got := e.Variants(); !slices.Equal(got, []Variant{VariantNoPatch, VariantUUIDSecrets}) {
		t.Errorf("Variants() = %v, want them in AllVariants order", got)
	}
}

// TestDefaultReading: without variants the emulator is the contract's
// default reading on every open question.
func TestDefaultReading(t *testing.T) {
	w := newWorld(t)
	id, secret := w.createKey(w.memberAKey, with(validKey(), map[string]any{"expiry": t0.Add(time.Hour).Format(time.RFC3339)}))
	if !strings.HasPrefix(secret, secretPrefix) {
		t.Errorf("secret is not dtk_-shaped")
	}
	expect(t, w.do("PATCH", "/keys/"+id, w.memberAKey, keyBody(map[string]any{"description": "x"})), http.StatusOK)
	w.advance(2 * time.Hour)
	expect(t, w.do("GET", "/keys/"+id, w.memberAKey, nil), http.StatusOK)
	doc := expect(t, w.do("GET", "/keys?limit=1", w.memberAKey, nil), http.StatusOK)
	if _, has := doc["nextPageToken"]; !has {
		t.Error("a full page of a longer listing has no nextPageToken")
	}
	if ids := w.listAll(w.memberAKey, "", 1, nil); !slices.Contains(ids, id) {
		t.Error("the expired key is missing from the listing")
	}
}

func TestVariantExpiredHidden(t *testing.T) {
	w := newVariantWorld(t, VariantExpiredHidden)
	id, _ := w.createKey(w.memberAKey, with(validKey(), map[string]any{"expiry": t0.Add(time.Hour).Format(time.RFC3339)}))
	expect(t, w.do("GET", "/keys/"+id, w.memberAKey, nil), http.StatusOK)
	w.advance(time.Hour)
	expectProblem(t, w.do("GET", "/keys/"+id, w.memberAKey, nil), http.StatusNotFound)
	expectProblem(t, w.do("GET", "/keys/"+id, w.adminAKey, nil), http.StatusNotFound)
	expectProblem(t, w.do("PATCH", "/keys/"+id, w.memberAKey, keyBody(map[string]any{"description": "x"})), http.StatusNotFound)
	expectProblem(t, w.do("DELETE", "/keys/"+id, w.memberAKey, nil), http.StatusNotFound)
	if ids := w.listAll(w.memberAKey, "", 1, nil); slices.Contains(ids, id) || len(ids) != 1 {
		t.Errorf("listing %v: want the member's own key only, the expired one left out", ids)
	}
	if _, held := w.e.Key(id); !held {
		t.Error("the expired key is gone from the emulator: it is only hidden")
	}
}

func TestVariantNoKeyPaging(t *testing.T) {
	w := newVariantWorld(t, VariantNoKeyPaging)
	seedMany(t, w, w.memberA, 29)
	doc := expect(t, w.do("GET", "/keys?limit=10", w.memberAKey, nil), http.StatusOK)
	if _, has := doc["nextPageToken"]; has || len(pageIDs(doc)) != 10 {
		t.Errorf("limit=10: %d keys, nextPageToken %v; want 10 and no token", len(pageIDs(doc)), doc["nextPageToken"])
	}
	again := expect(t, w.do("GET", "/keys?limit=10&pageToken=bm90LWEtdG9rZW4", w.memberAKey, nil), http.StatusOK)
	if !slices.Equal(pageIDs(again), pageIDs(doc)) {
		t.Error("pageToken was not ignored: another page came back")
	}
	all := expect(t, w.do("GET", "/keys?limit=10000", w.memberAKey, nil), http.StatusOK)
	if n := len(pageIDs(all)); n != 30 {
		t.Errorf("limit=10000: %d keys, want all 30", n)
	}
	expectProblem(t, w.do("GET", "/keys?limit=10001", w.memberAKey, nil), http.StatusUnprocessableEntity)
}

func TestVariantAdminWrites(t *testing.T) {
	w := newVariantWorld(t, VariantAdminWrites)
	rec := w.do("POST", "/keys", w.memberAKey, keyBody(validKey()))
	expectProblem(t, rec, http.StatusForbidden)
	if !strings.Contains(rec.Body.String(), "admin") {
		t.Errorf("403 does not name the admin role: %s", rec.Body)
	}
	expectProblem(t, w.do("PATCH", "/keys/"+w.memberKeyID, w.memberAKey, keyBody(map[string]any{"description": "x"})), http.StatusForbidden)
	expectProblem(t, w.do("DELETE", "/keys/"+w.memberKeyID, w.memberAKey, nil), http.StatusForbidden)
	// Reads stay open to members; admins write as before, for members too.
	expect(t, w.do("GET", "/keys/"+w.memberKeyID, w.memberAKey, nil), http.StatusOK)
	expect(t, w.do("GET", "/keys", w.memberAKey, nil), http.StatusOK)
	id, _ := w.createKey(w.adminAKey, with(validKey(), map[string]any{"userID": w.memberA}))
	expect(t, w.do("PATCH", "/keys/"+id, w.adminAKey, keyBody(map[string]any{"description": "x"})), http.StatusOK)
	expect(t, w.do("DELETE", "/keys/"+id, w.adminAKey, nil), http.StatusNoContent)
}

func TestVariantNoPatch(t *testing.T) {
	w := newVariantWorld(t, VariantNoPatch)
	rec := w.do("PATCH", "/keys/"+w.memberKeyID, w.memberAKey, keyBody(map[string]any{"description": "x"}))
	expectProblem(t, rec, http.StatusMethodNotAllowed)
	if allow := rec.Header().Get("Allow"); allow != "GET, DELETE" {
		t.Errorf("Allow %q, want GET, DELETE", allow)
	}
	// Like a router without the route: refused before authentication.
	expectProblem(t, w.do("PATCH", "/keys/"+w.memberKeyID, "", keyBody(map[string]any{})), http.StatusMethodNotAllowed)
	if k, _ := w.e.Key(w.memberKeyID); k.Description != "member A" {
		t.Errorf("description %q: the refused update changed the key", k.Description)
	}
	if n := w.e.Stats().ByRoute[RouteUpdateKey]; n != 2 {
		t.Errorf("counted %d PATCH /keys/{id}, want 2", n)
	}
}

func TestVariantUUIDSecrets(t *testing.T) {
	w := newVariantWorld(t, VariantUUIDSecrets)
	id, secret := w.createKey(w.memberAKey, validKey())
	if _, err := uuid.Parse(secret); err != nil || secret == id {
		t.Fatalf("secret is not a UUID of its own (id %s)", id)
	}
	expect(t, w.do("GET", "/user", secret, nil), http.StatusOK)
	_, seeded, err := w.e.IssueKey(w.memberA, KeySpec{})
	check(t, err)
	boot, err := w.e.Bootstrap("", true)
	check(t, err)
	for _, s := range []string{seeded, boot.APIKey} {
		if uuid.Validate(s) != nil {
			t.Error("a seeded or bootstrap secret is not a UUID")
		}
	}
}

func TestBootstrapRole(t *testing.T) {
	e := newEmulator(t, Options{BootstrapRole: RoleMember, Variants: []Variant{VariantAdminWrites}})
	boot, err := e.Bootstrap("", true)
	check(t, err)
	w := &world{t: t, e: e}
	doc := expect(t, w.do("GET", "/user", boot.APIKey, nil), http.StatusOK)
	if role := doc["user"].(map[string]any)["role"]; role != "member" {
		t.Errorf("role %v, want member", role)
	}
	expectProblem(t, w.do("POST", "/keys", boot.APIKey, keyBody(validKey())), http.StatusForbidden)
}

// TestGoldenWireVariants: the variants' refusals are the golden problem
// documents the client is tested against.
func TestGoldenWireVariants(t *testing.T) {
	w := newVariantWorld(t, VariantAdminWrites, VariantNoPatch)
	problems := map[string]map[string]any{
		"problem_403_admin_writes.json": expect(t, w.do("POST", "/keys", w.memberAKey, golden(t, "key_create_request.json")), http.StatusForbidden),
		"problem_405_no_patch.json":     expect(t, w.do("PATCH", "/keys/"+w.memberKeyID, w.adminAKey, golden(t, "key_update_request.json")), http.StatusMethodNotAllowed),
	}
	for name, got := range problems {
		if want := golden(t, name); !reflect.DeepEqual(want, got) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
}
