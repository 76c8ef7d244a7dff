// Checks: plan and error expectations, and checks on state, the emulator and
// output (secrets included).

package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

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

// stateCheck is a state check that knownvalue cannot express: what the
// emulator holds for a key in state, or that a secret in state works (never
// shown). It reads the state as every state check does (terraform show
// -json).
type stateCheck func(*tfjson.State) error

func (c stateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state to check")
		return
	}
	resp.Error = c(req.State)
}

// emulatorCheck is a state check of the emulator alone.
func emulatorCheck(check func() error) stateCheck {
	return func(*tfjson.State) error { return check() }
}

// valuesOf is the attribute values of the resource or data source addr in
// the root module of s.
func valuesOf(s *tfjson.State, addr string) (map[string]any, error) {
	for _, r := range s.Values.RootModule.Resources {
		if r.Address == addr {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s not in state", addr)
}

// text is a string attribute's value, "" when it is null or not a string.
func text(values map[string]any, name string) string {
	s, _ := values[name].(string)
	return s
}

// capture stores the string attribute attr of addr in *dst.
func capture(addr, attr string, dst *string) stateCheck {
	return func(s *tfjson.State) error {
		values, err := valuesOf(s, addr)
		*dst = text(values, attr)
		return err
	}
}

// keyAuthenticates proves the secret in state is a working key, without
// ever printing it.
func (e *testEnv) keyAuthenticates(addr string) stateCheck {
	return func(s *tfjson.State) error {
		values, err := valuesOf(s, addr)
		if err != nil {
			return err
		}
		if !e.emu.Authenticates(text(values, "key")) {
			return fmt.Errorf("the key value in state of %s does not authenticate (value withheld)", addr)
		}
		return nil
	}
}

// keyCount checks that the emulator holds n keys besides the bootstrap key.
func (e *testEnv) keyCount(n int) stateCheck {
	return emulatorCheck(func() error {
		if ids := e.liveKeyIDs(); len(ids) != n {
			return fmt.Errorf("emulator holds %d keys %v, want %d", len(ids), ids, n)
		}
		return nil
	})
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

// noSecretInDataSources fails when any attribute of any data source in
// state holds one of the secrets, in full or in part of a longer value, at
// any depth. Resources are skipped: a managed key's `key` holds its secret by
// design.
func noSecretInDataSources(secrets ...string) stateCheck {
	return func(s *tfjson.State) error {
		checked := 0
		for _, r := range s.Values.RootModule.Resources {
			if r.Mode != tfjson.DataResourceMode {
				continue
			}
			for name, v := range r.AttributeValues {
				for _, leaf := range leaves(v) {
					for i, secret := range secrets {
						if secret != "" && strings.Contains(leaf, secret) {
							return fmt.Errorf("%s.%s holds secret #%d (value withheld)", r.Address, name, i)
						}
					}
					checked++
				}
			}
		}
		if checked == 0 {
			return fmt.Errorf("no data source attributes in state to check")
		}
		return nil
	}
}

// leaves are the values in v, a value of JSON, as text.
func leaves(v any) []string {
	switch v := v.(type) {
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, leaves(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, leaves(e)...)
		}
		return out
	case string:
		return []string{v}
	}
	return []string{fmt.Sprint(v)}
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
	typ := sr.Schema.Type().TerraformType(ctx)
	req := datasource.ReadRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: protocoltest.Object(t, typ, set)}}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, req, &resp)
	return resp
}

// readDataSourceState is readDataSource's state, decoded into a model M; a
// diagnostic error fails the test.
func readDataSourceState[M any](t *testing.T, ds datasource.DataSource, set map[string]tftypes.Value) M {
	t.Helper()
	resp := readDataSource(t, ds, set)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var got M
	if diags := resp.State.Get(context.Background(), &got); diags.HasError() {
		t.Fatal(diags)
	}
	return got
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

// ---- Searches for secrets ----

// filesContaining lists the files under dir whose bytes, or for zip files
// (a saved plan) whose entries' bytes, contain needle.
func filesContaining(t *testing.T, dir, needle string) []string {
	t.Helper()
	var hits []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(raw, []byte(needle)) {
			hits = append(hits, p)
			return nil
		}
		zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			return nil //nolint:nilerr // not a zip file
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			content, err := io.ReadAll(rc)
			_ = rc.Close()
			if err != nil {
				return err
			}
			if bytes.Contains(content, []byte(needle)) {
				hits = append(hits, p+"!"+f.Name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// expectNoPlaintext fails the test if any secret appears in printed (what
// Terraform printed, and its log) or in a file under dir (plan files'
// entries included), without printing the secret.
func expectNoPlaintext(t *testing.T, dir, printed string, secrets ...string) {
	t.Helper()
	for i, s := range secrets {
		if strings.Contains(printed, s) {
			t.Errorf("secret %d appears in what Terraform printed or logged", i+1)
		}
		for _, f := range filesContaining(t, dir, s) {
			t.Errorf("%s holds secret %d", f, i+1)
		}
	}
}

// mustJSON is v as JSON; the framework keeps private state as a JSON object
// of base64 values.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
