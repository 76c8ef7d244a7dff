package provider

// Helpers for the acceptance tests of the guides (templates/guides/). Each
// guide's test runs the real terraform binary on the guide's own example files
// under examples/guides/, read from disk, so a guide cannot drift from what is
// tested. The provider is configured the way the guides tell users to: through
// DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY, which is why these tests set
// process environment and do not run in parallel.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// guidesExamples is examples/guides/ relative to this package.
var guidesExamples = filepath.Join("..", "..", "examples", "guides")

// skipWithoutTFAcc skips a test that starts Terraform unless TF_ACC is set,
// as make test does.
func skipWithoutTFAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (make test does)")
	}
}

// useEnvCredentials points the provider at this environment's emulator
// through DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY, as a CI job does.
// The in-process provider reads the test process's environment.
func (e *testEnv) useEnvCredentials(t *testing.T) {
	t.Helper()
	t.Setenv(envEndpoint, e.endpoint)
	t.Setenv(envAPIKey, e.boot.APIKey)
}

// newTestEnvWithHook is newTestEnv with before called for every request,
// before the emulator handles it, so a test can look at the emulator's state
// at that moment.
func newTestEnvWithHook(t *testing.T, productionAccess bool, before func(*http.Request)) *testEnv {
	t.Helper()
	return newTestEnvWithMiddleware(t, productionAccess, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			before(r)
			next.ServeHTTP(w, r)
		})
	})
}

// newTestEnvWithMiddleware is newTestEnv with the emulator's handler wrapped
// by wrap, so a test can observe or order requests.
func newTestEnvWithMiddleware(t *testing.T, productionAccess bool, wrap func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	mock := clock.NewMock()
	emu, err := emulator.New(emulator.Options{Now: mock.Now, Seed: 1})
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	boot, err := emu.Bootstrap("", productionAccess)
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	srv := httptest.NewServer(wrap(emu))
	t.Cleanup(srv.Close)
	return &testEnv{t: t, emu: emu, clock: mock, boot: boot, endpoint: srv.URL + "/api"}
}

// readGuideExample returns a file of examples/guides/, such as
// "ci-pipeline-keys/main.tf".
func readGuideExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(guidesExamples, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
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

// stateInstance is one object of a resource in the working directory's state.
type stateInstance struct {
	Addr    string // such as domaintrust_api_key.ci["a/b"]
	Deposed string // the deposed key, for an object replaced but not yet deleted
	Attrs   map[string]any
}

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
