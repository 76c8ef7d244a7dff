package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binaryCLI runs the CLI under test in a work directory of its own against
// a provider binary built from this tree and installed through
// dev_overrides, the way users run it, with TF_LOG=trace written to logPath.
// The in-process provider of tfCLI logs to the test, not to Terraform's
// log; this one's log holds the provider's own output.
type binaryCLI struct {
	t         *testing.T
	ctx       context.Context
	work      string
	logPath   string
	cliConfig string
	terraform string
}

func newBinaryCLI(t *testing.T) *binaryCLI {
	t.Helper()
	return newBinaryCLIFor(t, buildProviderBinary(t))
}

// buildProviderBinary builds the provider from this tree into a directory
// of t's and returns the directory, for dev_overrides; tests that run
// several binaryCLIs build it once.
func buildProviderBinary(t *testing.T) string {
	t.Helper()
	skipWithoutTFAcc(t)
	bin := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "terraform-provider-domaintrust"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return bin
}

// newBinaryCLIFor is a binaryCLI that runs the provider built into bin.
func newBinaryCLIFor(t *testing.T, bin string) *binaryCLI {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	c := &binaryCLI{
		t: t, ctx: ctx, work: filepath.Join(dir, "work"), logPath: filepath.Join(dir, "terraform.log"),
		cliConfig: filepath.Join(dir, "terraformrc"), terraform: terraformPath(t),
	}
	writeFile(t, c.cliConfig, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "domaintrust/domaintrust" = %q
  }
  direct {}
}
`, bin))
	if err := os.Mkdir(c.work, 0o700); err != nil {
		t.Fatal(err)
	}
	return c
}

// write replaces the configuration.
func (c *binaryCLI) write(config string) {
	c.t.Helper()
	writeFile(c.t, filepath.Join(c.work, "main.tf"), requiredProviders+config)
}

// run runs the CLI with args and returns what it printed, failing the test
// if it fails.
func (c *binaryCLI) run(args ...string) string {
	c.t.Helper()
	out, err := c.try(args...)
	if err != nil {
		c.t.Fatalf("%s %v: %v\n%s", c.terraform, args, err, out)
	}
	return out
}

// try runs the CLI with args and returns what it printed and how it ended.
func (c *binaryCLI) try(args ...string) (string, error) {
	c.t.Helper()
	cmd := exec.CommandContext(c.ctx, c.terraform, args...)
	cmd.Dir = c.work
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_LOG=trace", "TF_LOG_PATH="+c.logPath, "TF_REATTACH_PROVIDERS=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// log is the trace log so far, checked to hold the provider's own output:
// a search of a log without it would prove nothing.
func (c *binaryCLI) log(providerSays ...string) string {
	c.t.Helper()
	raw, err := os.ReadFile(c.logPath)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, want := range providerSays {
		if !strings.Contains(string(raw), want) {
			c.t.Fatalf("the trace log (%d bytes) lacks %q: the provider's logs were not captured", len(raw), want)
		}
	}
	return string(raw)
}

// TestAccSecretsNeverLogged runs create, update and destroy with TF_LOG=trace
// through a real provider binary, and proves that neither the provider's
// API key nor the created key's value appears anywhere in Terraform's log,
// which includes the provider's own.
func TestAccSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
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

	cli.write(config("logged"))
	cli.run("apply", "-auto-approve", "-no-color")
	secret := secretInState(t, filepath.Join(cli.work, "terraform.tfstate"), "test")
	cli.write(config("logged, renamed"))
	cli.run("apply", "-auto-approve", "-no-color")
	cli.run("destroy", "-auto-approve", "-no-color")

	log := cli.log("created Domain Trust API key", "PATCH", "DELETE")
	for name, value := range map[string]string{"the provider's API key": env.boot.APIKey, "the created key's value": secret} {
		if n := strings.Count(log, value); n > 0 {
			// Never print the value itself.
			t.Errorf("%s appears %d times in the TF_LOG=trace log", name, n)
		}
	}
	if n := strings.Count(strings.ToLower(log), "bearer "); n > 0 {
		t.Errorf("an Authorization bearer value appears %d times in the log", n)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// secretInState returns the key value Terraform stored for addr's
// resource of type domaintrust_api_key, failing if it is empty: a test of
// its absence from logs needs a value to look for.
func secretInState(t *testing.T, path, name string) string {
	t.Helper()
	s, _ := stateAttributes(t, path, "domaintrust_api_key", name)["key"].(string)
	if len(s) < 16 {
		t.Fatal("no key value of at least 16 characters in state")
	}
	return s
}

// stateAttributes is the attributes of the resource typ.name in the state
// file at path.
func stateAttributes(t *testing.T, path, typ, name string) map[string]any {
	t.Helper()
	var state struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(readFile(t, path)), &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Type == typ && r.Name == name && len(r.Instances) == 1 {
			return r.Instances[0].Attributes
		}
	}
	t.Fatalf("no single instance of %s.%s in %s", typ, name, path)
	return nil
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
