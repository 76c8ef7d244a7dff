package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// goldenKey is the key of key_get_response.json.
func goldenKey(t *testing.T) Key {
	return Key{
		ID:          "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70",
		Description: "GitHub Actions, repo X",
		Environment: "testing",
		UserID:      "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11",
		Created:     mustTime(t, "2026-11-27T05:10:00Z"),
		Expiry:      mustTime(t, "2027-06-30T00:00:00Z"),
	}
}

func assertKey(t *testing.T, got *Key, want Key) {
	t.Helper()
	if got == nil {
		t.Fatal("nil key")
	}
	if got.Secret.Reveal() != want.Secret.Reveal() {
		t.Errorf("secret = %q, want %q", got.Secret.Reveal(), want.Secret.Reveal())
	}
	if !got.Created.Equal(want.Created) || !got.Expiry.Equal(want.Expiry) {
		t.Errorf("times = %v / %v, want %v / %v", got.Created, got.Expiry, want.Created, want.Expiry)
	}
	g, w := *got, want
	g.Created, g.Expiry, w.Created, w.Expiry = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("key = %+v, want %+v", g, w)
	}
}

func TestCreateKeyWire(t *testing.T) {
	for _, tc := range []struct {
		name, request string
		in            CreateKeyInput
	}{
		{"self", "key_create_request.json", CreateKeyInput{
			Description: "GitHub Actions, repo X", Environment: "testing",
			// Another offset on purpose: the wire carries UTC.
			Expiry: mustTime(t, "2027-06-30T02:00:00+02:00"),
		}},
		{"for user", "key_create_request_for_user.json", CreateKeyInput{
			Description: "deploy pipeline", Environment: "production",
			Expiry: mustTime(t, "2027-06-30T00:00:00Z"), UserID: "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				replyJSON(w, http.StatusCreated, golden(t, "key_create_response.json"))
			})
			c := newTestClient(t, f.URL+"/api")
			key, err := c.CreateKey(context.Background(), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			req := f.requests()[0]
			if req.Method != http.MethodPost || req.Path != "/keys" || len(req.Query) != 0 {
				t.Errorf("request = %s %s?%v, want POST /keys", req.Method, req.Path, req.Query)
			}
			assertJSONEqual(t, req.Body, golden(t, tc.request))
			want := goldenKey(t)
			want.Secret = "dtk_example_secret_value_not_real_0123456789"
			assertKey(t, key, want)
		})
	}
}

func TestCreateKeySendsFractionalSecondsInUTC(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusCreated, golden(t, "key_create_response.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	expiry := time.Date(2027, 6, 30, 2, 0, 0, 500_000_000, time.FixedZone("CEST", 2*3600))
	if _, err := c.CreateKey(context.Background(), CreateKeyInput{Environment: "testing", Expiry: expiry}); err != nil {
		t.Fatal(err)
	}
	assertJSONEqual(t, f.requests()[0].Body,
		[]byte(`{"key":{"description":"","environment":"testing","expiry":"2027-06-30T00:00:00.5Z"}}`))
}

func TestGetKeyWire(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusOK, golden(t, "key_get_response.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	key, err := c.GetKey(context.Background(), "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70")
	if err != nil {
		t.Fatal(err)
	}
	req := f.requests()[0]
	if req.Method != http.MethodGet || req.Path != "/keys/0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70" || len(req.Body) != 0 {
		t.Errorf("request = %s %s %q", req.Method, req.Path, req.Body)
	}
	assertKey(t, key, goldenKey(t))
}

func TestKeyIDIsPathEscaped(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusOK, golden(t, "key_get_response.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	if _, err := c.GetKey(context.Background(), "a/b c?d"); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].Path; got != "/keys/a%2Fb%20c%3Fd" {
		t.Errorf("path = %q", got)
	}
}

func TestUpdateKeyWire(t *testing.T) {
	desc := "GitHub Actions, repo Y"
	expiry := mustTime(t, "2027-12-31T00:00:00Z")
	for _, tc := range []struct {
		name, request string
		in            UpdateKeyInput
	}{
		{"both", "key_update_request.json", UpdateKeyInput{Description: &desc, Expiry: &expiry}},
		{"expiry only", "key_update_expiry_only_request.json", UpdateKeyInput{Expiry: &expiry}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				replyJSON(w, http.StatusOK, golden(t, "key_update_response.json"))
			})
			c := newTestClient(t, f.URL+"/api")
			key, err := c.UpdateKey(context.Background(), "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70", tc.in)
			if err != nil {
				t.Fatal(err)
			}
			req := f.requests()[0]
			if req.Method != http.MethodPatch || req.Path != "/keys/0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70" {
				t.Errorf("request = %s %s", req.Method, req.Path)
			}
			assertJSONEqual(t, req.Body, golden(t, tc.request))
			want := goldenKey(t)
			want.Description = desc
			want.Expiry = expiry
			assertKey(t, key, want)
		})
	}
}

func TestUpdateKeySendsEmptyDescription(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusOK, golden(t, "key_update_response.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	empty := ""
	if _, err := c.UpdateKey(context.Background(), "k", UpdateKeyInput{Description: &empty}); err != nil {
		t.Fatal(err)
	}
	assertJSONEqual(t, f.requests()[0].Body, []byte(`{"key":{"description":""}}`))
}

func TestDeleteKeyWire(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(http.StatusNoContent)
	})
	c := newTestClient(t, f.URL+"/api")
	if err := c.DeleteKey(context.Background(), "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"); err != nil {
		t.Fatal(err)
	}
	req := f.requests()[0]
	if req.Method != http.MethodDelete || req.Path != "/keys/0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70" || len(req.Body) != 0 {
		t.Errorf("request = %s %s %q", req.Method, req.Path, req.Body)
	}
}

func TestListKeysPageWire(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusOK, golden(t, "key_list_response.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	page, err := c.ListKeysPage(context.Background(), ListKeysInput{}, "")
	if err != nil {
		t.Fatal(err)
	}
	req := f.requests()[0]
	if req.Method != http.MethodGet || req.Path != "/keys" || len(req.Query) != 0 {
		t.Errorf("request = %s %s?%v, want GET /keys without query", req.Method, req.Path, req.Query)
	}
	if page.NextPageToken != "b3BhcXVlLXRva2Vu" || len(page.Keys) != 2 {
		t.Fatalf("page = %+v", page)
	}
	assertKey(t, &page.Keys[0], goldenKey(t))
	assertKey(t, &page.Keys[1], Key{
		ID:          "9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
		Description: "deploy pipeline",
		Environment: "production",
		UserID:      "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11",
		Created:     mustTime(t, "2026-11-27T05:11:00Z"),
		Expiry:      mustTime(t, "2027-01-31T12:00:00Z"),
	})

	if _, err := c.ListKeysPage(context.Background(), ListKeysInput{}, "tok"); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[1].Query; !reflect.DeepEqual(got, map[string][]string{"pageToken": {"tok"}}) {
		t.Errorf("query = %v", got)
	}
}

func TestListKeysPageLastPageHasNoToken(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusOK, golden(t, "key_list_last_page_response.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	page, err := c.ListKeysPage(context.Background(), ListKeysInput{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.NextPageToken != "" || len(page.Keys) != 1 || page.Keys[0].ID != "9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6" {
		t.Errorf("page = %+v", page)
	}
}

func TestListKeysQueryParameters(t *testing.T) {
	after := time.Date(2027, 1, 1, 1, 0, 0, 0, time.FixedZone("X", 3600))
	before := mustTime(t, "2028-01-01T00:00:00Z")
	for _, tc := range []struct {
		name string
		in   ListKeysInput
		want url.Values
	}{
		{"none", ListKeysInput{}, url.Values{}},
		{"environment", ListKeysInput{Environment: "production"}, url.Values{"environment": {"production"}}},
		{"expiryAfter in UTC", ListKeysInput{ExpiryAfter: after}, url.Values{"expiryAfter": {"2027-01-01T00:00:00Z"}}},
		{"expiryBefore", ListKeysInput{ExpiryBefore: before}, url.Values{"expiryBefore": {"2028-01-01T00:00:00Z"}}},
		{"userID", ListKeysInput{UserID: "u-1"}, url.Values{"userID": {"u-1"}}},
		{"limit", ListKeysInput{Limit: 250}, url.Values{"limit": {"250"}}},
		{"includeAutoGenerated", ListKeysInput{IncludeAutoGenerated: true}, url.Values{"includeAutoGenerated": {"true"}}},
		{"all", ListKeysInput{
			Environment: "testing", ExpiryAfter: after, ExpiryBefore: before, UserID: "u 2&x",
			IncludeAutoGenerated: true, Limit: 10000,
		}, url.Values{
			"environment": {"testing"}, "expiryAfter": {"2027-01-01T00:00:00Z"}, "expiryBefore": {"2028-01-01T00:00:00Z"},
			"userID": {"u 2&x"}, "includeAutoGenerated": {"true"}, "limit": {"10000"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				replyJSON(w, http.StatusOK, golden(t, "key_list_last_page_response.json"))
			})
			c := newTestClient(t, f.URL+"/api")
			if _, err := c.ListKeys(context.Background(), tc.in); err != nil {
				t.Fatal(err)
			}
			if got := url.Values(f.requests()[0].Query); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("query = %v, want %v", got, tc.want)
			}
		})
	}
}

// listPage answers page n of a listing with the ids given, and a token
// pointing at page n+1 unless it is the last.
func listPage(t *testing.T, w http.ResponseWriter, ids []string, next string) {
	t.Helper()
	var items []string
	for _, id := range ids {
		items = append(items, fmt.Sprintf(`{"id":%q,"created":"2026-11-27T05:10:00Z","description":"d","environment":"testing","expiry":"2027-06-30T00:00:00Z","userID":"u","autoGenerated":false}`, id))
	}
	body := `{"keys":[` + strings.Join(items, ",") + `]`
	if next != "" {
		body += fmt.Sprintf(`,"nextPageToken":%q`, next)
	}
	replyJSON(w, http.StatusOK, []byte(body+"}"))
}

func TestListKeysFollowsEveryPage(t *testing.T) {
	pages := map[string]struct {
		ids  []string
		next string
	}{
		"":   {[]string{"k1", "k2"}, "t1"},
		"t1": {[]string{"k3", "k4"}, "t2"},
		"t2": {nil, "t3"}, // an empty page in the middle is not the end
		"t3": {[]string{"k5"}, ""},
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		p := pages[r.URL.Query().Get("pageToken")]
		listPage(t, w, p.ids, p.next)
	})
	c := newTestClient(t, f.URL+"/api")
	in := ListKeysInput{Environment: "testing", UserID: "u", Limit: 2, IncludeAutoGenerated: true}
	keys, err := c.ListKeys(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	if want := []string{"k1", "k2", "k3", "k4", "k5"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	reqs := f.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for i, tok := range []string{"", "t1", "t2", "t3"} {
		q := url.Values(reqs[i].Query)
		if q.Get("pageToken") != tok {
			t.Errorf("request %d pageToken = %q, want %q", i, q.Get("pageToken"), tok)
		}
		// Filters travel with every page, not just the first.
		if q.Get("environment") != "testing" || q.Get("userID") != "u" || q.Get("limit") != "2" || q.Get("includeAutoGenerated") != "true" {
			t.Errorf("request %d lost filters: %v", i, q)
		}
	}
}

func TestListKeysEmpty(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		replyJSON(w, http.StatusOK, []byte(`{"keys":[]}`))
	})
	c := newTestClient(t, f.URL+"/api")
	keys, err := c.ListKeys(context.Background(), ListKeysInput{})
	if err != nil || keys == nil || len(keys) != 0 {
		t.Errorf("keys = %#v, err = %v; want an empty non-nil slice", keys, err)
	}
}

func TestListKeysStopsOnRepeatedToken(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		next := map[string]string{"": "a", "a": "b", "b": "a"}[r.URL.Query().Get("pageToken")]
		if n >= 10 {
			next = "" // a client without the guard ends here instead of hanging the test
		}
		listPage(t, w, []string{fmt.Sprintf("k%d", n)}, next)
	})
	c := newTestClient(t, f.URL+"/api")
	keys, err := c.ListKeys(context.Background(), ListKeysInput{})
	if err == nil || !strings.Contains(err.Error(), "repeated a page token") {
		t.Fatalf("err = %v, keys = %v; want a repeated-token error", err, keys)
	}
	if n := f.count(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestListKeysPropagatesPageError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			listPage(t, w, []string{"k1"}, "t1")
			return
		}
		replyProblem(w, http.StatusUnprocessableEntity, []byte(`{"title":"Unprocessable Entity","status":422,"detail":"bad page token","errors":[{"message":"invalid","location":"query.pageToken"}]}`))
	})
	c := newTestClient(t, f.URL+"/api")
	keys, err := c.ListKeys(context.Background(), ListKeysInput{})
	if !IsValidation(err) || keys != nil {
		t.Errorf("keys = %v, err = %v; want a validation error and no keys", keys, err)
	}
}

func TestDeleteKeyNotFound(t *testing.T) {
	for _, tc := range []struct {
		name    string
		first   func(t *testing.T, w http.ResponseWriter)
		deleted bool // true: the 404 to the retry means our first attempt deleted it
	}{
		{"404 at once", nil, false},
		{"after 502", func(t *testing.T, w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, true},
		{"after 504", func(t *testing.T, w http.ResponseWriter) { w.WriteHeader(http.StatusGatewayTimeout) }, true},
		{"after lost connection", hangUp, true},
		{"after 503 with Retry-After", func(t *testing.T, w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
		}, false},
		{"after 429", func(t *testing.T, w http.ResponseWriter) { w.WriteHeader(http.StatusTooManyRequests) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 0 && tc.first != nil {
					tc.first(t, w)
					return
				}
				replyProblem(w, http.StatusNotFound, golden(t, "problem_404.json"))
			})
			c := newTestClient(t, f.URL+"/api")
			err := c.DeleteKey(context.Background(), "k1")
			if tc.deleted && err != nil {
				t.Errorf("err = %v, want success", err)
			}
			if !tc.deleted && !IsNotFound(err) {
				t.Errorf("err = %v, want NotFound", err)
			}
			want := 2
			if tc.first == nil {
				want = 1
			}
			if n := f.count(); n != want {
				t.Errorf("%d requests, want %d", n, want)
			}
		})
	}
}

// TestGetKeyNotFoundAfterRetryIsNotFound: only DELETE treats a 404 after an
// ambiguous attempt as success; a GET cannot have removed anything.
func TestGetKeyNotFoundAfterRetryIsNotFound(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		replyProblem(w, http.StatusNotFound, golden(t, "problem_404.json"))
	})
	c := newTestClient(t, f.URL+"/api")
	_, err := c.GetKey(context.Background(), "k1")
	var apiErr *Error
	if !IsNotFound(err) || !errors.As(err, &apiErr) || apiErr.Detail != "key not found" {
		t.Errorf("err = %v, want NotFound", err)
	}
}

// fakePages serves pages of one key each, tokens "1", "2", ..., up to n.
type fakePages struct {
	n        int
	requests int
}

func (f *fakePages) ListKeysPage(_ context.Context, _ ListKeysInput, token string) (*KeyPage, error) {
	f.requests++
	i := 0
	if token != "" {
		i, _ = strconv.Atoi(token)
	}
	page := &KeyPage{Keys: []Key{{ID: strconv.Itoa(i)}}}
	if i+1 < f.n {
		page.NextPageToken = strconv.Itoa(i + 1)
	}
	return page, nil
}

// TestKeyPagesStopsWithItsConsumer: a caller that has what it needs sends no
// further request; one that reads on gets every page, once.
func TestKeyPagesStopsWithItsConsumer(t *testing.T) {
	f := &fakePages{n: 5}
	for page, err := range KeyPages(context.Background(), f, ListKeysInput{}) {
		if err != nil {
			t.Fatal(err)
		}
		if page.Keys[0].ID == "1" {
			break
		}
	}
	if f.requests != 2 {
		t.Errorf("stopping after the second page sent %d requests, want 2", f.requests)
	}
	f = &fakePages{n: 5}
	var ids []string
	for page, err := range KeyPages(context.Background(), f, ListKeysInput{}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, page.Keys[0].ID)
	}
	if strings.Join(ids, ",") != "0,1,2,3,4" || f.requests != 5 {
		t.Errorf("pages %v in %d requests, want 0..4 in 5", ids, f.requests)
	}
}

// scriptedPages is a listing fixed in advance: the page for each token.
type scriptedPages map[string]*KeyPage

func (p scriptedPages) ListKeysPage(_ context.Context, _ ListKeysInput, token string) (*KeyPage, error) {
	return p[token], nil
}

// TestKeyPagesYieldsEachKeyOnce: a key the server sends again, on a later
// page or on the same one, is yielded the first time only; a page of repeats
// is yielded empty and the listing goes on; the lister's pages are left as
// they were.
func TestKeyPagesYieldsEachKeyOnce(t *testing.T) {
	key := func(id, copyOf string) Key { return Key{ID: id, Description: copyOf} }
	listing := scriptedPages{
		"":  {Keys: []Key{key("a", "first"), key("b", "first")}, NextPageToken: "1"},
		"1": {Keys: []Key{key("b", "repeat"), key("c", "first"), key("c", "repeat")}, NextPageToken: "2"},
		"2": {Keys: []Key{key("a", "repeat")}, NextPageToken: "3"},
		"3": {Keys: []Key{key("d", "first")}},
	}
	var pages []string
	for page, err := range KeyPages(context.Background(), listing, ListKeysInput{}) {
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, k := range page.Keys {
			if k.Description != "first" {
				t.Errorf("key %s yielded from its %s", k.ID, k.Description)
			}
			ids = append(ids, k.ID)
		}
		pages = append(pages, strings.Join(ids, ","))
	}
	if got, want := strings.Join(pages, " | "), "a,b | c |  | d"; got != want {
		t.Errorf("pages %q, want %q", got, want)
	}
	if p := listing["1"].Keys; len(p) != 3 || p[0].Description != "repeat" || p[2].ID != "c" {
		t.Errorf("the lister's page was changed: %+v", p)
	}
}

// TestListKeysShiftedListing: a key created while a listing is read can push
// a key already listed onto the next page; ListKeys still returns it once.
func TestListKeysShiftedListing(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Query().Get("pageToken") == "" {
			listPage(t, w, []string{"k1", "k2"}, "t1")
			return
		}
		listPage(t, w, []string{"k2", "k3"}, "")
	})
	keys, err := newTestClient(t, f.URL+"/api").ListKeys(context.Background(), ListKeysInput{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	if want := []string{"k1", "k2", "k3"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
}
