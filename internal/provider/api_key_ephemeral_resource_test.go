package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// ephemeralFactories serves this provider next to terraform-plugin-testing's
// echo provider, which copies ephemeral values into the test's own state so
// checks can see what Open returned.
func (e *testEnv) ephemeralFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	f := e.factories()
	f["echo"] = echoprovider.NewProviderServer()
	// A second instance of this provider, for configurations that
	// authenticate with an ephemeral key. Not an alias: in-process providers
	// serve every alias from one process, where each alias's Configure
	// replaces the client of the others
	// (hashicorp/terraform-plugin-framework#490).
	f["dtinner"] = ctxrelease.NewProtocol6WithError(e.provider()())
	return f
}

var ephemeralVersionChecks = []tfversion.TerraformVersionCheck{featureEphemeral}

// TestAccEphemeralAPIKey_openAndClose opens two ephemeral keys (one with
// every attribute set, one with defaults), uses one of them as a second
// provider configuration's API key to create a managed key, and checks that
// both ephemeral keys are gone once the run is over.
func TestAccEphemeralAPIKey_openAndClose(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	var innerID string

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: env.ephemeralFactories(),
		CheckDestroy:             env.checkNoKeysLeft,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + fmt.Sprintf(`
ephemeral "domaintrust_api_key" "smoke" {
  environment = "testing"
  description = "ephemeral smoke test"
  ttl         = "30m"
}

ephemeral "domaintrust_api_key" "defaults" {
  environment = "testing"
}

# Succeeds only if the ephemeral key authenticates while it is open.
provider "dtinner" {
  endpoint = %q
  api_key  = ephemeral.domaintrust_api_key.smoke.key
}

resource "domaintrust_api_key" "inner" {
  provider    = dtinner
  environment = "testing"
  description = "made with the ephemeral key"
  expiration  = %q
}

provider "echo" {
  data = {
    smoke    = ephemeral.domaintrust_api_key.smoke
    defaults = ephemeral.domaintrust_api_key.defaults
  }
}

resource "echo" "test" {}
`, env.endpoint, env.future(30*day)),
			ConfigStateChecks: []statecheck.StateCheck{
				env.keyAuthenticates("domaintrust_api_key.inner"),
				capture("domaintrust_api_key.inner", "id", &innerID),
				emulatorCheck(func() error {
					// The run is over: only the managed key remains.
					if ids := env.liveKeyIDs(); !slices.Equal(ids, []string{innerID}) {
						return fmt.Errorf("live keys after the run = %v, want only the managed key %s", ids, innerID)
					}
					return nil
				}),
				statecheck.ExpectKnownValue("echo.test", echoPath("smoke", "environment"), knownvalue.StringExact("testing")),
				statecheck.ExpectKnownValue("echo.test", echoPath("smoke", "description"), knownvalue.StringExact("ephemeral smoke test")),
				statecheck.ExpectKnownValue("echo.test", echoPath("smoke", "ttl"), knownvalue.StringExact("30m")),
				statecheck.ExpectKnownValue("echo.test", echoPath("smoke", "id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("echo.test", echoPath("smoke", "key"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("echo.test", echoPath("defaults", "ttl"), knownvalue.StringExact("1h")),
				statecheck.ExpectKnownValue("echo.test", echoPath("defaults", "description"), knownvalue.Null()),
				statecheck.ExpectKnownValue("domaintrust_api_key.inner", tfjsonpath.New("user_id"), knownvalue.StringExact(env.boot.UserID)),
				env.checkEchoedKeyClosed("smoke", 30*time.Minute),
				env.checkEchoedKeyClosed("defaults", time.Hour),
			},
		}},
	})
	env.checkEveryCreatedKeyDeleted(t)
}

func echoPath(name, attr string) tfjsonpath.Path {
	return tfjsonpath.New("data").AtMapKey(name).AtMapKey(attr)
}

// checkEchoedKeyClosed reads what the ephemeral resource returned (through
// echo's state) and proves the key was created with an expiry ttl after its
// creation, and was deleted again: it no longer exists nor authenticates.
func (e *testEnv) checkEchoedKeyClosed(name string, ttl time.Duration) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		resp.Error = func() error {
			data, err := echoData(req, name)
			if err != nil {
				return err
			}
			id, _ := data["id"].(string)
			secret, _ := data["key"].(string)
			expiration, _ := data["expiration"].(string)
			exp, err := time.Parse(time.RFC3339, expiration)
			if err != nil {
				return fmt.Errorf("%s: expiration %q is not RFC 3339", name, expiration)
			}
			created, deleted := e.eventTime(id, "key.created"), e.eventTime(id, "key.deleted")
			if created.IsZero() || deleted.IsZero() {
				return fmt.Errorf("%s: key %s created at %v, deleted at %v; want both", name, id, created, deleted)
			}
			if d := exp.Sub(created.Add(ttl)); d < -2*time.Second || d > 2*time.Second {
				return fmt.Errorf("%s: expiration %s is not creation (%s) + %s", name, expiration, created.Format(time.RFC3339), ttl)
			}
			if _, ok := e.emu.Key(id); ok {
				return fmt.Errorf("%s: key %s still exists after the run", name, id)
			}
			if e.emu.Authenticates(secret) {
				return fmt.Errorf("%s: the echoed key value still authenticates after the run (value withheld)", name)
			}
			return nil
		}()
	})
}

type stateCheckFunc func(context.Context, statecheck.CheckStateRequest, *statecheck.CheckStateResponse)

func (f stateCheckFunc) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	f(ctx, req, resp)
}

func echoData(req statecheck.CheckStateRequest, name string) (map[string]any, error) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != "echo.test" {
			continue
		}
		all, _ := r.AttributeValues["data"].(map[string]any)
		data, ok := all[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("echo.test data has no object %q", name)
		}
		return data, nil
	}
	return nil, fmt.Errorf("echo.test not in state")
}

// eventTime returns when the emulator recorded kind for key id, or zero.
func (e *testEnv) eventTime(id, kind string) time.Time {
	for _, ev := range e.emu.Events() {
		if ev.KeyID == id && ev.Kind == kind {
			return ev.Time
		}
	}
	return time.Time{}
}

// checkEveryCreatedKeyDeleted proves that no key minted during the test
// outlived it: every plan and apply opened ephemeral keys, and each was
// closed.
func (e *testEnv) checkEveryCreatedKeyDeleted(t *testing.T) {
	t.Helper()
	created, deleted := map[string]bool{}, map[string]bool{}
	for _, ev := range e.emu.Events() {
		switch ev.Kind {
		case "key.created":
			created[ev.KeyID] = true
		case "key.deleted":
			deleted[ev.KeyID] = true
		}
	}
	delete(created, e.boot.KeyID)
	if len(created) == 0 {
		t.Error("no key was created")
	}
	for id := range created {
		if !deleted[id] {
			t.Errorf("key %s was created and never deleted", id)
		}
	}
}

// TestAccEphemeralAPIKey_providerKnownOnlyAtApply configures the provider
// with a value known only after apply: the plan must go on with an unknown
// result instead of failing, and apply must open a working key.
func TestAccEphemeralAPIKey_providerKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: env.ephemeralFactories(),
		CheckDestroy:             env.checkNoKeysLeft,
		Steps: []resource.TestStep{{
			// depends_on is what the resource's page tells OpenTofu users to
			// write: OpenTofu then defers opening to apply by itself.
			Config: env.providerBlockKnownAtApply() + `
ephemeral "domaintrust_api_key" "test" {
  environment = "testing"
  depends_on  = [terraform_data.provider_key]
}

provider "echo" {
  data = { test = ephemeral.domaintrust_api_key.test }
}

resource "echo" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", echoPath("test", "key"), knownvalue.NotNull()),
				env.checkEchoedKeyClosed("test", time.Hour),
			},
		}},
	})
	env.checkEveryCreatedKeyDeleted(t)
}

// TestEphemeralAPIKeyOpenWithProviderUnknown opens the ephemeral resource
// while the provider block is unknown (plan): a client that can take a
// deferral gets one and nothing is created; a client that reports OpenTofu's
// version gets an error that says what to do; any other client gets an
// unknown result, which Terraform accepts during plan.
func TestEphemeralAPIKeyOpenWithProviderUnknown(t *testing.T) {
	ctx := context.Background()
	r := &apiKeyEphemeralResource{data: unconfiguredData(clock.NewMock(), "1.11.4")}
	var sr ephemeral.SchemaResponse
	r.Schema(ctx, ephemeral.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["environment"] = tftypes.NewValue(tftypes.String, "testing")
	open := func(deferralAllowed bool) ephemeral.OpenResponse {
		req := ephemeral.OpenRequest{
			Config:             tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)},
			ClientCapabilities: ephemeral.OpenClientCapabilities{DeferralAllowed: deferralAllowed},
		}
		resp := ephemeral.OpenResponse{Result: tfsdk.EphemeralResultData{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
		r.Open(ctx, req, &resp)
		return resp
	}

	deferred := open(true)
	if deferred.Deferred == nil || deferred.Deferred.Reason != ephemeral.DeferredReasonProviderConfigUnknown {
		t.Errorf("with deferral allowed: Deferred = %+v, want reason ProviderConfigUnknown", deferred.Deferred)
	}

	unknown := open(false)
	if unknown.Deferred != nil {
		t.Errorf("without deferral: Deferred = %+v, want none", unknown.Deferred)
	}
	var key types.String
	unknown.Diagnostics.Append(unknown.Result.GetAttribute(ctx, path.Root("key"), &key)...)
	if unknown.Diagnostics.HasError() || !key.IsUnknown() {
		t.Errorf("without deferral: key = %v, diagnostics %v; want unknown, no error", key, unknown.Diagnostics)
	}

	r.data = unconfiguredData(clock.NewMock(), openTofuReportedVersion)
	tofu := open(false)
	if !tofu.Diagnostics.HasError() || !strings.Contains(tofu.Diagnostics.Errors()[0].Detail(), "depends_on") {
		t.Errorf("OpenTofu: diagnostics %v, want an error that says to add depends_on", tofu.Diagnostics)
	}
	if again := open(true); again.Deferred == nil || again.Diagnostics.HasError() {
		t.Errorf("OpenTofu with deferral allowed: Deferred = %+v, diagnostics %v; want a deferral", again.Deferred, again.Diagnostics)
	}
}

// TestAccEphemeralAPIKey_invalidConfig proves that bad values fail at plan,
// with messages that say what to write instead, before any key is minted.
func TestAccEphemeralAPIKey_invalidConfig(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	config := func(environment, ttl string) string {
		return env.providerBlock() + fmt.Sprintf(`
ephemeral "domaintrust_api_key" "test" {
  environment = %q
  ttl         = %q
}
`, environment, ttl)
	}
	var steps []resource.TestStep
	for _, c := range []struct{ environment, ttl, want string }{
		{"testing", "25h", `"25h" is longer than the maximum of 24h. Use a shorter duration, such as "1h".`},
		{"testing", "24h0m1s", `"24h0m1s" is longer than the maximum of 24h.`},
		{"testing", "0s", `"0s" must be longer than zero`},
		{"testing", "-30m", `"-30m" must be longer than zero`},
		{"testing", "90 minutes", `"90 minutes" is not a duration. Write a number followed by a unit`},
		{"staging", "1h", `Attribute environment value must be one of: ["testing" "production"], got: "staging"`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      config(c.environment, c.ttl),
			ExpectError: expectError(c.want),
		})
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersionChecks,
		ProtoV6ProviderFactories: env.factories(),
		Steps:                    steps,
	})
	if n := env.stats().ByRoute["POST /keys"]; n != 0 {
		t.Errorf("invalid configurations sent %d POST /keys; want none", n)
	}
}

// TestAccEphemeralAPIKey_neverInPlanOrState runs plan -out, show -json and
// apply of the saved plan through the real CLI, then searches every file
// Terraform wrote (plan file entries included) and everything it printed for
// the ids and values of the ephemeral keys it minted.
func TestAccEphemeralAPIKey_neverInPlanOrState(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	rec := env.interpose(nil)
	cli := newTFCLI(t, env)
	skipWithout(t, featureEphemeral)
	// The ephemeral key configures the provider that creates the managed
	// key, as it would configure a provider for a run: so it is used in plan
	// and in apply, and every CLI opens it in both (OpenTofu opens one that
	// nothing refers to only once).
	cli.write(env.providerBlock() + fmt.Sprintf(`
ephemeral "domaintrust_api_key" "test" {
  environment = "testing"
  description = "ephemeral"
  ttl         = "10m"
}

provider "domaintrust" {
  alias    = "ephemeral"
  endpoint = %q
  api_key  = ephemeral.domaintrust_api_key.test.key
}

resource "domaintrust_api_key" "managed" {
  provider    = domaintrust.ephemeral
  environment = "testing"
  description = "managed"
  expiration  = %q
}
`, env.endpoint, env.future(30*day)))

	var output strings.Builder
	output.WriteString(cli.mustRun("plan", "-out=tfplan"))
	planJSON := cli.mustRun("show", "-json", "tfplan")
	output.WriteString(planJSON)
	output.WriteString(cli.mustRun("apply", "tfplan"))
	if !strings.Contains(planJSON, `"domaintrust_api_key.managed"`) {
		t.Fatalf("terraform show -json tfplan does not describe the plan:\n%s", planJSON)
	}

	minted := rec.keys("ephemeral")
	if len(minted) != 2 {
		t.Fatalf("minted %d ephemeral keys; want one for plan and one for apply", len(minted))
	}
	for _, k := range minted {
		if _, ok := env.emu.Key(k.ID); ok {
			t.Errorf("ephemeral key %s still exists after the run", k.ID)
		}
		for _, needle := range []struct{ what, value string }{{"id", k.ID}, {"value", k.Secret}} {
			if strings.Contains(output.String(), needle.value) {
				t.Errorf("terraform output contains the ephemeral key's %s", needle.what)
			}
			for _, file := range filesContaining(t, cli.dir, needle.value) {
				t.Errorf("%s contains the ephemeral key's %s", file, needle.what)
			}
		}
	}
	// The search must be able to find things: the managed key's id is in state.
	managed := rec.keys("managed")
	if len(managed) != 1 || len(filesContaining(t, cli.dir, managed[0].ID)) == 0 {
		t.Fatalf("managed key %v not found in the working directory; the search is broken", managed)
	}
	if _, err := os.Stat(filepath.Join(cli.dir, "terraform.tfstate")); err != nil {
		t.Fatalf("no state file: %v", err)
	}
	cli.mustRun("destroy", "-auto-approve")
	env.checkEveryCreatedKeyDeleted(t)
}

// TestAccEphemeralAPIKey_closeFailures makes DELETE fail and reads what the
// user sees: a warning that names the surviving key and its expiry when the
// API refuses, and nothing when the key is already gone.
func TestAccEphemeralAPIKey_closeFailures(t *testing.T) {
	t.Parallel()
	// apply opens and closes an ephemeral key with onDelete answering (or
	// preparing) its DELETE, and returns the output and the keys minted.
	apply := func(t *testing.T, onDelete func(env *testEnv, w http.ResponseWriter, id string) bool) (*testEnv, string, []mintedKey) {
		t.Helper()
		env := newTestEnv(t, false)
		rec := env.interpose(func(w http.ResponseWriter, id string) bool { return onDelete(env, w, id) })
		cli := newTFCLI(t, env)
		skipWithout(t, featureEphemeral)
		cli.write(env.providerBlock() + `
ephemeral "domaintrust_api_key" "test" {
  environment = "testing"
  description = "ephemeral"
  ttl         = "15m"
}
`)
		out := cli.mustRun("apply", "-auto-approve")
		minted := rec.keys("ephemeral")
		if len(minted) == 0 {
			t.Fatal("no ephemeral key was minted")
		}
		return env, out, minted
	}
	answer := func(status int, contentType, body string) func(*testEnv, http.ResponseWriter, string) bool {
		return func(_ *testEnv, w http.ResponseWriter, _ string) bool {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
			return true
		}
	}

	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		env, out, minted := apply(t, answer(http.StatusInternalServerError, "application/problem+json",
			`{"title":"Internal Server Error","status":500,"detail":"simulated outage"}`))
		for _, k := range minted {
			key, ok := env.emu.Key(k.ID)
			if !ok {
				t.Fatalf("key %s is gone although its delete was refused", k.ID)
			}
			if d := key.Expiry.Sub(key.Created); d < 15*time.Minute-2*time.Second || d > 15*time.Minute+2*time.Second {
				t.Errorf("key %s lives %s; want the ttl, 15m", k.ID, d)
			}
			expectOutput(t, out,
				"Warning: Could not delete ephemeral Domain Trust API key "+k.ID,
				"simulated outage",
				"The key stays valid until it expires at "+key.Expiry.UTC().Format(time.RFC3339)+" and stops working then.",
				"delete key "+k.ID+" in the Domain Trust dashboard")
		}
		// The undeleted keys die at their expiry.
		env.clock.Advance(15*time.Minute + time.Second)
		for _, k := range minted {
			if env.emu.Authenticates(k.Secret) {
				t.Errorf("key %s still authenticates after its expiry", k.ID)
			}
		}
	})
	t.Run("404 that proves nothing", func(t *testing.T) {
		t.Parallel()
		// A proxy's page, not the API's problem document.
		env, out, minted := apply(t, answer(http.StatusNotFound, "text/html", "<html><body>404 Not Found</body></html>"))
		for _, k := range minted {
			if _, ok := env.emu.Key(k.ID); !ok {
				t.Fatalf("key %s is gone although its delete never reached the API", k.ID)
			}
			expectOutput(t, out, "Warning: Could not delete ephemeral Domain Trust API key "+k.ID, "404 Not Found")
		}
	})
	t.Run("already gone", func(t *testing.T) {
		t.Parallel()
		env, out, _ := apply(t, func(env *testEnv, _ http.ResponseWriter, id string) bool {
			// Someone deleted the key first; the emulator then answers 404.
			_ = env.emu.DeleteKeyOutOfBand(id)
			return false
		})
		if strings.Contains(out, "Warning: Could not delete") {
			t.Errorf("a key already gone produced a warning:\n%s", out)
		}
		if n := env.stats().ByStatus["404"]; n == 0 {
			t.Error("DELETE never answered 404; the test did not exercise the already-deleted path")
		}
		env.checkEveryCreatedKeyDeleted(t)
	})
}

// mintedKey is one key as POST /keys answered it.
type mintedKey struct {
	ID, Secret, Description string
}

// keyRecorder sits between the provider and the emulator: it records every
// key POST /keys creates (the emulator itself keeps only hashes) and lets a
// test take over DELETE /keys/{id}.
type keyRecorder struct {
	mu     sync.Mutex
	minted []mintedKey
}

func (r *keyRecorder) keys(description string) []mintedKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []mintedKey
	for _, k := range r.minted {
		if k.Description == description {
			out = append(out, k)
		}
	}
	return out
}

// interpose puts a recording proxy in front of the emulator (env.wrap).
// onDelete, when set, sees every DELETE /keys/{id} first; it returns true
// when it has answered the request itself. Call it before building provider
// blocks.
func (e *testEnv) interpose(onDelete func(w http.ResponseWriter, id string) bool) *keyRecorder {
	rec := &keyRecorder{}
	e.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id, ok := strings.CutPrefix(r.URL.Path, "/api/keys/"); ok && r.Method == http.MethodDelete && onDelete != nil {
				if onDelete(w, id) {
					return
				}
			}
			if r.Method != http.MethodPost || r.URL.Path != "/api/keys" {
				next.ServeHTTP(w, r)
				return
			}
			// An uncompressed answer can be read here and still suits the client.
			r.Header.Del("Accept-Encoding")
			resp := httptest.NewRecorder()
			next.ServeHTTP(resp, r)
			rec.record(resp)
			for k, v := range resp.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(resp.Code)
			_, _ = w.Write(resp.Body.Bytes())
		})
	})
	return rec
}

// record notes the key a POST /keys answer created.
func (r *keyRecorder) record(resp *httptest.ResponseRecorder) {
	var body struct {
		Key struct {
			ID          string `json:"id"`
			Key         string `json:"key"`
			Description string `json:"description"`
		} `json:"key"`
	}
	if resp.Code == http.StatusCreated && json.Unmarshal(resp.Body.Bytes(), &body) == nil {
		r.mu.Lock()
		r.minted = append(r.minted, mintedKey{ID: body.Key.ID, Secret: body.Key.Key, Description: body.Key.Description})
		r.mu.Unlock()
	}
}

// TestEphemeralAPIKeyOpenAsOpenTofu goes through the protocol server as
// OpenTofu 1.12 does during a plan whose provider block is known only at
// apply: Configure with an unknown API key and the version OpenTofu reports,
// then Open without deferral. The answer is an error that says what to do,
// not a value OpenTofu would call a provider bug.
func TestEphemeralAPIKeyOpenAsOpenTofu(t *testing.T) {
	env := newTestEnv(t, false)
	p := env.protocolUnconfigured(t)
	p.requireNoErrors("ConfigureProvider", p.configure(openTofuReportedVersion, map[string]tftypes.Value{
		"endpoint": protocoltest.String(env.endpoint),
		"api_key":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	}))
	opened, err := p.srv.OpenEphemeralResource(p.ctx, &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "domaintrust_api_key",
		Config: p.dynamic(p.schemas.EphemeralResourceSchemas["domaintrust_api_key"], map[string]tftypes.Value{
			"environment": protocoltest.String("testing"),
		}),
		ClientCapabilities: &tfprotov6.OpenEphemeralResourceClientCapabilities{DeferralAllowed: false},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(opened.Diagnostics) != 1 || !strings.Contains(protocoltest.RequireErrorAt(t, opened.Diagnostics, nil, "Provider configuration known only at apply").Detail, "depends_on") {
		t.Fatalf("OpenEphemeralResource: want one error that says to add depends_on, got:\n%s", protocoltest.DiagnosticsText(opened.Diagnostics))
	}
	if n := env.stats().ByRoute["POST /keys"]; n != 0 {
		t.Errorf("%d keys created during a plan that cannot use them", n)
	}
}
