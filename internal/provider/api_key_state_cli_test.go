// State versions on the real CLIs: state as each earlier build wrote it
// upgrades with no planned change and its secret kept; state of a newer
// version is refused with Terraform's own error; and an older build, which
// knows only version 0, refuses this build's state rather than drop seal,
// sealed_key and retire_after from it.

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// newerStateRefused is how Terraform and OpenTofu refuse state of a version
// above the provider's schema.
const newerStateRefused = "Resource instance managed by newer provider version"

// fixtureCLI is a CLI working directory holding the fixture's configuration
// and state, with the emulator holding what it held, and the clock just
// after the fixture's keys were created.
func fixtureCLI(t *testing.T, f stateFixture) (*testEnv, *tfCLI) {
	t.Helper()
	emulatorState := filepath.Join(t.TempDir(), "emulator-state.json")
	if err := os.WriteFile(emulatorState, f.read(t, "emulator-state.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, true, func(o *emulator.Options) { o.StatePath = emulatorState })
	env.clock.Set(f.lastCreated(t).Add(time.Hour))
	cli := newTFCLI(t, env)
	cli.write(env.providerBlock() + string(f.read(t, "main.tf")))
	cli.writeFile("terraform.tfstate", f.stateFile(t))
	return env, cli
}

// stateFile is the fixture's state file as the CLI under test resolves the
// provider's address (OpenTofu's registry host).
func (f stateFixture) stateFile(t *testing.T) string {
	t.Helper()
	return strings.ReplaceAll(string(f.read(t, "terraform-state.json")),
		"registry.terraform.io/domaintrust/domaintrust", providerAddress())
}

// lastCreated is when the fixture's last key was created.
func (f stateFixture) lastCreated(t *testing.T) time.Time {
	t.Helper()
	var last time.Time
	for _, in := range f.instances(t) {
		var attrs struct{ Created time.Time }
		if err := json.Unmarshal(in.attributes, &attrs); err != nil {
			t.Fatal(err)
		}
		if attrs.Created.After(last) {
			last = attrs.Created
		}
	}
	return last
}

// stateObjects reads each domaintrust_api_key object of the CLI's state
// file: its schema version and attributes, by address.
func (c *tfCLI) stateObjects() map[string]fixtureInstance {
	c.t.Helper()
	f := stateFixture{name: "working directory", dir: c.dir}
	out := map[string]fixtureInstance{}
	for _, in := range f.readInstances(c.t, []byte(c.readFile("terraform.tfstate"))) {
		out[in.addr] = in
	}
	return out
}

// TestAccAPIKeyState_earlierBuildsUpgrade: the state of each earlier build
// plans no change; once written back, it is state of this version holding
// every value it held, the secret (plain or sealed) included; and it still
// plans no change.
func TestAccAPIKeyState_earlierBuildsUpgrade(t *testing.T) {
	t.Parallel()
	for _, f := range stateFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			_, cli := fixtureCLI(t, f)
			before := f.readInstances(t, []byte(f.stateFile(t)))

			cli.expectEmptyPlan()
			out := cli.mustRun("apply", "-refresh-only", "-auto-approve")
			if strings.Contains(out, "Warning") {
				t.Errorf("the refresh warned:\n%s", out)
			}
			after := cli.stateObjects()
			if len(after) != len(before) {
				t.Fatalf("%d keys in state after the upgrade, want %d", len(after), len(before))
			}
			for _, b := range before {
				a := after[b.addr]
				if a.schemaVersion != apiKeySchemaVersion {
					t.Errorf("%s: schema version %d after the refresh, want %d", b.addr, a.schemaVersion, apiKeySchemaVersion)
				}
				expectSameAttributes(t, b, a)
			}
			cli.expectEmptyPlan()
		})
	}
}

// expectSameAttributes fails the test for each attribute of want that got
// lacks or holds otherwise, naming it but never showing a value.
func expectSameAttributes(t *testing.T, want, got fixtureInstance) {
	t.Helper()
	var w, g map[string]any
	if err := json.Unmarshal(want.attributes, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got.attributes, &g); err != nil {
		t.Fatal(err)
	}
	for name, v := range w {
		if !reflect.DeepEqual(g[name], v) {
			t.Errorf("%s: %s changed or was dropped", want.addr, name)
		}
	}
}

// TestAccAPIKeyState_newerVersionRefused: state of a version above this
// build's is refused by Terraform itself, for every command, and left as it
// was.
func TestAccAPIKeyState_newerVersionRefused(t *testing.T) {
	t.Parallel()
	fixtures := stateFixtures(t)
	_, cli := fixtureCLI(t, fixtures[len(fixtures)-1])
	newer := regexp.MustCompile(`"schema_version": [0-9]+`).ReplaceAllString(cli.readFile("terraform.tfstate"),
		fmt.Sprintf(`"schema_version": %d`, apiKeySchemaVersion+1))
	cli.writeFile("terraform.tfstate", newer)
	expectRefusedAsNewer(t, cli, newer)
}

// expectRefusedAsNewer runs the commands that read state and expects each to
// fail with Terraform's refusal of state from a newer provider, leaving the
// state file as it was.
func expectRefusedAsNewer(t *testing.T, cli *tfCLI, stateFile string) {
	t.Helper()
	for _, args := range [][]string{
		{"plan"}, {"apply", "-auto-approve"}, {"apply", "-refresh-only", "-auto-approve"},
		{"destroy", "-auto-approve"}, {"destroy", "-auto-approve", "-refresh=false"},
	} {
		out, err := cli.run(args...)
		if err == nil {
			t.Fatalf("terraform %v succeeded on state of a newer version:\n%s", args, out)
		}
		expectOutput(t, out, newerStateRefused)
		if cli.readFile("terraform.tfstate") != stateFile {
			t.Fatalf("terraform %v changed the state file", args)
		}
	}
}

// olderBuild plays the build of the state version before this one: this
// provider, serving its schema with apiKeySchemaVersion-1. It counts the
// requests to read state of a version above that, which Terraform must never
// send it.
type olderBuild struct {
	tfprotov6.ProviderServer
	newerStateReads *atomic.Int32
}

func (o olderBuild) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp, err := o.ProviderServer.GetProviderSchema(ctx, req)
	if err != nil || resp.ResourceSchemas[keyType] == nil {
		return resp, err
	}
	// Copies: the framework's own schema is not touched.
	schemas := make(map[string]*tfprotov6.Schema, len(resp.ResourceSchemas))
	for name, s := range resp.ResourceSchemas {
		schemas[name] = s
	}
	old := *schemas[keyType]
	old.Version = apiKeySchemaVersion - 1
	schemas[keyType] = &old
	out := *resp
	out.ResourceSchemas = schemas
	return &out, nil
}

func (o olderBuild) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.Version > apiKeySchemaVersion-1 {
		o.newerStateReads.Add(1)
	}
	return o.ProviderServer.UpgradeResourceState(ctx, req)
}

// TestAccAPIKeyState_olderBuildRefusesIt is the downgrade of issue 31: keys
// applied with seal and with retire_after by this build, then those lines
// removed and the build of the state version before this one used. Every
// command of the older build ends in Terraform's error, with the state file untouched,
// sealed_key in it, and both keys alive and unretired; back on this build,
// nothing has changed.
func TestAccAPIKeyState_olderBuildRefusesIt(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	recipient := sealtest.Age(t)
	withLines := env.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "sealed" {
  environment = "testing"
  expiration  = %[1]q
  seal        = { recipient = %[2]q }
}

resource "domaintrust_api_key" "retiring" {
  environment  = "testing"
  expiration   = %[1]q
  retire_after = "72h"
}
`, env.future(30*day), recipient.Recipient)
	cli.write(withLines)
	cli.mustRun("apply", "-auto-approve")
	stateFile := cli.readFile("terraform.tfstate")
	sealed := cli.stateInstance("domaintrust_api_key.sealed").str("sealed_key")
	if recipient.Open(t, sealed) == "" {
		t.Fatal("no sealed key in state")
	}
	keysBefore := env.emu.Keys()

	var newerStateReads atomic.Int32
	old := newTFCLIServing(t, func() tfprotov6.ProviderServer {
		return olderBuild{ProviderServer: ctxrelease.NewProtocol6(env.provider()())(), newerStateReads: &newerStateReads}
	})
	old.dir = cli.dir
	withoutLines := strings.NewReplacer(fmt.Sprintf("  seal        = { recipient = %q }\n", recipient.Recipient), "",
		"  retire_after = \"72h\"\n", "").Replace(withLines)
	if withoutLines == withLines {
		t.Fatal("the configuration kept seal and retire_after")
	}
	old.write(withoutLines)
	expectRefusedAsNewer(t, old, stateFile)
	if n := newerStateReads.Load(); n != 0 {
		t.Errorf("Terraform asked the older build to read state of a newer version %d times", n)
	}
	if after := env.emu.Keys(); !reflect.DeepEqual(after, keysBefore) {
		t.Errorf("the emulator's keys changed under the older build:\nbefore %+v\nafter  %+v", keysBefore, after)
	}
	if got := cli.stateInstance("domaintrust_api_key.sealed").str("sealed_key"); got != sealed {
		t.Error("sealed_key changed or was dropped")
	}

	cli.write(withLines)
	cli.expectEmptyPlan()
}
