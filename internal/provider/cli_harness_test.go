// The CLI harness: the real terraform binary run against this test's
// in-process provider.

package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// skipWithoutTFAcc skips a test that starts Terraform unless TF_ACC is set,
// as make test does.
func skipWithoutTFAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (make test does)")
	}
}

// terraformPath is the Terraform or OpenTofu binary the tests run: the one
// TF_ACC_TERRAFORM_PATH names, as for terraform-plugin-testing, else
// terraform on PATH.
func terraformPath(t *testing.T) string {
	t.Helper()
	p, err := findTerraform()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func findTerraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", fmt.Errorf("set TF_ACC_TERRAFORM_PATH to a Terraform or OpenTofu binary, or put terraform on PATH: %w", err)
	}
	return p, nil
}

// providerAddress is the address the CLI resolves "domaintrust/domaintrust"
// to: registry.terraform.io for Terraform; OpenTofu resolves it to
// registry.opentofu.org, which TF_ACC_PROVIDER_HOST names, as for
// terraform-plugin-testing.
func providerAddress() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return host + "/domaintrust/domaintrust"
}

// tfCLI runs the real terraform binary against this test's in-process
// provider (through TF_REATTACH_PROVIDERS), so a test can read what a user
// sees: warnings, which the testing framework does not surface, included.
// The provider keeps the test's mock clock.
type tfCLI struct {
	t   *testing.T
	dir string
	bin string // terraformPath
	env []string
}

func newTFCLI(t *testing.T, env *testEnv) *tfCLI {
	t.Helper()
	return newTFCLIServing(t, ctxrelease.NewProtocol6(env.provider()()))
}

// newTFCLIServing is newTFCLI with the provider server that server makes,
// such as one that plays an older build.
func newTFCLIServing(t *testing.T, server func() tfprotov6.ProviderServer) *tfCLI {
	t.Helper()
	skipWithoutTFAcc(t)
	bin := terraformPath(t)

	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	go func() {
		err := tf6server.Serve(providerAddress(), server,
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

	info, err := json.Marshal(map[string]any{providerAddress(): map[string]any{
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
	return &tfCLI{t: t, dir: dir, bin: bin, env: append(os.Environ(),
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
	cmd := exec.CommandContext(ctx, c.bin, append(args[:words:words], append([]string{"-no-color"}, args[words:]...)...)...)
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

// guideCLI is the set-up of a guide's acceptance test: an emulator (with
// production access when the guide's keys need it), its credentials in the
// environment as a CI job has them, and the guide's example files in the
// CLI's working directory.
func guideCLI(t *testing.T, productionAccess bool, example string, files ...string) (*testEnv, *tfCLI) {
	t.Helper()
	env := newTestEnv(t, productionAccess)
	env.useEnvCredentials(t)
	cli := newTFCLI(t, env)
	cli.copyGuideExample(example, files...)
	return env, cli
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
