// The test process's environment, set once before any test runs.

package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestMain points TF_CLI_CONFIG_FILE at an empty CLI configuration for every
// Terraform or OpenTofu that terraform-plugin-testing starts. A CLI that
// cannot open its configuration file prints a warning before anything else,
// even before `version -json`, whose output terraform-exec must parse; and a
// developer's own configuration (dev_overrides, credentials, a plugin cache)
// has no place in the tests. The CLI harness (newTFCLI) writes its own.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "domaintrust-provider-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(1)
	}
	config := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(config, []byte("# no registry access in tests\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(1)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", config)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
