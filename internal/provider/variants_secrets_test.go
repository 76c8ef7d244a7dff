package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// Under uuid-secrets a secret is shaped like a key id, so a secret pasted
// where an id belongs passes every check of form. These tests give the
// provider's own key, and another key's secret, wherever a user types a key
// id, and prove that no diagnostic repeats either and that the provider's
// own is refused before any request carries it.

// requireNoSecret fails the test if any diagnostic holds secret, without
// printing it.
func requireNoSecret(t *testing.T, what string, diags []*tfprotov6.Diagnostic, secret string) {
	t.Helper()
	if strings.Contains(protocoltest.DiagnosticsText(diags), secret) {
		t.Errorf("%s: a diagnostic repeats the secret (value withheld)", what)
	}
}

func (p *protocolProvider) readDataSource(name string, set map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.srv.ReadDataSource(p.ctx, &tfprotov6.ReadDataSourceRequest{
		TypeName: name, Config: p.dynamic(p.schemas.DataSourceSchemas[name], set),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

func (p *protocolProvider) importKey(id string, identity *tfprotov6.ResourceIdentityData) *tfprotov6.ImportResourceStateResponse {
	p.t.Helper()
	resp, err := p.srv.ImportResourceState(p.ctx, &tfprotov6.ImportResourceStateRequest{TypeName: keyType, ID: id, Identity: identity})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

// TestProtocolVariantUUIDSecrets_ownKeyRefused: the provider's own API key
// given as an import id or identity, the data source's id, the revoke
// action's id or a listing's user_id is refused at that attribute, without repeating it and
// without sending it to Domain Trust.
func TestProtocolVariantUUIDSecrets_ownKeyRefused(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantUUIDSecrets))
	own := env.boot.APIKey
	if uuid.Validate(own) != nil {
		t.Fatal("the bootstrap key is not a UUID under uuid-secrets")
	}
	p := env.protocol(t)
	count := env.countRequests()

	for what, identity := range map[string]*tfprotov6.ResourceIdentityData{"import id": nil, "import identity": p.identity(own)} {
		id := own
		if identity != nil {
			id = ""
		}
		resp := p.importKey(id, identity)
		protocoltest.RequireErrorAt(t, resp.Diagnostics, nil, "Secret given as "+what)
		requireNoSecret(t, what, resp.Diagnostics, own)
	}
	diags := p.readDataSource("domaintrust_api_key", map[string]tftypes.Value{"id": protocoltest.String(own)})
	protocoltest.RequireErrorAt(t, diags, nil, "Secret given as id")
	requireNoSecret(t, "data source", diags, own)
	progress, diags := p.invoke(revokeConfig(own, true))
	protocoltest.RequireErrorAt(t, diags, nil, "Secret given as id")
	requireNoSecret(t, "action", diags, own)
	if strings.Contains(strings.Join(progress, "\n"), own) {
		t.Error("the action's progress repeats the secret")
	}
	diags = p.readDataSource("domaintrust_api_keys", map[string]tftypes.Value{"user_id": protocoltest.String(own)})
	protocoltest.RequireErrorAt(t, diags, nil, "Secret given as user_id")
	requireNoSecret(t, "data source domaintrust_api_keys", diags, own)
	results := p.list(map[string]tftypes.Value{"user_id": protocoltest.String(own)}, false, 0)
	if len(results) != 1 {
		t.Fatalf("list: %d results, want one error", len(results))
	}
	protocoltest.RequireErrorAt(t, results[0].Diagnostics, nil, "Secret given as user_id")
	requireNoSecret(t, "list", results[0].Diagnostics, own)
	if n := count.Total(); n != 0 {
		t.Errorf("%d requests were sent with the secret as an id, want none", n)
	}
	if !env.emu.Authenticates(own) {
		t.Error("the provider's own key was revoked")
	}
}

// TestProtocolVariantUUIDSecrets_otherSecretNotEchoed: another key's secret
// given as an id is unknown to the provider, and Domain Trust answers 404:
// the import finds nothing, the data source and the action say that no key
// has this id, and none of them repeats it.
func TestProtocolVariantUUIDSecrets_otherSecretNotEchoed(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantUUIDSecrets))
	k, secret := env.issueKey(env.boot.UserID, testingKey("leaked", env.clock.Now().Add(30*day)))
	p := env.protocol(t)

	imported := p.importKey(secret, nil)
	requireNoSecret(t, "import", imported.Diagnostics, secret)
	if len(imported.ImportedResources) != 1 {
		t.Fatalf("import: %d resources", len(imported.ImportedResources))
	}
	read, err := p.srv.ReadResource(p.ctx, &tfprotov6.ReadResourceRequest{
		TypeName: keyType, CurrentState: imported.ImportedResources[0].State, CurrentIdentity: imported.ImportedResources[0].Identity,
	})
	if err != nil {
		t.Fatal(err)
	}
	requireNoSecret(t, "read after import", read.Diagnostics, secret)
	if read.NewState != nil && !isNullState(t, p, read.NewState) {
		t.Error("a key was read by another key's secret")
	}

	diags := p.readDataSource("domaintrust_api_key", map[string]tftypes.Value{"id": protocoltest.String(secret)})
	protocoltest.RequireErrorAt(t, diags, nil, "API key not found")
	requireNoSecret(t, "data source", diags, secret)
	progress, diags := p.invoke(revokeConfig(secret, false))
	protocoltest.RequireErrorAt(t, diags, nil, "API key not found")
	requireNoSecret(t, "action", diags, secret)
	if strings.Contains(strings.Join(progress, "\n"), secret) {
		t.Error("the action's progress repeats the secret")
	}
	if !env.emu.Authenticates(secret) {
		t.Errorf("key %s was revoked", k.ID)
	}
}

func isNullState(t *testing.T, p *protocolProvider, dv *tfprotov6.DynamicValue) bool {
	t.Helper()
	v, err := dv.Unmarshal(p.keySchema().ValueType())
	if err != nil {
		t.Fatal(err)
	}
	return v.IsNull()
}

// TestCreatedSecretsAreKnown: the secret of a key the provider created is
// refused as an id for the rest of the process, like its own API key.
func TestCreatedSecretsAreKnown(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantUUIDSecrets))
	conf := client.DefaultConfig()
	conf.Endpoint, conf.APIKey, conf.Clock = env.endpoint, env.boot.APIKey, env.clock
	c, err := client.New(conf)
	if err != nil {
		t.Fatal(err)
	}
	data := newProviderData(c, env.clock, env.endpoint, keys.DefaultListPolicy)
	key, err := data.createKey(context.Background(), client.CreateKeyInput{Environment: "testing", Expiry: env.clock.Now().Add(day)})
	if err != nil {
		t.Fatal(err)
	}
	if data.refusedAsSecret(unconfirmedID{value: key.Secret.Reveal(), what: "id"}) == nil {
		t.Error("a secret the provider created is taken for an id")
	}
	if data.refusedAsSecret(unconfirmedID{value: key.ID, what: "id"}) != nil {
		t.Error("the key's id is refused as a secret")
	}
}

// TestAccVariantUUIDSecrets_neverLogged: with UUID secrets, a lifecycle
// through a provider binary under TF_LOG=trace, and an import and a data
// source given a secret, leave no secret in the provider's log lines and
// none in any diagnostic.
func TestAccVariantUUIDSecrets_neverLogged(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantUUIDSecrets))
	_, other := env.issueKey(env.boot.UserID, testingKey("other", env.clock.Now().Add(30*day)))
	cli := newBinaryCLI(t)
	config := func(description string) string {
		return env.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  description = %q
  expiration  = %q
}
`, description, env.future(30*day))
	}
	cli.write(config("uuid"))
	cli.run("apply", "-auto-approve", "-no-color")
	created := secretInState(t, filepath.Join(cli.work, "terraform.tfstate"), "test")
	cli.write(config("uuid, renamed"))
	cli.run("apply", "-auto-approve", "-no-color")

	for name, extra := range map[string]string{
		"import by another key's secret":       fmt.Sprintf("import {\n  to = domaintrust_api_key.other\n  id = %q\n}\nresource \"domaintrust_api_key\" \"other\" {\n  environment = \"testing\"\n  expiration  = %q\n}\n", other, env.future(30*day)),
		"data source given the provider's key": fmt.Sprintf("data \"domaintrust_api_key\" \"own\" {\n  id = %q\n}\n", env.boot.APIKey),
	} {
		cli.write(config("uuid, renamed") + extra)
		out := cli.runFailing("plan", "-no-color")
		for secretName, secret := range map[string]string{"the provider's key": env.boot.APIKey, "another key's secret": other} {
			if diagnosticsHold(out, secret) {
				t.Errorf("%s: a diagnostic repeats %s (value withheld)", name, secretName)
			}
		}
		// Terraform itself prints an import id ("Preparing import... [id=...]");
		// nothing else may show a secret, the lines under a diagnostic included.
		if !strings.HasPrefix(name, "import") && strings.Contains(out, env.boot.APIKey) {
			t.Errorf("%s: the output holds the provider's key (value withheld)", name)
		}
	}
	cli.write(config("uuid, renamed"))
	cli.run("destroy", "-auto-approve", "-no-color")

	raw := cli.log("created Domain Trust API key", "PATCH", "DELETE")
	log := providerLogLines(raw)
	if !strings.Contains(log, "created Domain Trust API key") || !strings.Contains(log, "Domain Trust API call") {
		t.Fatal("the provider's log lines were not found in the trace log: the search would prove nothing")
	}
	t.Logf("trace log: %d lines, %d of them the provider's; another key's secret in Terraform's own lines: %d times",
		strings.Count(raw, "\n"), strings.Count(log, "\n"), strings.Count(raw, other))
	for name, secret := range map[string]string{"the provider's API key": env.boot.APIKey, "the created key's secret": created, "another key's secret": other} {
		if n := strings.Count(log, secret); n > 0 {
			t.Errorf("%s appears %d times in the provider's TF_LOG=trace lines", name, n)
		}
	}
}

// diagnosticsHold reports whether the Error and Warning blocks of out hold
// s. Terraform itself repeats an import id in its progress lines; those are
// the user's words, not the provider's.
func diagnosticsHold(out, s string) bool {
	for _, block := range strings.Split(out, "\n\n") {
		if (strings.Contains(block, "Error:") || strings.Contains(block, "Warning:")) && strings.Contains(block, s) {
			return true
		}
	}
	return false
}

// providerLogLines keeps the lines of a Terraform trace log that the
// provider wrote: Terraform's own lines quote the configuration it reads.
func providerLogLines(log string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(log, "\n") {
		if strings.Contains(line, "terraform-provider-domaintrust") || strings.Contains(line, "@module=domaintrust") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// runFailing runs the CLI with args, expects it to fail, and returns what
// it printed.
func (c *binaryCLI) runFailing(args ...string) string {
	c.t.Helper()
	cmd := exec.CommandContext(c.ctx, c.terraform, args...)
	cmd.Dir = c.work
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_LOG=trace", "TF_LOG_PATH="+c.logPath, "TF_REATTACH_PROVIDERS=")
	out, err := cmd.CombinedOutput()
	if err == nil {
		c.t.Fatalf("%s %v succeeded, want it to fail:\n%s", c.terraform, args, out)
	}
	return string(out)
}

// TestAccVariantUUIDSecrets_userIDRefusedAtPlan: the provider's own key
// given as a key's user_id fails the plan before Terraform prints it (the
// attribute is not sensitive), and nothing is created.
func TestAccVariantUUIDSecrets_userIDRefusedAtPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantUUIDSecrets))
	cli := newTFCLI(t, env)
	cli.write(keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  expiration  = %q
  user_id     = %q`, env.future(30*day), env.boot.APIKey)))
	out, err := cli.run("plan")
	if err == nil {
		t.Fatalf("the plan succeeded:\n%s", out)
	}
	expectOutput(t, out, "Error: Secret given as user_id", "Give the user's id instead")
	if strings.Contains(out, env.boot.APIKey) {
		t.Error("the plan's output holds the provider's key (value withheld)")
	}
	if ids := env.liveKeyIDs(); len(ids) != 0 {
		t.Errorf("keys created: %v", ids)
	}
}
