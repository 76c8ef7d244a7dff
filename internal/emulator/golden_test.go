package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

const wireDir = "../../testdata/wire"

func golden(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(wireDir, name))
	check(t, err)
	var doc map[string]any
	check(t, json.Unmarshal(data, &doc))
	return doc
}

// sameShape reports the first difference in field names or JSON types between a
// golden document and an answer. Arrays compare every element with the golden's first.
func sameShape(want, got any, path string) error {
	switch w := want.(type) {
	case map[string]any:
		g, isMap := got.(map[string]any)
		if !isMap {
			return fmt.Errorf("%s: got %T, want an object", path, got)
		}
		wk, gk := slices.Sorted(mapKeys(w)), slices.Sorted(mapKeys(g))
		if !slices.Equal(wk, gk) {
			return fmt.Errorf("%s: fields %v, want %v", path, gk, wk)
		}
		for _, k := range wk {
			if err := sameShape(w[k], g[k], path+"."+k); err != nil {
				return err
			}
		}
	case []any:
		g, isSlice := got.([]any)
		if !isSlice {
			return fmt.Errorf("%s: got %T, want an array", path, got)
		}
		for i, elem := range g {
			if err := sameShape(w[0], elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	default:
		if reflect.TypeOf(want) != reflect.TypeOf(got) {
			return fmt.Errorf("%s: got %T, want %T", path, got, want)
		}
	}
	return nil
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func assertShape(t *testing.T, goldenName string, got map[string]any) {
	t.Helper()
	if err := sameShape(golden(t, goldenName), got, goldenName); err != nil {
		t.Error(err)
	}
}

func TestGoldenWire(t *testing.T) {
	w := newWorld(t)
	ops := must(w.e.AddUser(w.orgA, UserSpec{Email: "ops@example.org", Password: "correct horse battery staple", Role: RoleAdmin}))
	_, opsKey, err := w.e.IssueKey(ops, KeySpec{})
	check(t, err)

	created := expect(t, w.do("POST", "/keys", w.memberAKey, golden(t, "key_create_request.json")), http.StatusCreated)
	assertShape(t, "key_create_response.json", created)
	id, secret := created["key"].(map[string]any)["id"].(string), created["key"].(map[string]any)["key"].(string)
	assertShape(t, "user_response.json", expect(t, w.do("GET", "/user", secret, nil), http.StatusOK))

	forUser := golden(t, "key_create_request_for_user.json")
	forUser["key"].(map[string]any)["userID"] = w.memberA
	doc := expect(t, w.do("POST", "/keys", w.adminAKey, forUser), http.StatusCreated)
	assertShape(t, "key_create_response.json", doc)
	if doc["key"].(map[string]any)["userID"] != w.memberA || doc["key"].(map[string]any)["environment"] != "production" {
		t.Errorf("create for user: %v", doc)
	}

	assertShape(t, "key_get_response.json", expect(t, w.do("GET", "/keys/"+id, w.memberAKey, nil), http.StatusOK))
	for _, req := range []string{"key_update_request.json", "key_update_expiry_only_request.json"} {
		doc := expect(t, w.do("PATCH", "/keys/"+id, w.memberAKey, golden(t, req)), http.StatusOK)
		assertShape(t, "key_update_response.json", doc)
		if doc["key"].(map[string]any)["expiry"] != "2027-12-31T00:00:00Z" {
			t.Errorf("%s: %v", req, doc)
		}
	}

	first := expect(t, w.do("GET", "/keys?limit=2", w.memberAKey, nil), http.StatusOK)
	assertShape(t, "key_list_response.json", first)
	last := expect(t, w.do("GET", "/keys?limit=2&pageToken="+first["nextPageToken"].(string), w.memberAKey, nil), http.StatusOK)
	assertShape(t, "key_list_last_page_response.json", last)

	login := expect(t, w.do("POST", "/auth/login", "", golden(t, "login_request.json")), http.StatusOK)
	assertShape(t, "login_response.json", login)
	assertShape(t, "version_response.json", expect(t, w.do("GET", "/version", w.adminAKey, nil), http.StatusOK))
	assertShape(t, "user_response.json", expect(t, w.do("GET", "/user", opsKey, nil), http.StatusOK))

	// Problem documents match the golden ones exactly: their values are all the emulator's.
	past := golden(t, "key_create_request.json")
	past["key"].(map[string]any)["expiry"] = "2020-01-01T00:00:00Z"
	prod := golden(t, "key_create_request.json")
	prod["key"].(map[string]any)["environment"] = "production"
	problems := map[string]map[string]any{
		"problem_401.json": expect(t, w.do("GET", "/keys", "", nil), http.StatusUnauthorized),
		"problem_403.json": expect(t, w.do("POST", "/keys", w.adminBKey, prod), http.StatusForbidden),
		"problem_404.json": expect(t, w.do("GET", "/keys/"+id, w.adminBKey, nil), http.StatusNotFound),
		"problem_422.json": expect(t, w.do("POST", "/keys", w.memberAKey, past), http.StatusUnprocessableEntity),
	}
	for name, got := range problems {
		if want := golden(t, name); !reflect.DeepEqual(want, got) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
}
