package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// expectKeyIDs asserts the data source lists exactly these keys, in this
// order.
func expectKeyIDs(addr string, keys ...emulator.Key) statecheck.StateCheck {
	elems := make([]knownvalue.Check, 0, len(keys))
	for _, k := range keys {
		elems = append(elems, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(k.ID)}))
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("keys"), knownvalue.ListExact(elems))
}

// dsOrdered sorts keys into the order the data source promises: by
// creation, then id.
func dsOrdered(keys ...emulator.Key) []emulator.Key {
	out := slices.Clone(keys)
	slices.SortFunc(out, func(a, b emulator.Key) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// dsQueryLog records the query of every GET /keys, to prove filters reach
// the API rather than being applied to a full listing.
type dsQueryLog struct {
	mu      sync.Mutex
	queries []url.Values
}

func (l *dsQueryLog) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/keys" {
			l.mu.Lock()
			l.queries = append(l.queries, r.URL.Query())
			l.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// sent reports whether some request carried exactly these filters (paging
// parameters aside).
func (l *dsQueryLog) sent(want url.Values) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, q := range l.queries {
		q = maps.Clone(q)
		q.Del("pageToken")
		q.Del("limit")
		if maps.EqualFunc(q, want, slices.Equal) {
			return true
		}
	}
	return false
}

func dsKeysConfig(env *testEnv, blocks map[string]string) string {
	var b strings.Builder
	b.WriteString(env.providerBlock())
	for _, name := range slices.Sorted(maps.Keys(blocks)) {
		fmt.Fprintf(&b, "\ndata \"domaintrust_api_keys\" %q {\n%s\n}\n", name, blocks[name])
	}
	return b.String()
}

// TestAccAPIKeysDataSource_pagination: 251 keys take three pages of the
// default 100; every key comes back exactly once, in creation order.
func TestAccAPIKeysDataSource_pagination(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, true)
	secrets := []string{env.boot.APIKey}
	for i := range 250 {
		if i%7 == 0 {
			// Spread creation times so that order is not just id order.
			env.clock.Advance(time.Second)
		}
		_, secret := dsIssueKey(t, env, env.boot.UserID, emulator.KeySpec{
			Environment: []string{"testing", "production"}[i%2], Description: fmt.Sprintf("key %d", i),
		})
		secrets = append(secrets, secret)
	}
	all := env.emu.Keys()
	if len(all) != 251 {
		t.Fatalf("emulator holds %d keys, want 251", len(all))
	}
	const addr = "data.domaintrust_api_keys.all"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:            env.providerBlock() + `data "domaintrust_api_keys" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{expectKeyIDs(addr, dsOrdered(all...)...)},
			Check: resource.ComposeTestCheckFunc(
				checkNoSecretInDataSources(secrets...),
				func(*terraform.State) error {
					// Every read walks the same three pages; fewer requests
					// would mean a page was skipped.
					// The only other requests are the credentials checks,
					// one per provider process.
					st := env.emu.Stats()
					lists, checks := st.ByRoute["GET /keys"], st.ByRoute["GET /user"]
					if lists < 3 || lists%3 != 0 || st.Total != lists+checks || st.ByStatus["200"] != st.Total {
						return fmt.Errorf("want whole reads of 3 pages each, got stats %+v", st)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccAPIKeysDataSource_filters lists with each filter alone and in
// combination, and checks each reached the API as query parameters.
func TestAccAPIKeysDataSource_filters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, true)
	var log dsQueryLog
	dsWrapEndpoint(t, env, log.middleware)
	now := env.clock.Now().Truncate(time.Second)
	at := now.Add
	const d = 24 * time.Hour
	admin := env.boot.UserID
	member := dsAddUser(t, env, env.boot.OrganizationID, "member@example.org", emulator.RoleMember)
	issue := func(user, environment string, expiry time.Time, auto bool) emulator.Key {
		k, _ := dsIssueKey(t, env, user, emulator.KeySpec{Environment: environment, Expiry: expiry, AutoGenerated: auto})
		return k
	}
	boot, ok := env.emu.Key(env.boot.KeyID)
	if !ok {
		t.Fatal("bootstrap key missing")
	}
	a := issue(admin, "testing", at(10*d), false)
	b := issue(admin, "production", at(20*d), false)
	c := issue(admin, "production", at(100*d), false)
	auto := issue(admin, "testing", at(200*d), true)
	expired := issue(admin, "testing", at(-d), false)
	m1 := issue(member, "production", at(5*d), false)
	m2 := issue(member, "testing", at(50*d), false)

	ts := dsRFC3339
	cases := map[string]struct {
		hcl   string
		query url.Values
		want  []emulator.Key
	}{
		"none": {"", url.Values{}, []emulator.Key{boot, a, b, c, expired}},
		"environment": {`environment = "production"`,
			url.Values{"environment": {"production"}}, []emulator.Key{b, c}},
		"expires_before": {fmt.Sprintf(`expires_before = %q`, ts(at(30*d))),
			url.Values{"expiryBefore": {ts(at(30 * d))}}, []emulator.Key{a, b, expired}},
		"expires_after": {fmt.Sprintf(`expires_after = %q`, ts(at(15*d))),
			url.Values{"expiryAfter": {ts(at(15 * d))}}, []emulator.Key{boot, b, c}},
		"user_id": {fmt.Sprintf(`user_id = %q`, member),
			url.Values{"userID": {member}}, []emulator.Key{m1, m2}},
		"include_auto_generated": {`include_auto_generated = true`,
			url.Values{"includeAutoGenerated": {"true"}}, []emulator.Key{boot, a, b, c, auto, expired}},
		"auto_generated_false": {`include_auto_generated = false`,
			url.Values{}, []emulator.Key{boot, a, b, c, expired}},
		"testing_window_with_auto": {fmt.Sprintf(`
  environment            = "testing"
  expires_after          = %q
  expires_before         = %q
  include_auto_generated = true`, ts(now), ts(at(365*d))),
			url.Values{"environment": {"testing"}, "expiryAfter": {ts(now)}, "expiryBefore": {ts(at(365 * d))}, "includeAutoGenerated": {"true"}},
			[]emulator.Key{a, auto}},
		"member_production_soon": {fmt.Sprintf(`
  user_id        = %q
  environment    = "production"
  expires_before = %q`, member, ts(at(30*d))),
			url.Values{"userID": {member}, "environment": {"production"}, "expiryBefore": {ts(at(30 * d))}},
			[]emulator.Key{m1}},
		// A window given in another offset names the same instants.
		"production_window_offset": {fmt.Sprintf(`
  environment    = "production"
  expires_after  = %q
  expires_before = %q`, at(15*d).In(time.FixedZone("", -5*3600)).Format(time.RFC3339), ts(at(30*d))),
			url.Values{"environment": {"production"}, "expiryAfter": {ts(at(15 * d))}, "expiryBefore": {ts(at(30 * d))}},
			[]emulator.Key{b}},
		"nothing_matches": {fmt.Sprintf(`
  environment   = "production"
  expires_after = %q`, ts(at(1000*d))),
			url.Values{"environment": {"production"}, "expiryAfter": {ts(at(1000 * d))}},
			[]emulator.Key{}},
	}
	blocks := map[string]string{}
	var checks []statecheck.StateCheck
	for name, tc := range cases {
		blocks[name] = tc.hcl
		checks = append(checks, expectKeyIDs("data.domaintrust_api_keys."+name, dsOrdered(tc.want...)...))
	}
	// One full object, to pin down the mapping of every field.
	checks = append(checks, statecheck.ExpectKnownValue("data.domaintrust_api_keys.member_production_soon",
		tfjsonpath.New("keys").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":             knownvalue.StringExact(m1.ID),
			"description":    knownvalue.StringExact(m1.Description),
			"environment":    knownvalue.StringExact("production"),
			"expiration":     knownvalue.StringExact(ts(m1.Expiry)),
			"created":        knownvalue.StringExact(ts(m1.Created)),
			"user_id":        knownvalue.StringExact(member),
			"auto_generated": knownvalue.Bool(false),
		})))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:            dsKeysConfig(env, blocks),
			ConfigStateChecks: checks,
			Check: func(*terraform.State) error {
				for name, tc := range cases {
					if !log.sent(tc.query) {
						return fmt.Errorf("%s: no GET /keys carried exactly %v; sent %v", name, tc.query, log.queries)
					}
				}
				return nil
			},
		}},
	})
}

// TestAccAPIKeysDataSource_memberAndAdmin: a member lists only their own
// keys and may not name anyone else; an admin may list a user of their own
// organization but not of another.
func TestAccAPIKeysDataSource_memberAndAdmin(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	member := dsAddUser(t, env, env.boot.OrganizationID, "member@example.org", emulator.RoleMember)
	mine, memberSecret := dsIssueKey(t, env, member, emulator.KeySpec{Description: "member's own"})
	second, secondSecret := dsIssueKey(t, env, member, emulator.KeySpec{Environment: "production", Description: "second"})
	colleague := dsAddUser(t, env, env.boot.OrganizationID, "colleague@example.org", emulator.RoleMember)
	_, colleagueSecret := dsIssueKey(t, env, colleague, emulator.KeySpec{})
	otherOrg, err := env.emu.AddOrganization("other", true)
	if err != nil {
		t.Fatal(err)
	}
	stranger := dsAddUser(t, env, otherOrg, "stranger@example.org", emulator.RoleMember)
	_, strangerSecret := dsIssueKey(t, env, stranger, emulator.KeySpec{})

	asMember := env.providerBlockWithKey(memberSecret)
	memberKeys := dsOrdered(mine, second)
	noSecrets := checkNoSecretInDataSources(env.boot.APIKey, memberSecret, secondSecret, colleagueSecret, strangerSecret)

	// Member and admin run in separate steps rather than as two aliased
	// provider blocks: the in-process test server is one provider instance,
	// so the alias's Configure would replace the default's.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: asMember + fmt.Sprintf(`
data "domaintrust_api_keys" "mine" {}

data "domaintrust_api_keys" "mine_by_id" {
  user_id = %q
}
`, member),
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyIDs("data.domaintrust_api_keys.mine", memberKeys...),
					expectKeyIDs("data.domaintrust_api_keys.mine_by_id", memberKeys...),
				},
				Check: noSecrets,
			},
			{
				Config: asMember + fmt.Sprintf(`
data "domaintrust_api_keys" "colleague" {
  user_id = %q
}
`, colleague),
				ExpectError: expectError("Could not list Domain Trust API keys: permission denied"),
			},
			{
				Config: env.providerBlock() + fmt.Sprintf(`
data "domaintrust_api_keys" "by_admin" {
  user_id = %q
}
`, member),
				ConfigStateChecks: []statecheck.StateCheck{expectKeyIDs("data.domaintrust_api_keys.by_admin", memberKeys...)},
				Check:             noSecrets,
			},
			{
				Config: env.providerBlock() + fmt.Sprintf(`
data "domaintrust_api_keys" "stranger" {
  user_id = %q
}
`, stranger),
				ExpectError: expectError("Domain Trust knows no user " + stranger + " in the organization"),
			},
		},
	})
}

// TestAccAPIKeysDataSource_invalidFilters: bad filter values fail at plan,
// before any request reaches the API.
func TestAccAPIKeysDataSource_invalidFilters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cases := map[string]struct{ body, want string }{
		"environment":    {`environment = "staging"`, `value must be one of: ["testing" "production"]`},
		"expires_after":  {`expires_after = "tomorrow"`, `"tomorrow" is not an RFC 3339 time`},
		"expires_before": {`expires_before = "2027-06-30"`, `"2027-06-30" is not an RFC 3339 time`},
		"inverted window": {`
  expires_after  = "2027-07-01T00:00:00Z"
  expires_before = "2027-06-30T00:00:00Z"`,
			`expires_after (2027-07-01T00:00:00Z) must be before expires_before (2027-06-30T00:00:00Z)`},
		"empty window in two offsets": {`
  expires_after  = "2027-06-30T02:00:00+02:00"
  expires_before = "2027-06-30T00:00:00Z"`, `Empty expiry window`},
		"empty user_id":      {`user_id = ""`, `user_id must be a Domain Trust user id, a UUID`},
		"user_id not a UUID": {`user_id = "bob"`, `user_id must be a Domain Trust user id, a UUID`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      dsKeysConfig(env, map[string]string{"test": tc.body}),
					PlanOnly:    true,
					ExpectError: expectError(tc.want),
				}},
			})
		})
	}
	t.Run("id not a UUID", func(t *testing.T) {
		t.Parallel()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: env.factories(),
			Steps: []resource.TestStep{{
				Config:      env.providerBlock() + `data "domaintrust_api_key" "test" { id = "not-a-uuid" }`,
				PlanOnly:    true,
				ExpectError: expectError("must be a Domain Trust API key id, a UUID"),
			}},
		})
	})
	t.Cleanup(func() {
		if st := env.emu.Stats(); st.Total != 0 {
			t.Errorf("invalid configurations reached the API: %+v", st)
		}
	})
}

// dsLeakSecret makes GET /keys and GET /keys/{id} answer with a secret in
// every key object, as a broken server might, so the test can prove the data
// sources drop it rather than rely on the API never sending one.
func dsLeakSecret(secret string, leaked *atomic.Int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/api/keys") {
				next.ServeHTTP(w, r)
				return
			}
			r.Header.Del("Accept-Encoding") // a plain JSON answer to rewrite
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			var doc map[string]any
			if rec.Code == http.StatusOK && json.Unmarshal(body, &doc) == nil {
				objs, _ := doc["keys"].([]any)
				if k, ok := doc["key"]; ok {
					objs = append(objs, k)
				}
				for _, o := range objs {
					if k, ok := o.(map[string]any); ok {
						k["key"] = secret
						leaked.Add(1)
					}
				}
				body, _ = json.Marshal(doc)
			}
			for name, values := range rec.Header() {
				if name != "Content-Length" {
					w.Header()[name] = values
				}
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
}

// TestAccAPIKeyDataSources_secretFromServerIsDropped: even when the server
// sends a key's secret with every key, neither data source stores it.
func TestAccAPIKeyDataSources_secretFromServerIsDropped(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k, secret := dsIssueKey(t, env, env.boot.UserID, emulator.KeySpec{Description: "leaky"})
	var leaked atomic.Int64
	dsWrapEndpoint(t, env, dsLeakSecret(secret, &leaked))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + fmt.Sprintf(`
data "domaintrust_api_keys" "all" {
  include_auto_generated = true
}

data "domaintrust_api_key" "test" {
  id = %q
}
`, k.ID),
			ConfigStateChecks: expectKeyAttrs(keyDataAddr, k),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("data.domaintrust_api_keys.all", "keys.#", "2"),
				checkNoSecretInDataSources(secret, env.boot.APIKey),
				func(*terraform.State) error {
					if leaked.Load() == 0 {
						return fmt.Errorf("the server never sent a secret, so the test proves nothing")
					}
					return nil
				},
			),
		}},
	})
}

// TestAccDataSourceExamples runs both documentation examples against the
// emulator, so they cannot rot: the check blocks warn about exactly the
// production keys that expire within 14 days, and the output lists a user's
// key ids.
func TestAccDataSourceExamples(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, true)
	const d = 24 * time.Hour
	now := env.clock.Now().Truncate(time.Second)
	soon, _ := dsIssueKey(t, env, env.boot.UserID, emulator.KeySpec{Environment: "production", Description: "soon", Expiry: now.Add(7 * d)})
	later, _ := dsIssueKey(t, env, env.boot.UserID, emulator.KeySpec{Environment: "production", Description: "later", Expiry: now.Add(60 * d)})
	testing3, _ := dsIssueKey(t, env, env.boot.UserID, emulator.KeySpec{Environment: "testing", Description: "testing", Expiry: now.Add(3 * d)})
	member := dsAddUser(t, env, env.boot.OrganizationID, "member@example.org", emulator.RoleMember)
	m1, _ := dsIssueKey(t, env, member, emulator.KeySpec{})
	m2, _ := dsIssueKey(t, env, member, emulator.KeySpec{Environment: "production"})

	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", name, "data-source.tf"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	single := read("domaintrust_api_key")
	const placeholder = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
	if !strings.Contains(single, placeholder) {
		t.Fatalf("the domaintrust_api_key example no longer uses id %s", placeholder)
	}
	cli := newTFCLI(t, env)
	cli.write(env.providerBlock() + strings.ReplaceAll(single, placeholder, soon.ID) + read("domaintrust_api_keys"))

	out := cli.mustRun("apply", "-auto-approve", "-var", "user_id="+member)
	expectOutput(t, out,
		`Warning: Check block assertion failed`,
		`Production API keys expiring within 14 days: `+soon.ID+` (soon, expires `+dsRFC3339(soon.Expiry)+`). Rotate them`,
		`API key `+soon.ID+` expires at `+dsRFC3339(soon.Expiry)+`, within 14 days.`)
	// The plan above the warnings prints every key read; only the warnings
	// matter here.
	_, warnings, _ := strings.Cut(out, "Warning: Check block assertion failed")
	for _, k := range []emulator.Key{later, testing3} {
		if strings.Contains(warnings, k.ID) {
			t.Errorf("the warnings name key %s (%s), which is not a production key expiring soon:\n%s", k.ID, k.Description, out)
		}
	}

	var ids []string
	if err := json.Unmarshal([]byte(cli.mustRun("output", "-json", "user_key_ids")), &ids); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, k := range dsOrdered(m1, m2) {
		want = append(want, k.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("user_key_ids = %v, want %v", ids, want)
	}
}

// dsFakeAPI answers ListKeys and GetKey from fixed data; other calls panic
// through the nil embedded interface, which these tests never make.
type dsFakeAPI struct {
	keyAPI
	keys []client.Key
}

func (f *dsFakeAPI) ListKeys(context.Context, client.ListKeysInput) ([]client.Key, error) {
	return slices.Clone(f.keys), nil
}

func (f *dsFakeAPI) GetKey(_ context.Context, id string) (*client.Key, error) {
	for i := range f.keys {
		if strings.EqualFold(f.keys[i].ID, id) {
			k := f.keys[i]
			return &k, nil
		}
	}
	return nil, &client.Error{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: "/keys/" + id, Body: client.BodyProblem}
}

func (f *dsFakeAPI) CurrentUser(context.Context) (*client.User, error) {
	return &client.User{ID: "u1", Role: "admin"}, nil
}

// TestAPIKeysDataSource_orderAndDuplicates: whatever order a server answers
// in, and even if a key shows up on two pages, the list is in (created, id)
// order with each key once, and secrets the server sends are dropped.
func TestAPIKeysDataSource_orderAndDuplicates(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	const secret = "dtk_fake_secret_value"
	key := func(id string, created time.Time) client.Key {
		return client.Key{ID: id, Created: created, Expiry: created.Add(time.Hour), Environment: "testing", Secret: secret}
	}
	fake := &dsFakeAPI{keys: []client.Key{
		key("c", t0), key("b", t0.Add(time.Second)), key("a", t0), key("c", t0), key("0", t0.Add(-time.Second)),
	}}
	ds := &apiKeysDataSource{data: newProviderData(fake, clock.NewMock(), "https://domain-trust.example/api")}
	resp := dsRead(t, ds, nil)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var got apiKeysModel
	if diags := resp.State.Get(context.Background(), &got); diags.HasError() {
		t.Fatal(diags)
	}
	var ids []string
	for _, k := range got.Keys {
		ids = append(ids, k.ID.ValueString())
		for _, v := range []string{k.Description.ValueString(), k.Environment.ValueString(), k.UserID.ValueString()} {
			if strings.Contains(v, secret) {
				t.Errorf("key %s holds the secret", k.ID)
			}
		}
	}
	if want := []string{"0", "a", "c", "b"}; !slices.Equal(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
}
