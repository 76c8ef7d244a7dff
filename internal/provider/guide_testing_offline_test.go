package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var testingOfflineFiles = []string{"main.tf", "tests/emulator.tftest.hcl", "tests/compare-ids/main.tf", "tests/mock.tftest.hcl"}

// TestAccGuideTestingOffline proves the guide "Testing your configuration
// offline" (examples/guides/testing-offline) by running the guide's own
// terraform test files: against the emulator (keys really created, checked
// and destroyed), and with mock_provider, which sends no request at all and
// needs no credentials. Then the guide's CI script, as a CI job would run
// it: a provider binary installed through dev_overrides, the emulator built
// from this repository and started by the script.
func TestAccGuideTestingOffline(t *testing.T) {
	skipWithoutTFAcc(t)

	t.Run("terraform_test", func(t *testing.T) {
		env, cli := guideCLI(t, true, "testing-offline", testingOfflineFiles...)

		// What `terraform init` does for the tests' helper module; init itself
		// would look the provider up in the registry.
		cli.mustRun("get")
		out := cli.mustRun("test")
		if !cliUnderTest(t).openTofu {
			expectOutput(t, out, `tests/emulator.tftest.hcl... in progress`) // tofu test prints no progress lines
		}
		expectOutput(t, out,
			`run "one_key_per_environment"... pass`, `run "ids_before_renaming"... pass`, `run "renaming_keeps_the_keys"... pass`,
			`run "renaming_kept_the_key_ids"... pass`,
			`tests/emulator.tftest.hcl... pass`,
			`run "one_testing_key_by_default"... pass`, `run "rejects_an_unknown_environment"... pass`, `run "outputs_hold_every_key"... pass`,
			`tests/mock.tftest.hcl... pass`,
			"Success! 7 passed, 0 failed.")
		stats := env.stats()
		if n := stats.ByRoute["POST /keys"]; n != 2 {
			t.Errorf("the emulator file created %d keys, want 2 (one per environment)", n)
		}
		if n := stats.ByRoute["PATCH /keys/{id}"]; n != 2 {
			t.Errorf("renaming sent %d PATCH requests, want 2 (in place, no replacement)", n)
		}
		if err := env.checkNoKeysLeft(nil); err != nil {
			t.Errorf("terraform test did not clean up: %v", err)
		}

		// The helper module tells a replaced key from a kept one.
		cli.writeFile("tests/replaced.tftest.hcl", `
run "replaced" {
  command = plan
  module {
    source = "./tests/compare-ids"
  }
  variables {
    before = { testing = "id-1" }
    after  = { testing = "id-2" }
  }
  assert {
    condition     = output.unchanged
    error_message = "A key was replaced."
  }
}
`)
		cli.mustRun("get")
		if out, err := cli.run("test", "-filter=tests/replaced.tftest.hcl"); err == nil {
			t.Errorf("compare-ids finds two different ids unchanged:\n%s", out)
		} else {
			expectOutput(t, out, "A key was replaced.")
		}
		if err := os.Remove(filepath.Join(cli.dir, "tests", "replaced.tftest.hcl")); err != nil {
			t.Fatal(err)
		}

		// The mocked file alone, with no credentials and an endpoint that
		// answers nothing: it passes, and the emulator sees no request.
		before := env.stats().Total
		t.Setenv(envAPIKey, "")
		t.Setenv(envEndpoint, "http://127.0.0.1:1/api")
		out = cli.mustRun("test", "-filter=tests/mock.tftest.hcl")
		expectOutput(t, out, "Success! 3 passed, 0 failed.")
		if n := env.stats().Total - before; n != 0 {
			t.Errorf("the mock_provider file sent %d API requests, want 0", n)
		}

		// A broken configuration fails the mocked file: the tests test something.
		cli.writeFile("main.tf", strings.Replace(readGuideExample(t, "testing-offline/main.tf"),
			`description = "${var.service} (${each.key})"`, `description = var.service`, 1))
		out, err := cli.run("test", "-filter=tests/mock.tftest.hcl")
		if err == nil {
			t.Errorf("the mocked tests pass on a configuration that drops the environment from descriptions:\n%s", out)
		}
		expectOutput(t, out, "The description does not name the service and environment.")
	})

	t.Run("ci_script", func(t *testing.T) {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		bin := filepath.Join(dir, "plugins")
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "terraform-provider-domaintrust"), ".")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building the provider: %v\n%s", err, out)
		}
		cliConfig := filepath.Join(dir, "terraformrc")
		writeFile(t, cliConfig, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"domaintrust/domaintrust\" = %q\n  }\n  direct {}\n}\n", bin))
		work := filepath.Join(dir, "work")
		for _, f := range append(testingOfflineFiles, "test-against-emulator.sh") {
			p := filepath.Join(work, filepath.FromSlash(f))
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			writeFile(t, p, readGuideExample(t, "testing-offline/"+f))
		}

		get := exec.CommandContext(ctx, terraformPath(t), "get", "-no-color")
		get.Dir = work
		get.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig)
		if out, err := get.CombinedOutput(); err != nil {
			t.Fatalf("installing the tests' helper module: %v\n%s", err, out)
		}
		cmd := exec.CommandContext(ctx, "bash", "test-against-emulator.sh", "-no-color")
		cmd.Dir = work
		// The environment of a CI job: no Domain Trust credentials (the
		// script gets them from the emulator), no test harness variables.
		for _, kv := range os.Environ() {
			name, _, _ := strings.Cut(kv, "=")
			if !strings.HasPrefix(name, "DOMAINTRUST_") && !strings.HasPrefix(name, "TF_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "TERRAFORM="+terraformPath(t), "PROVIDER_SRC="+root, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("test-against-emulator.sh: %v\n%s", err, out)
		}
		expectOutput(t, string(out), "Success! 7 passed, 0 failed.")
	})
}
