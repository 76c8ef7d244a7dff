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

// TestAccSecretsNeverLogged runs create, update and destroy with TF_LOG=trace
// through a real provider binary (dev_overrides), the way users run it, and
// proves that neither the provider's API key nor the created key's value
// appears anywhere in Terraform's log, which includes the provider's own.
func TestAccSecretsNeverLogged(t *testing.T) {
	skipWithoutTFAcc(t)
	t.Parallel()
	env := newTestEnv(t, false)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "terraform-provider-domaintrust"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "domaintrust/domaintrust" = %q
  }
  direct {}
}
`, bin))
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "terraform.log")
	config := func(description string) string {
		return requiredProviders + env.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  description = %q
  expiration  = %q
}
`, description, env.future(30*day))
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, terraformPath(t), args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			"TF_LOG=trace", "TF_LOG_PATH="+logPath, "TF_REATTACH_PROVIDERS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
	}

	writeFile(t, filepath.Join(work, "main.tf"), config("logged"))
	run("apply", "-auto-approve", "-no-color")
	secret := secretInState(t, filepath.Join(work, "terraform.tfstate"))
	writeFile(t, filepath.Join(work, "main.tf"), config("logged, renamed"))
	run("apply", "-auto-approve", "-no-color")
	run("destroy", "-auto-approve", "-no-color")

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	// The log must hold the provider's own trace output, or this test proves
	// nothing.
	for _, want := range []string{"created Domain Trust API key", "PATCH", "DELETE"} {
		if !strings.Contains(log, want) {
			t.Fatalf("the trace log (%d bytes) lacks %q: the provider's logs were not captured", len(log), want)
		}
	}
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

// secretInState returns the key value Terraform stored, failing if it is
// empty: a test of its absence from logs needs a value to look for.
func secretInState(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Type == "domaintrust_api_key" && len(r.Instances) == 1 {
			if s, _ := r.Instances[0].Attributes["key"].(string); len(s) >= 16 {
				return s
			}
		}
	}
	t.Fatal("no key value of at least 16 characters in state")
	return ""
}
