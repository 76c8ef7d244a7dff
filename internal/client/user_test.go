package client

import (
	"context"
	"net/http"
	"reflect"
	"testing"
)

func TestCurrentUserWire(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusOK, golden(t, "user_response.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	u, err := c.CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &User{
		ID:             "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11",
		Email:          "ops@example.org",
		FirstName:      "Ada",
		LastName:       "Ops",
		OrganizationID: "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b",
		Role:           "admin",
	}
	if !reflect.DeepEqual(u, want) {
		t.Errorf("user = %+v, want %+v", u, want)
	}
	if req := f.requests()[0]; req.Method != http.MethodGet || req.Path != "/user" {
		t.Errorf("request = %s %s", req.Method, req.Path)
	}
}

// TestCurrentUserMustBeAUser: an answer without a user id is not the
// Domain Trust API's, however well-formed its JSON.
func TestCurrentUserMustBeAUser(t *testing.T) {
	for name, body := range map[string]string{
		"no user":    `{"version":"2.0.6"}`,
		"user no id": `{"user":{"email":"ops@example.org"}}`,
		"array":      `[]`,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				replyJSON(w, http.StatusOK, []byte(body))
			})
			if u, err := newTestClient(t, f.URL+"/api").CurrentUser(context.Background()); err == nil {
				t.Fatalf("CurrentUser = %+v, want an error", u)
			}
		})
	}
}

func TestCurrentUserUnauthorized(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyProblem(w, http.StatusUnauthorized, golden(t, "problem_401.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	_, err := c.CurrentUser(context.Background())
	if !IsUnauthorized(err) {
		t.Fatalf("err = %v, want Unauthorized", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("a 401 was retried: %d requests", n)
	}
}
