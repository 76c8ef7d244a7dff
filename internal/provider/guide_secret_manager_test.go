package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// secretManagerGuide is the guide's example directory.
const secretManagerGuide = "handing-keys-to-a-secret-manager"

// secretManagerArguments are, per consumer file of the guide, the write-only
// argument and its version argument as the guide hands them the key and its
// secret_version: the names as each provider's own schema spells them
// (checked in hashicorp/terraform-provider-aws, -vault, -azurerm, -google
// and -kubernetes).
var secretManagerArguments = map[string][]string{
	"aws.tf":        {"secret_string_wo = ephemeral.domaintrust_unsealed_api_key.service.key", "secret_string_wo_version = domaintrust_api_key.service.secret_version"},
	"vault.tf":      {"data_json_wo = jsonencode({ api_key = ephemeral.domaintrust_unsealed_api_key.service.key })", "data_json_wo_version = domaintrust_api_key.service.secret_version"},
	"azure.tf":      {"value_wo = ephemeral.domaintrust_unsealed_api_key.service.key", "value_wo_version = domaintrust_api_key.service.secret_version"},
	"google.tf":     {"secret_data_wo = ephemeral.domaintrust_unsealed_api_key.service.key", "secret_data_wo_version = domaintrust_api_key.service.secret_version"},
	"kubernetes.tf": {"data_wo = { DOMAINTRUST_API_KEY = ephemeral.domaintrust_unsealed_api_key.service.key }", "data_wo_revision = domaintrust_api_key.service.secret_version"},
}

// TestAccGuideHandingKeysToASecretManager proves the guide "Handing keys to
// a secret manager, with no plaintext in any state" with its own files,
// through a provider binary as users run it, with TF_LOG=trace: key.tf as
// shown, and provider-alias.tf, which stands for the secret managers here
// (their providers cannot be installed): it configures a second domaintrust
// provider with the opened key and reads the key with it, which works only
// if the opened key does. For a key sealed for an age recipient and for a
// sealed-box key, with the identity from an ephemeral variable set in the
// environment:
//   - the plan that creates the key cannot open it and does not try; the
//     apply opens it, verifies it, and the second provider reads with it;
//   - the next plan opens it at plan and changes nothing;
//   - a replacement seals a new key, with a greater secret_version, which
//     the second provider then uses, while the old key works on in its
//     retire_after window;
//   - neither key nor the identity is in the state, its backup, the saved
//     plan, show -json, what Terraform printed or its trace log, which holds
//     the provider's own lines.
func TestAccGuideHandingKeysToASecretManager(t *testing.T) {
	skipWithout(t, featureEphemeral)
	for file, want := range secretManagerArguments {
		shown := strings.Join(strings.Fields(readGuideExample(t, secretManagerGuide+"/"+file)), " ")
		for _, w := range want {
			if !strings.Contains(shown, w) {
				t.Errorf("%s does not hand the key over as %q", file, w)
			}
		}
	}
	bin := buildProviderBinary(t)
	for _, c := range []struct {
		name string
		key  func(testing.TB) *sealtest.Key
	}{{"age", sealtest.Age}, {"sealed_box", sealtest.SealedBox}} {
		t.Run(c.name, func(t *testing.T) { runSecretManagerGuide(t, bin, c.key(t)) })
	}
}

func runSecretManagerGuide(t *testing.T, bin string, key *sealtest.Key) {
	env := newTestEnv(t, true)
	env.useEnvCredentials(t)
	t.Setenv("TF_VAR_seal_recipient", key.Recipient)
	t.Setenv("TF_VAR_seal_identity", key.Identity)
	cli := newBinaryCLIFor(t, bin)
	for _, f := range []string{"key.tf", "provider-alias.tf"} {
		writeFile(t, filepath.Join(cli.work, f), readGuideExample(t, secretManagerGuide+"/"+f))
	}
	opens := openCounter(cli)
	var printed strings.Builder
	run := func(args ...string) { printed.WriteString(cli.run(append(args, "-no-color")...)) }

	run("plan", "-input=false", "-out=tfplan")
	if n := opens(); n != 0 {
		t.Errorf("the plan that creates the key opened its sealed_key %d times, want 0", n)
	}
	run("show", "-json", "tfplan")
	run("apply", "tfplan")
	if n := opens(); n < 1 {
		t.Error("the apply did not open the new key")
	}
	first := openedKeyIn(t, cli, env, key)

	out, err := cli.try("plan", "-input=false", "-detailed-exitcode", "-no-color")
	printed.WriteString(out)
	if err != nil {
		t.Fatalf("the plan after the apply: %v, want no changes:\n%s", err, out)
	}
	if n := opens(); n < 1 {
		t.Error("the plan of an existing key did not open it")
	}

	env.clock.Advance(time.Minute) // Domain Trust stamps the new key a minute later
	run("apply", "-input=false", "-auto-approve", "-replace=domaintrust_api_key.service")
	second := openedKeyIn(t, cli, env, key)
	if second.secret == first.secret || second.version <= first.version {
		t.Errorf("after the replacement: secret_version %d, was %d; a new key: %v", second.version, first.version, second.secret != first.secret)
	}
	if !env.emu.Authenticates(first.secret) {
		t.Error("the old key stopped working at the replacement, inside its 24h retire_after window")
	}
	run("show", "-json")
	run("destroy", "-input=false", "-auto-approve")

	log := cli.log("opened sealed Domain Trust API key", "the opened key authenticates")
	if strings.Contains(log, "is not known yet, so neither is the key") {
		t.Error("the CLI opened the ephemeral resource with a configuration not known yet")
	}
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup", "tfplan"} {
		if _, err := os.Stat(filepath.Join(cli.work, f)); err != nil {
			t.Errorf("nothing to search: %v", err)
		}
	}
	expectNoPlaintext(t, filepath.Dir(cli.work), printed.String(), first.secret, second.secret, key.Identity)
}

// openCounter returns a function that counts how often the provider opened
// a sealed key since it was last called, from the trace log.
func openCounter(cli *binaryCLI) func() int {
	seen := 0
	return func() int {
		raw, err := os.ReadFile(cli.logPath)
		if err != nil {
			cli.t.Fatal(err)
		}
		all := strings.Count(string(raw), "opened sealed Domain Trust API key")
		n := all - seen
		seen = all
		return n
	}
}

// handedOver is what the guide's configuration handed over: the key, opened
// by the test from the state's sealed_key, and its secret_version.
type handedOver struct {
	secret  string
	version int64
}

// openedKeyIn checks the state after an apply: the key's secret is not in
// it, its sealed_key opens with the test's key to a key that works, its
// secret_version is its creation time, and the second provider, configured
// with the key the ephemeral resource opened, read the key.
func openedKeyIn(t *testing.T, cli *binaryCLI, env *testEnv, key *sealtest.Key) handedOver {
	t.Helper()
	state := filepath.Join(cli.work, "terraform.tfstate")
	attrs := stateAttributes(t, state, "domaintrust_api_key", "service")
	if attrs["key"] != nil {
		t.Fatal("key is in the state although the key is sealed (value withheld)")
	}
	secret := key.Open(t, fmt.Sprint(attrs["sealed_key"]))
	if !env.emu.Authenticates(secret) {
		t.Fatal("the sealed key does not open to a working key")
	}
	created, err := time.Parse(time.RFC3339, fmt.Sprint(attrs["created"]))
	if err != nil {
		t.Fatal(err)
	}
	version, ok := attrs["secret_version"].(float64)
	if !ok || int64(version) != created.Unix() {
		t.Errorf("secret_version %v, want %d, the creation time", attrs["secret_version"], created.Unix())
	}
	read := dataSourceAttributes(t, state, "domaintrust_api_key", "as_service")
	if read["id"] != attrs["id"] || read["expiration"] != attrs["expiration"] {
		t.Errorf("the provider configured with the opened key read %v (expiring %v), want key %v", read["id"], read["expiration"], attrs["id"])
	}
	return handedOver{secret: secret, version: int64(version)}
}

// dataSourceAttributes is the attributes of the data source typ.name in the
// state file at path.
func dataSourceAttributes(t *testing.T, path, typ, name string) map[string]any {
	t.Helper()
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(readFile(t, path)), &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Mode == "data" && r.Type == typ && r.Name == name && len(r.Instances) == 1 {
			return r.Instances[0].Attributes
		}
	}
	t.Fatalf("no single instance of data.%s.%s in %s", typ, name, path)
	return nil
}
