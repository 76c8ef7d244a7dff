// Test helpers shared by the provider's tests: the environment (an in-process
// emulator and provider sharing one mock clock), configuration builders,
// plan and error expectations, time, checks on state and the emulator, and
// the terraform CLI harness. Feature tests assert; what they share lives here.
package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// ---- The test environment ----

// testEnv is one in-process emulator with its own organization, plus a
// provider wired to it. Provider and emulator read the same mock clock, so a
// test moves time for both at once.
type testEnv struct {
	t        *testing.T
	emu      *emulator.Emulator
	clock    *clock.Mock
	boot     emulator.Bootstrap
	endpoint string
}

type envOption func(*emulator.Options)

func newTestEnv(t *testing.T, productionAccess bool, opts ...envOption) *testEnv {
	t.Helper()
	mock := clock.NewMock()
	o := emulator.Options{Clock: mock, Seed: 1}
	for _, opt := range opts {
		opt(&o)
	}
	emu, err := emulator.New(o)
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	boot, err := emu.Bootstrap("", productionAccess)
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testEnv{t: t, emu: emu, clock: mock, boot: boot, endpoint: srv.URL + "/api"}
}

// wrap puts mw between the provider and the emulator from now on, for tests
// that watch, hold back or doctor the API's answers; call it before writing
// a configuration, which names the endpoint.
func (e *testEnv) wrap(mw func(http.Handler) http.Handler) {
	e.t.Helper()
	srv := httptest.NewServer(mw(e.emu))
	e.t.Cleanup(srv.Close)
	e.endpoint = srv.URL + "/api"
}

// hook is wrap with before called for every request, before the emulator
// handles it, so a test can look at the emulator's state at that moment.
func (e *testEnv) hook(before func(*http.Request)) {
	e.t.Helper()
	e.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			before(r)
			next.ServeHTTP(w, r)
		})
	})
}

// factories serves this provider in-process, with the test clock and retry
// waits short enough that injected faults do not slow tests down.
func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		// A new instance per call, as Terraform starts one provider process
		// per provider block (aliases included).
		"domaintrust": func() (tfprotov6.ProviderServer, error) {
			return ctxrelease.NewProtocol6WithError(e.provider()())()
		},
	}
}

func (e *testEnv) provider() func() provider.Provider {
	return New("test",
		WithClock(e.clock),
		WithClientConfig(func(c *client.Config) {
			c.RetryWaitMin = time.Millisecond
			c.RetryWaitMax = 20 * time.Millisecond
		}),
	)
}

// useEnvCredentials points the provider at this environment's emulator
// through DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY, as a CI job does.
// The in-process provider reads the test process's environment.
func (e *testEnv) useEnvCredentials(t *testing.T) {
	t.Helper()
	t.Setenv(envEndpoint, e.endpoint)
	t.Setenv(envAPIKey, e.boot.APIKey)
}

// issueKey seeds a key straight into the emulator, as the dashboard would,
// and returns it with its secret.
func (e *testEnv) issueKey(userID string, spec emulator.KeySpec) (emulator.Key, string) {
	e.t.Helper()
	k, secret, err := e.emu.IssueKey(userID, spec)
	if err != nil {
		e.t.Fatalf("issue key: %v", err)
	}
	return k, secret
}

// addUser seeds a user of org into the emulator and returns their id.
func (e *testEnv) addUser(orgID, email string, role emulator.Role) string {
	e.t.Helper()
	id, err := e.emu.AddUser(orgID, emulator.UserSpec{Email: email, FirstName: "Test", LastName: "User", Role: role})
	if err != nil {
		e.t.Fatalf("add user %s: %v", email, err)
	}
	return id
}

// testingKey is a testing key's specification for issueKey.
func testingKey(description string, expiry time.Time) emulator.KeySpec {
	return emulator.KeySpec{Environment: "testing", Description: description, Expiry: expiry}
}

// fakeAPI answers ListKeys, GetKey and CurrentUser from fixed data; other
// calls panic through the nil embedded interface, which its tests never make.
type fakeAPI struct {
	keyAPI
	keys []client.Key
}

func (f *fakeAPI) ListKeys(context.Context, client.ListKeysInput) ([]client.Key, error) {
	return slices.Clone(f.keys), nil
}

func (f *fakeAPI) GetKey(_ context.Context, id string) (*client.Key, error) {
	for i := range f.keys {
		if strings.EqualFold(f.keys[i].ID, id) {
			k := f.keys[i]
			return &k, nil
		}
	}
	return nil, &client.Error{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: "/keys/" + id, Body: client.BodyProblem}
}

func (f *fakeAPI) CurrentUser(context.Context) (*client.User, error) {
	return &client.User{ID: "u1", Role: "admin"}, nil
}

// serveAll starts a server that answers every request the same way and
// returns its endpoint.
func serveAll(t *testing.T, status int, contentType, body string) string {
	t.Helper()
	return serveCounting(t, nil, status, contentType, body)
}

// serveCounting is serveAll that counts requests in n (when not nil).
func serveCounting(t *testing.T, n *atomic.Int32, status int, contentType, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n != nil {
			n.Add(1)
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api"
}

// ---- Configuration builders ----

const requiredProviders = `
terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}
`

// providerBlock configures the provider for this environment's admin.
func (e *testEnv) providerBlock() string {
	return e.providerBlockWithKey(e.boot.APIKey)
}

func (e *testEnv) providerBlockWithKey(apiKey string) string {
	return fmt.Sprintf(`
provider "domaintrust" {
  endpoint = %q
  api_key  = %q
}
`, e.endpoint, apiKey)
}

// providerBlockKnownAtApply configures the provider with an API key that
// passes through terraform_data, so Terraform knows it only at apply.
func (e *testEnv) providerBlockKnownAtApply() string {
	return fmt.Sprintf(`
resource "terraform_data" "provider_key" {
  input = %q
}

provider "domaintrust" {
  endpoint = %q
  api_key  = terraform_data.provider_key.output
}
`, e.boot.APIKey, e.endpoint)
}

const wrongAPIKey = "dtk_not_a_valid_key_0000000000"

const keyAddr = "domaintrust_api_key.test"

const keyDataAddr = "data.domaintrust_api_key.test"

func keyConfig(env *testEnv, body string) string {
	return env.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
%s
}
`, body)
}

func newKeyConfig(env *testEnv, provider string) string {
	return provider + fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = %q
}
`, env.future(30*day))
}

// twoKeysConfig declares two keys; skip adds skip_credentials_validation.
func twoKeysConfig(env *testEnv, endpoint string, skip bool) string {
	return fmt.Sprintf(`
provider "domaintrust" {
  endpoint                    = %q
  api_key                     = %q
  skip_credentials_validation = %t
}

resource "domaintrust_api_key" "pair" {
  for_each    = toset(["a", "b"])
  environment = "testing"
  description = "pair ${each.key}"
  expiration  = %q
}
`, endpoint, env.boot.APIKey, skip, env.future(30*day))
}

// manyKeysConfig declares n keys with for_each; the first dup of them share
// identical attributes, so their create bodies are indistinguishable. The
// provider runs with its default settings.
func manyKeysConfig(env *testEnv, n, dup int, expiration string) string {
	return fmt.Sprintf(`
provider "domaintrust" {
  endpoint = %q
  api_key  = %q
}

locals {
  names = [for i in range(%d) : format("k%%03d", i)]
}

resource "domaintrust_api_key" "many" {
  for_each    = toset(local.names)
  environment = "testing"
  description = tonumber(substr(each.key, 1, 3)) < %d ? "duplicate" : "key ${each.key}"
  expiration  = %q
}
`, env.endpoint, env.boot.APIKey, n, dup, expiration)
}

func rotatingConfig(env *testEnv, period, rotateBefore string) string {
	return keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "deploy pipeline"
  rotation = {
    period        = %q
    rotate_before = %q
  }
  lifecycle {
    create_before_destroy = true
  }`, period, rotateBefore))
}

func keysDataSourceConfig(env *testEnv, blocks map[string]string) string {
	var b strings.Builder
	b.WriteString(env.providerBlock())
	for _, name := range slices.Sorted(maps.Keys(blocks)) {
		fmt.Fprintf(&b, "\ndata \"domaintrust_api_keys\" %q {\n%s\n}\n", name, blocks[name])
	}
	return b.String()
}

// The guides' tests run the real terraform binary on the guides' own example
// files under examples/guides/, read from disk, so a guide cannot drift from
// what is tested. They configure the provider the way the guides tell users
// to, through DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY (useEnvCredentials),
// which is why they set process environment and do not run in parallel.

// guidesExamples is examples/guides/ relative to this package.
var guidesExamples = filepath.Join("..", "..", "examples", "guides")

// readGuideExample returns a file of examples/guides/, such as
// "ci-pipeline-keys/main.tf".
func readGuideExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(guidesExamples, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ---- Plan and error expectations ----

func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddr, action)}}
}

// expectPlanErrors plans each configuration (subtests of "plan", run in
// parallel) and expects the plan to fail with the message that goes with it.
// It returns when every plan has run, so the caller can check what they did.
func (e *testEnv) expectPlanErrors(t *testing.T, cases map[string]struct{ config, want string }) {
	t.Helper()
	t.Run("plan", func(t *testing.T) {
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: e.factories(),
					Steps: []resource.TestStep{{
						Config:      tc.config,
						PlanOnly:    true,
						ExpectError: expectError(tc.want),
					}},
				})
			})
		}
	})
}

// expectError is a regexp that matches msg across Terraform's line wrapping.
func expectError(msg string) *regexp.Regexp {
	words := strings.Fields(regexp.QuoteMeta(msg))
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// expectOutput fails the test for each want that out lacks, comparing with
// white space folded: terraform wraps diagnostics at 80 columns.
func expectOutput(t *testing.T, out string, wants ...string) {
	t.Helper()
	folded := strings.Join(strings.Fields(out), " ")
	for _, want := range wants {
		if !strings.Contains(folded, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("terraform output lacks %q:\n%s", want, out)
		}
	}
}

// ---- Time ----

const day = 24 * time.Hour

// future returns an RFC 3339 time d from the test clock's now, whole seconds.
func (e *testEnv) future(d time.Duration) string {
	return e.clock.Now().Add(d).UTC().Truncate(time.Second).Format(time.RFC3339)
}

// rfc3339 formats t the way the provider writes times to state.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ---- Checks on state and the emulator ----

// liveKeyIDs returns the ids of the keys the emulator holds, except the
// bootstrap key.
func (e *testEnv) liveKeyIDs() []string {
	var ids []string
	for _, k := range e.emu.Keys() {
		if k.ID != e.boot.KeyID {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

// checkNoKeysLeft is a CheckDestroy: after destroy the emulator holds only the
// bootstrap key.
func (e *testEnv) checkNoKeysLeft(*terraform.State) error {
	if ids := e.liveKeyIDs(); len(ids) > 0 {
		return fmt.Errorf("keys left after destroy: %v", ids)
	}
	return nil
}

// captureAttr stores an attribute of a resource in *dst during a Check.
func captureAttr(name, attr string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s not in state", name)
		}
		*dst = rs.Primary.Attributes[attr]
		return nil
	}
}

// checkKeyAuthenticates proves the secret in state is a working key, without
// ever printing it.
func (e *testEnv) checkKeyAuthenticates(name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s not in state", name)
		}
		if !e.emu.Authenticates(rs.Primary.Attributes["key"]) {
			return fmt.Errorf("the key value in state of %s does not authenticate (value withheld)", name)
		}
		return nil
	}
}

func (e *testEnv) checkKeyCount(n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if ids := e.liveKeyIDs(); len(ids) != n {
			return fmt.Errorf("emulator holds %d keys %v, want %d", len(ids), ids, n)
		}
		return nil
	}
}

// checkCreatedBeforeDeleted proves create_before_destroy ordering on the
// emulator's side: some key was created before oldID was deleted.
func (e *testEnv) checkCreatedBeforeDeleted(oldID string) error {
	var deletedAt int64 = -1
	var createdBefore bool
	oldCreated := false
	for _, ev := range e.emu.Events() {
		switch {
		case ev.Kind == "key.created" && ev.KeyID == oldID:
			oldCreated = true
		case ev.Kind == "key.created" && oldCreated && deletedAt < 0:
			createdBefore = true
		case ev.Kind == "key.deleted" && ev.KeyID == oldID:
			deletedAt = ev.Seq
		}
	}
	if deletedAt < 0 {
		return fmt.Errorf("old key %s was not deleted", oldID)
	}
	if !createdBefore {
		return fmt.Errorf("old key %s was deleted before its replacement was created", oldID)
	}
	return nil
}

// checkNoSecretInDataSources fails when any attribute of any data source in
// state holds one of the secrets, in full or in part of a longer value.
// Resources are skipped: a managed key's `key` holds its secret by design.
func checkNoSecretInDataSources(secrets ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		checked := 0
		for addr, rs := range s.RootModule().Resources {
			if !strings.HasPrefix(addr, "data.") {
				continue
			}
			for name, value := range rs.Primary.Attributes {
				for i, secret := range secrets {
					if secret != "" && strings.Contains(value, secret) {
						return fmt.Errorf("%s.%s holds secret #%d (value withheld)", addr, name, i)
					}
				}
				checked++
			}
		}
		if checked == 0 {
			return fmt.Errorf("no data source attributes in state to check")
		}
		return nil
	}
}

func expectKeyAttrs(addr string, k emulator.Key) []statecheck.StateCheck {
	check := func(attr string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v)
	}
	return []statecheck.StateCheck{
		check("id", knownvalue.StringExact(k.ID)),
		check("description", knownvalue.StringExact(k.Description)),
		check("environment", knownvalue.StringExact(k.Environment)),
		check("expiration", knownvalue.StringExact(rfc3339(k.Expiry))),
		check("created", knownvalue.StringExact(rfc3339(k.Created))),
		check("user_id", knownvalue.StringExact(k.UserID)),
		check("auto_generated", knownvalue.Bool(k.AutoGenerated)),
	}
}

// readDataSource calls Read on ds directly, with every attribute null but those in
// set, and returns the response.
func readDataSource(t *testing.T, ds datasource.DataSource, set map[string]tftypes.Value) datasource.ReadResponse {
	t.Helper()
	ctx := context.Background()
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("%T: schema type is not an object", ds)
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	maps.Copy(vals, set)
	req := datasource.ReadRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, req, &resp)
	return resp
}

// stateKeys reads the ids, expiries and secrets of every domaintrust_api_key
// instance in the CLI harness's state file.
type stateKey struct{ id, expiration, secret string }

func (c *tfCLI) stateKeys() []stateKey {
	c.t.Helper()
	var keys []stateKey
	for _, in := range c.stateInstances() {
		if strings.HasPrefix(in.Addr, "domaintrust_api_key.") {
			keys = append(keys, stateKey{in.str("id"), in.str("expiration"), in.str("key")})
		}
	}
	return keys
}

// expectStateMatchesEmulator fails unless Terraform's state and the
// emulator hold exactly the same keys with the same expiries, and every key
// in state authenticates.
func expectStateMatchesEmulator(t *testing.T, env *testEnv, cli *tfCLI, wantCount int, step string) {
	t.Helper()
	inState := map[string]stateKey{}
	for _, k := range cli.stateKeys() {
		inState[k.id] = k
	}
	remote := map[string]emulator.Key{}
	for _, k := range env.emu.Keys() {
		if k.ID != env.boot.KeyID {
			remote[k.ID] = k
		}
	}
	if len(inState) != wantCount || len(remote) != wantCount {
		t.Fatalf("%s: state holds %d keys, emulator %d, want %d (orphans: %v; lost: %v)",
			step, len(inState), len(remote), wantCount, missing(remote, inState), missing(inState, remote))
	}
	for id, sk := range inState {
		rk, ok := remote[id]
		if !ok {
			t.Fatalf("%s: key %s is in state but not in the emulator", step, id)
		}
		exp, err := time.Parse(time.RFC3339, sk.expiration)
		if err != nil || !exp.Equal(rk.Expiry) {
			t.Fatalf("%s: key %s expires at %q in state, %s in the emulator", step, id, sk.expiration, rk.Expiry)
		}
		if !env.emu.Authenticates(sk.secret) {
			t.Fatalf("%s: the value in state of key %s does not authenticate (value withheld)", step, id)
		}
	}
}

func missing[A, B any](have map[string]A, in map[string]B) []string {
	var out []string
	for id := range have {
		if _, ok := in[id]; !ok {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// expectNoSecrets fails the test if out holds any of the secrets, naming
// only which one.
func expectNoSecrets(t *testing.T, what, out string, secrets map[string]string) {
	t.Helper()
	for name, secret := range secrets {
		if secret != "" && strings.Contains(out, secret) {
			t.Errorf("the value of %s appears in %s (value withheld)", name, what)
		}
	}
}

// ---- The terraform CLI, run against the in-process provider ----

// skipWithoutTFAcc skips a test that starts Terraform unless TF_ACC is set,
// as make test does.
func skipWithoutTFAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (make test does)")
	}
}

// tfCLI runs the real terraform binary against this test's in-process
// provider (through TF_REATTACH_PROVIDERS), so a test can read what a user
// sees: warnings, which the testing framework does not surface, included.
// The provider keeps the test's mock clock.
type tfCLI struct {
	t   *testing.T
	dir string
	env []string
}

func newTFCLI(t *testing.T, env *testEnv) *tfCLI {
	t.Helper()
	skipWithoutTFAcc(t)
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatalf("terraform is not on PATH: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	server := ctxrelease.NewProtocol6(env.provider()())
	go func() {
		err := tf6server.Serve(Address, server,
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithoutLogStderrOverride(),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
		)
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the in-process provider did not start")
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})

	info, err := json.Marshal(map[string]any{Address: map[string]any{
		"Protocol":        cfg.Protocol,
		"ProtocolVersion": cfg.ProtocolVersion,
		"Pid":             cfg.Pid,
		"Test":            cfg.Test,
		"Addr":            map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(cliConfig, []byte("# no registry access in tests\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &tfCLI{t: t, dir: dir, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+string(info),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_LOG=",
	)}
}

// write replaces the working directory's configuration.
func (c *tfCLI) write(config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(requiredProviders+config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run runs terraform with args and returns its combined output.
func (c *tfCLI) run(args ...string) (string, error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// -no-color follows the (sub)command: `terraform state rm -no-color ...`.
	words := 1
	if args[0] == "state" {
		words = 2
	}
	cmd := exec.CommandContext(ctx, "terraform", append(args[:words:words], append([]string{"-no-color"}, args[words:]...)...)...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRun is run that fails the test on a non-zero exit.
func (c *tfCLI) mustRun(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	return out
}

// exitCode runs terraform and returns its output and exit code, for
// -detailed-exitcode (0: no changes, 1: error, 2: changes).
func (c *tfCLI) exitCode(args ...string) (string, int) {
	c.t.Helper()
	out, err := c.run(args...)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out, 0
	case errors.As(err, &exit):
		return out, exit.ExitCode()
	default:
		c.t.Fatalf("terraform %v: %v\n%s", args, err, out)
		return out, -1
	}
}

// expectEmptyPlan fails the test unless `terraform plan` proposes no change.
func (c *tfCLI) expectEmptyPlan(args ...string) {
	c.t.Helper()
	out, code := c.exitCode(append([]string{"plan", "-detailed-exitcode", "-input=false"}, args...)...)
	if code != 0 {
		c.t.Fatalf("terraform plan %v exited %d, want 0 (no changes):\n%s", args, code, out)
	}
}

// writeFile writes a file of the working directory.
func (c *tfCLI) writeFile(rel, content string) {
	c.t.Helper()
	p := filepath.Join(c.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// writeScript writes an executable shell script into the working directory.
func (c *tfCLI) writeScript(rel, content string) {
	c.t.Helper()
	c.writeFile(rel, content)
	if err := os.Chmod(filepath.Join(c.dir, rel), 0o700); err != nil {
		c.t.Fatal(err)
	}
}

// readFile reads a file of the working directory; "" when it does not exist.
func (c *tfCLI) readFile(rel string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// copyGuideExample copies files of examples/guides/<guide>/ into the working
// directory, keeping their relative paths (such as tests/x.tftest.hcl).
func (c *tfCLI) copyGuideExample(guide string, files ...string) {
	c.t.Helper()
	for _, f := range files {
		c.writeFile(f, readGuideExample(c.t, guide+"/"+f))
	}
}

// stateInstance is one object of a resource in the working directory's state.
type stateInstance struct {
	Addr    string // such as domaintrust_api_key.ci["a/b"]
	Deposed string // the deposed key, for an object replaced but not yet deleted
	Attrs   map[string]any
}

// key returns the secret value of a domaintrust_api_key object.
func (s stateInstance) key() string { return s.str("key") }

func (s stateInstance) str(name string) string {
	v, _ := s.Attrs[name].(string)
	return v
}

// stateInstances reads every managed resource object from terraform.tfstate.
func (c *tfCLI) stateInstances() []stateInstance {
	c.t.Helper()
	raw := c.readFile("terraform.tfstate")
	if raw == "" {
		return nil
	}
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				IndexKey   any            `json:"index_key"`
				Deposed    string         `json:"deposed"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(raw), &state); err != nil {
		c.t.Fatal(err)
	}
	var out []stateInstance
	for _, r := range state.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			addr := r.Type + "." + r.Name
			switch k := in.IndexKey.(type) {
			case string:
				addr += fmt.Sprintf("[%q]", k)
			case float64:
				addr += fmt.Sprintf("[%d]", int(k))
			}
			out = append(out, stateInstance{Addr: addr, Deposed: in.Deposed, Attrs: in.Attributes})
		}
	}
	return out
}

// stateInstance returns the current (not deposed) object at addr.
func (c *tfCLI) stateInstance(addr string) stateInstance {
	c.t.Helper()
	for _, s := range c.stateInstances() {
		if s.Addr == addr && s.Deposed == "" {
			return s
		}
	}
	c.t.Fatalf("%s is not in state", addr)
	return stateInstance{}
}

// ---- Delivering secrets: the stand-in the guides' tests use for a CI secret store ----

// delivery is one line of deliverStub's delivered.txt.
type delivery struct{ repository, environment, id, value string }

// deliverStub stands in for a guide's deliver-key.sh: instead of calling a
// secret store's CLI it records what the store would receive, one line per
// call, and fails while the file fail-delivery exists. Test-only: it writes
// key values to the test's temporary directory.
const deliverStub = `#!/bin/sh
[ ! -e fail-delivery ] || { echo "delivery failed (fail-delivery exists)" >&2; exit 1; }
printf '%s %s %s %s\n' "${REPOSITORY:--}" "${ENVIRONMENT:--}" "$KEY_ID" "$KEY_VALUE" >> delivered.txt
`

func parseDeliveries(t *testing.T, text string) []delivery {
	t.Helper()
	var out []delivery
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if len(f) != 4 {
			t.Fatalf("delivered.txt: malformed line with %d fields", len(f))
		}
		out = append(out, delivery{f[0], f[1], f[2], f[3]})
	}
	return out
}

func (c *tfCLI) deliveries() []delivery {
	c.t.Helper()
	return parseDeliveries(c.t, c.readFile("delivered.txt"))
}
