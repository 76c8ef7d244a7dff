// State versions: the fixtures of every earlier build upgrade unchanged, an
// attribute a version never had is refused rather than dropped, and the
// state's type changes only with its version (STATE_VERSIONS.md).

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// stateFixture is one build's state under testdata/state/vN/<commit>.
type stateFixture struct {
	name string // "v0/d8f36fc"
	dir  string
}

// stateFixtures are every fixture, oldest version first.
func stateFixtures(t *testing.T) []stateFixture {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "state", "v*", "*", "terraform-state.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no state fixtures under testdata/state (%v)", err)
	}
	var out []stateFixture
	for _, f := range dirs {
		dir := filepath.Dir(f)
		rel, _ := filepath.Rel(filepath.Join("testdata", "state"), dir)
		out = append(out, stateFixture{name: filepath.ToSlash(rel), dir: dir})
	}
	return out
}

// fixtureInstance is one resource object of a fixture's state file.
type fixtureInstance struct {
	addr          string
	schemaVersion int64
	attributes    json.RawMessage
}

// instances reads every domaintrust_api_key object of the fixture's state.
func (f stateFixture) instances(t *testing.T) []fixtureInstance {
	t.Helper()
	return f.readInstances(t, f.read(t, "terraform-state.json"))
}

// readInstances reads every domaintrust_api_key object of a state file.
func (f stateFixture) readInstances(t *testing.T, stateFile []byte) []fixtureInstance {
	t.Helper()
	var state struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				SchemaVersion int64           `json:"schema_version"`
				Attributes    json.RawMessage `json:"attributes"`
			}
		}
	}
	if err := json.Unmarshal(stateFile, &state); err != nil {
		t.Fatal(err)
	}
	var out []fixtureInstance
	for _, r := range state.Resources {
		for _, in := range r.Instances {
			if r.Type == keyType {
				out = append(out, fixtureInstance{r.Type + "." + r.Name, in.SchemaVersion, in.Attributes})
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no %s", f.name, keyType)
	}
	return out
}

func (f stateFixture) read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// upgrade sends UpgradeResourceState for state of version with attributes,
// as Terraform does for each object it reads from a state file.
func upgrade(t *testing.T, version int64, attributes []byte) *tfprotov6.UpgradeResourceStateResponse {
	t.Helper()
	srv := providerserver.NewProtocol6(New("test")())()
	resp, err := srv.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: keyType, Version: version, RawState: &tfprotov6.RawState{JSON: attributes},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// currentStateType is the type of the state this build writes.
func currentStateType(t *testing.T) tftypes.Type {
	t.Helper()
	var resp resource.SchemaResponse
	(&apiKeyResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	return resp.Schema.Type().TerraformType(context.Background())
}

// TestAPIKeyState_fixturesUpgradeUnchanged: the state of every earlier
// build becomes state of this version holding the same values, the secret
// (plain or sealed) included; what an older build never wrote reads null,
// but secret_version, which the upgrade derives from created.
func TestAPIKeyState_fixturesUpgradeUnchanged(t *testing.T) {
	t.Parallel()
	typ := currentStateType(t)
	for _, f := range stateFixtures(t) {
		for _, in := range f.instances(t) {
			t.Run(f.name+"/"+in.addr, func(t *testing.T) {
				t.Parallel()
				resp := upgrade(t, in.schemaVersion, in.attributes)
				if len(resp.Diagnostics) > 0 {
					t.Fatalf("upgrade: %+v", resp.Diagnostics[0])
				}
				got, err := resp.UpgradedState.Unmarshal(typ)
				if err != nil {
					t.Fatal(err)
				}
				// Strict: every attribute the fixture holds is one this
				// version has.
				want, err := (&tfprotov6.RawState{JSON: withSecretVersion(t, in.attributes)}).UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{})
				if err != nil {
					t.Fatal(err)
				}
				if !got.Equal(want) {
					diffs, _ := want.Diff(got)
					t.Fatalf("the upgrade changed %d values, first at %v", len(diffs), diffs[0].Path)
				}
			})
		}
	}
}

// withSecretVersion is the attributes of state written before
// secret_version (state version 2) with the secret_version the upgrade
// derives: created in Unix seconds, or null when created is.
func withSecretVersion(t *testing.T, attributes []byte) []byte {
	t.Helper()
	var attrs map[string]any
	if err := json.Unmarshal(attributes, &attrs); err != nil {
		t.Fatal(err)
	}
	if _, ok := attrs["secret_version"]; ok {
		t.Fatal("the fixture already has secret_version")
	}
	attrs["secret_version"] = nil
	if created, ok := attrs["created"].(string); ok {
		at, err := time.Parse(time.RFC3339, created)
		if err != nil {
			t.Fatal(err)
		}
		attrs["secret_version"] = at.Unix()
	}
	return mustJSON(t, attrs)
}

// TestAPIKeyState_unknownAttributeRefused: state of an earlier version with
// an attribute no build of that version wrote is an error that names it,
// rather than dropped.
func TestAPIKeyState_unknownAttributeRefused(t *testing.T) {
	t.Parallel()
	f := stateFixtures(t)[0]
	var attrs map[string]any
	if err := json.Unmarshal(f.instances(t)[0].attributes, &attrs); err != nil {
		t.Fatal(err)
	}
	attrs["rotated_at"] = "2026-12-08T00:00:00Z"
	resp := upgrade(t, 0, mustJSON(t, attrs))
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Fatalf("diagnostics %+v, want one error", resp.Diagnostics)
	}
	d := resp.Diagnostics[0]
	expectOutput(t, d.Summary+"\n"+d.Detail, "Unreadable domaintrust_api_key state", "schema version 0",
		`unsupported attribute "rotated_at"`, "Nothing was changed")
	if resp.UpgradedState != nil {
		t.Error("an upgrade that failed returned state")
	}
}

// priorSchemas are the frozen schemas of the earlier versions, which their
// upgraders read state with.
var priorSchemas = map[int64]func() schema.Schema{
	0: apiKeySchemaV0,
	1: apiKeySchemaV1,
}

// TestAPIKeyState_schemaTypes: the type of the state this build writes is
// the one recorded for its version, testdata/state/schema-vN.json, and each
// earlier version's frozen schema is the one recorded for it; and every
// earlier version has an upgrader and fixtures. A change of the state's type
// fails here until the version is bumped (STATE_VERSIONS.md);
// UPDATE_STATE_SCHEMA=1 records the type of a new version.
func TestAPIKeyState_schemaTypes(t *testing.T) {
	t.Parallel()
	upgraders := (&apiKeyResource{}).UpgradeState(context.Background())
	fixtures := stateFixtures(t)
	for v := range int64(apiKeySchemaVersion) {
		if _, ok := upgraders[v]; !ok {
			t.Errorf("no upgrader for state of version %d", v)
		}
		if _, ok := priorSchemas[v]; !ok {
			t.Errorf("no frozen schema of version %d in priorSchemas", v)
		}
		if !slices.ContainsFunc(fixtures, func(f stateFixture) bool { return strings.HasPrefix(f.name, fmt.Sprintf("v%d/", v)) }) {
			t.Errorf("no fixture of version %d under testdata/state/v%d/", v, v)
		}
	}
	if n := len(upgraders); n != apiKeySchemaVersion {
		t.Errorf("%d upgraders, want one per earlier version (%d)", n, apiKeySchemaVersion)
	}
	for v, prior := range priorSchemas {
		checkStateType(t, v, prior().Type().TerraformType(context.Background()), false)
	}
	checkStateType(t, apiKeySchemaVersion, currentStateType(t), os.Getenv("UPDATE_STATE_SCHEMA") != "")
}

// checkStateType compares typ with testdata/state/schema-v<version>.json,
// or (update) writes it there.
func checkStateType(t *testing.T, version int64, typ tftypes.Type, update bool) {
	t.Helper()
	raw, err := json.MarshalIndent(typeShape(t, typ), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := bytes.NewBuffer(append(raw, '\n'))
	golden := filepath.Join("testdata", "state", fmt.Sprintf("schema-v%d.json", version))
	if update {
		if err := os.WriteFile(golden, got.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Errorf("the state of version %d is not of the type %s records (%v):\n%s\nA change of the state's type "+
			"bumps the schema version, with an upgrader and a fixture: see internal/provider/STATE_VERSIONS.md.",
			version, golden, err, got.String())
	}
}

// typeShape is typ as JSON can show it: "string", "number" or "bool", an
// object as {"object": its attributes' shapes by name}, a collection as
// {"map"|"list"|"set": its element's shape}.
func typeShape(t *testing.T, typ tftypes.Type) any {
	t.Helper()
	switch {
	case typ.Is(tftypes.String):
		return "string"
	case typ.Is(tftypes.Number):
		return "number"
	case typ.Is(tftypes.Bool):
		return "bool"
	case typ.Is(tftypes.Map{}):
		return map[string]any{"map": typeShape(t, typ.(tftypes.Map).ElementType)}
	case typ.Is(tftypes.List{}):
		return map[string]any{"list": typeShape(t, typ.(tftypes.List).ElementType)}
	case typ.Is(tftypes.Set{}):
		return map[string]any{"set": typeShape(t, typ.(tftypes.Set).ElementType)}
	case typ.Is(tftypes.Object{}):
		attrs := map[string]any{}
		for name, at := range typ.(tftypes.Object).AttributeTypes {
			attrs[name] = typeShape(t, at)
		}
		return map[string]any{"object": attrs}
	}
	t.Fatalf("no shape for the state type %s: add it to typeShape", typ)
	return nil
}
