package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// TestInvalidText_refusedAtBothDoors: text that is not valid UTF-8 is refused
// with the same words at the field it came in, whether it comes through the
// API (JSON or CBOR) or through a dashboard form, and nothing is stored.
// Valid text that holds U+FFFD itself is accepted.
func TestInvalidText_refusedAtBothDoors(t *testing.T) {
	const (
		latin1   = "caf\xe9" // é as ISO 8859-1, not UTF-8
		want     = "description must be valid UTF-8 text"
		location = "body.key.description"
	)
	w := newWorld(t)
	before := len(w.e.Keys())

	apiCases := map[string]struct {
		contentType string
		body        []byte
	}{
		"JSON, an invalid byte": {mediaJSON,
			[]byte(`{"key":{"description":"` + latin1 + `","environment":"testing","expiry":"2027-06-30T00:00:00Z"}}`)},
		"JSON, a lone surrogate escape": {mediaJSON,
			[]byte(`{"key":{"description":"caf\ud800","environment":"testing","expiry":"2027-06-30T00:00:00Z"}}`)},
		"CBOR, an invalid byte": {mediaCBOR, must(cbor.Marshal(map[string]any{"key": map[string]any{
			"description": latin1, "environment": "testing", "expiry": "2027-06-30T00:00:00Z"}}))},
	}
	for name, c := range apiCases {
		t.Run("API, "+name, func(t *testing.T) {
			r := req("POST", "/keys", w.adminAKey, c.body)
			r.Header.Set("Content-Type", c.contentType)
			rec := w.serve(r)
			if rec.Code != http.StatusUnprocessableEntity {
				// Only a problem is shown: a created key's answer holds its secret.
				if rec.Code < 400 {
					t.Fatalf("status %d, want 422", rec.Code)
				}
				t.Fatalf("status %d, want 422; body %q", rec.Code, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), want) || !strings.Contains(rec.Body.String(), location) {
				t.Errorf("the problem does not say %q at %s: %q", want, location, rec.Body)
			}
		})
	}

	t.Run("API, PATCH", func(t *testing.T) {
		r := req("PATCH", "/keys/"+w.memberKeyID, w.adminAKey, []byte(`{"key":{"description":"`+latin1+`"}}`))
		locs := expectProblem(t, w.serve(r), http.StatusUnprocessableEntity)
		if len(locs) != 1 || locs[0] != location {
			t.Errorf("locations %v, want [%s]", locs, location)
		}
	})

	c := newDashClient(t, w.e)
	c.signIn(w.adminAKey)
	t.Run("dashboard, create", func(t *testing.T) {
		rec := c.post(DashboardPath+"keys/new", createForm(latin1, envTesting, t0.Add(24*time.Hour)))
		expectStatus(t, rec, http.StatusUnprocessableEntity)
		expectBody(t, rec, `id="description-error">`+want+`<`)
	})
	t.Run("dashboard, edit", func(t *testing.T) {
		form := url.Values{"description": {latin1}, "expiry": {formatFormTime(t0.Add(48 * time.Hour))}, "confirm": {"yes"}}
		rec := c.post(DashboardPath+"keys/"+w.memberKeyID+"/edit", form)
		expectStatus(t, rec, http.StatusUnprocessableEntity)
		expectBody(t, rec, `id="description-error">`+want+`<`)
	})

	if got := len(w.e.Keys()); got != before {
		t.Errorf("%d keys after refused creates, want %d", got, before)
	}
	if k, _ := w.e.Key(w.memberKeyID); k.Description != "member A" {
		t.Errorf("a refused change reached the key: description %q", k.Description)
	}

	// U+FFFD sent as itself is text like any other.
	w.createKey(w.adminAKey, with(validKey(), map[string]any{"description": "caf\uFFFD"}))
	expectStatus(t, c.post(DashboardPath+"keys/new", createForm("caf\uFFFD", envTesting, t0.Add(24*time.Hour))), http.StatusSeeOther)
}
