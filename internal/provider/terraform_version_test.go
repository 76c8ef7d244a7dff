// The version of the Terraform CLI the tests run, for tests through the CLI
// harness that need a feature newer than the oldest Terraform supported.
// Tests through resource.Test use TerraformVersionChecks instead.

package provider

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/hashicorp/go-version"
)

// terraformBinary is the CLI the acceptance tests run:
// TF_ACC_TERRAFORM_PATH when set, else terraform on PATH.
func terraformBinary() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// skipBelowTerraform skips the test unless the CLI is at least min, as
// tfversion.SkipBelow does for resource.Test.
func skipBelowTerraform(t *testing.T, min *version.Version) {
	t.Helper()
	skipWithoutTFAcc(t)
	out, err := exec.Command(terraformBinary(), "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", terraformBinary(), err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", terraformBinary(), err)
	}
	seen, err := version.NewVersion(v.TerraformVersion)
	if err != nil {
		t.Fatalf("%s version -json: %v", terraformBinary(), err)
	}
	if seen.LessThan(min) {
		t.Skipf("Terraform CLI version %s is below minimum version %s: skipping test", seen, min)
	}
}
