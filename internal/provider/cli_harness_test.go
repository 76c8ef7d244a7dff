package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// tfCLI runs the real terraform binary against this test's in-process
// provider (through TF_REATTACH_PROVIDERS), so a test can read what a user
// sees: warnings, which the testing framework does not surface, included.
// The provider keeps the test's mock clock.
type tfCLI struct {
	t   *testing.T
	dir string
	env []string
}

const requiredProviders = `
terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}
`

func newTFCLI(t *testing.T, env *testEnv) *tfCLI {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatalf("terraform is not on PATH: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	server := providerserver.NewProtocol6(env.provider()())
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
