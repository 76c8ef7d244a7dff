package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulatortest"
)

// listingEnv is an emulator whose admin holds n keys besides the bootstrap
// key, expiring a day apart (every third pair sharing a second), under
// variants.
func listingEnv(t *testing.T, n int, variants ...emulator.Variant) (*emulatortest.Server, *Client) {
	t.Helper()
	s := emulatortest.Start(t, emulatortest.Options{Variants: variants})
	base := s.Clock.Now().Add(time.Hour).Truncate(time.Second)
	for i := range n {
		spec := emulator.KeySpec{Description: fmt.Sprint("k", i), Expiry: base.Add(time.Duration(i/3*3) * 24 * time.Hour)}
		if _, _, err := s.Emulator.IssueKey(s.Boot.UserID, spec); err != nil {
			t.Fatal(err)
		}
	}
	return s, newTestClient(t, s.Endpoint, func(c *Config) { c.APIKey, c.Clock = s.Boot.APIKey, s.Clock })
}

// collect lists in with pages of at most maxLimit and returns the ids, in
// the order yielded, and the error that ended the listing.
func collect(c *Client, in ListKeysInput, maxLimit int) ([]string, error) {
	var ids []string
	for page, err := range keyPages(context.Background(), c, in, maxLimit) {
		if err != nil {
			return ids, err
		}
		for _, k := range page.Keys {
			ids = append(ids, k.ID)
		}
	}
	return ids, nil
}

func emulatorKeyIDs(s *emulatortest.Server) []string {
	var ids []string
	for _, k := range s.Emulator.Keys() {
		ids = append(ids, k.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestKeyPagesWithoutPageTokens: under no-key-paging, a listing whose first
// page is full lists its window again with the largest page, splits it by
// expiry while that is full too, and so yields every key once, in a bounded
// number of requests.
func TestKeyPagesWithoutPageTokens(t *testing.T) {
	t.Parallel()
	s, c := listingEnv(t, 60, emulator.VariantNoKeyPaging)
	count := s.Count()
	ids, err := collect(c, ListKeysInput{Limit: 4}, 16)
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(ids)
	slices.Sort(got)
	if want := emulatorKeyIDs(s); !slices.Equal(got, want) {
		t.Fatalf("listed %d keys (%d distinct), want all %d once", len(ids), len(slices.Compact(got)), len(want))
	}
	// 61 keys in pages of 16: the first page, the same window at 16, then
	// halves until each holds fewer than 16 keys.
	if n := count.Of(emulator.RouteListKeys); n > 16 {
		t.Errorf("%d requests for 61 keys in pages of 16; want at most 16", n)
	}
	t.Logf("61 keys, pages of at most 16: %d requests", count.Of(emulator.RouteListKeys))
}

// TestKeyPagesWithinAFilter: the split windows stay inside the caller's own
// expiry window and environment.
func TestKeyPagesWithinAFilter(t *testing.T) {
	t.Parallel()
	s, c := listingEnv(t, 60, emulator.VariantNoKeyPaging)
	base := s.Clock.Now().Add(time.Hour).Truncate(time.Second)
	in := ListKeysInput{Environment: "testing", ExpiryAfter: base.Add(10 * 24 * time.Hour), ExpiryBefore: base.Add(40 * 24 * time.Hour)}
	ids, err := collect(c, in, 8)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, k := range s.Emulator.Keys() {
		if k.Expiry.After(in.ExpiryAfter) && k.Expiry.Before(in.ExpiryBefore) {
			want = append(want, k.ID)
		}
	}
	slices.Sort(want)
	slices.Sort(ids)
	if !slices.Equal(ids, want) || len(want) == 0 {
		t.Errorf("listed %d keys, want the %d in the window", len(ids), len(want))
	}
}

// TestKeyPagesCannotNarrow: more keys expiring within two seconds than the
// largest page holds end the listing with an error, not a silent gap.
func TestKeyPagesCannotNarrow(t *testing.T) {
	t.Parallel()
	s, c := listingEnv(t, 0, emulator.VariantNoKeyPaging)
	expiry := s.Clock.Now().Add(48 * time.Hour).Truncate(time.Second)
	for range 9 {
		if _, _, err := s.Emulator.IssueKey(s.Boot.UserID, emulator.KeySpec{Expiry: expiry}); err != nil {
			t.Fatal(err)
		}
	}
	count := s.Count()
	_, err := collect(c, ListKeysInput{Limit: 8}, 8)
	if err == nil || !strings.Contains(err.Error(), "cannot all be listed") {
		t.Fatalf("err = %v, want the keys said to be out of reach", err)
	}
	if n := count.Of(emulator.RouteListKeys); n > 80 {
		t.Errorf("%d requests before giving up; want a few dozen at most", n)
	}
}

// TestKeyPagesWithPageTokensCostsNoMore: under the default reading nothing
// changes but a listing that fits exactly one full page, which costs one
// request more (the same window with the largest page).
func TestKeyPagesWithPageTokensCostsNoMore(t *testing.T) {
	t.Parallel()
	// With the bootstrap key: 23, 24 and 8 keys in pages of 8.
	for _, tc := range []struct{ keys, requests int64 }{{22, 3}, {23, 3}, {7, 2}, {6, 1}} {
		s, c := listingEnv(t, int(tc.keys))
		count := s.Count()
		ids, err := collect(c, ListKeysInput{Limit: 8}, 16)
		if err != nil || int64(len(ids)) != tc.keys+1 {
			t.Fatalf("%d keys: listed %d, %v", tc.keys+1, len(ids), err)
		}
		if n := count.Of(emulator.RouteListKeys); n != tc.requests {
			t.Errorf("%d keys in pages of 8: %d requests, want %d", tc.keys+1, n, tc.requests)
		}
	}
}

// TestVariantRefusalsDecoded: the golden answers of the admin-writes and
// no-patch readings decode into errors that name the call and status, are
// not retried, and leave the key alone.
func TestVariantRefusalsDecoded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		golden string
		status int
		call   func(*Client) error
		method string
	}{
		{"problem_403_admin_writes.json", http.StatusForbidden, func(c *Client) error {
			_, err := c.CreateKey(context.Background(), CreateKeyInput{Environment: "testing", Expiry: time.Now().Add(time.Hour)})
			return err
		}, http.MethodPost},
		{"problem_405_no_patch.json", http.StatusMethodNotAllowed, func(c *Client) error {
			d := "x"
			_, err := c.UpdateKey(context.Background(), "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70", UpdateKeyInput{Description: &d})
			return err
		}, http.MethodPatch},
	} {
		var requests atomic.Int32
		f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			requests.Add(1)
			replyProblem(w, tc.status, golden(t, tc.golden))
		})
		err := tc.call(newTestClient(t, f.URL+"/api"))
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Method != tc.method || apiErr.Body != BodyProblem {
			t.Errorf("%s: err = %v, want a %d problem of %s", tc.golden, err, tc.status, tc.method)
		}
		if n := requests.Load(); n != 1 {
			t.Errorf("%s: %d requests, want 1 (a refusal is not retried)", tc.golden, n)
		}
	}
}
