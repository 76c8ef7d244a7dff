// What the CLI under test is, Terraform or OpenTofu, and which features it
// has: tests of a feature skip, by version, where the CLI lacks it.

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// cliFeature is a feature of the CLI that tests need, with the first
// Terraform and the first OpenTofu release that have it; tofuMin is "" while
// no OpenTofu release has it.
type cliFeature struct {
	name, terraformMin, tofuMin string
}

var (
	featureEphemeral     = cliFeature{"ephemeral resources", "1.10.0", "1.11.0"}
	featureIdentity      = cliFeature{"resource identity", "1.12.0", "1.12.0"}
	featureListResources = cliFeature{"list resources (terraform query)", "1.14.0", ""}
	featureActions       = cliFeature{"actions", "1.14.0", ""}
	// featureDestroyActions: action_trigger events before_destroy and
	// after_destroy, and on_failure.
	featureDestroyActions = cliFeature{"actions on destroy events", "1.16.0", ""}
	// featureDestroyFalse: lifecycle { destroy = false }, which forgets an
	// object instead of destroying it.
	featureDestroyFalse = cliFeature{"lifecycle destroy = false", "1.16.0", "1.12.0"}
)

var _ tfversion.TerraformVersionCheck = cliFeature{}

// CheckTerraformVersion makes a cliFeature a TerraformVersionCheck for
// resource.TestCase, like tfversion.SkipBelow but aware of OpenTofu.
func (f cliFeature) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	v, err := readCLIUnderTest()
	if err != nil {
		resp.Error = err
		return
	}
	resp.Skip = f.missing(v)
}

// missing says why v lacks the feature, or "" when it has it.
func (f cliFeature) missing(v cliVersion) string {
	name, first := "Terraform", f.terraformMin
	if v.openTofu {
		name, first = "OpenTofu", f.tofuMin
	}
	if first == "" {
		return fmt.Sprintf("%s %s has no %s", name, v.version, f.name)
	}
	if v.version.LessThan(version.Must(version.NewVersion(first))) {
		return fmt.Sprintf("%s %s has no %s (needs %s or later)", name, v.version, f.name, first)
	}
	return ""
}

// cliVersion is what the CLI under test says of itself.
type cliVersion struct {
	version  *version.Version
	openTofu bool
}

// readCLIUnderTest is what the CLI the tests run says of itself, asked once
// per test binary: TF_ACC_TERRAFORM_PATH does not change while tests run.
var readCLIUnderTest = sync.OnceValues(func() (cliVersion, error) {
	bin, err := findTerraform()
	if err != nil {
		return cliVersion{}, err
	}
	return readCLIVersion(context.Background(), bin, os.Environ())
})

// cliUnderTest is readCLIUnderTest for a test that starts the CLI: tests
// that assert a CLI's own wording or behaviour ask it which CLI runs.
func cliUnderTest(t *testing.T) cliVersion {
	t.Helper()
	skipWithoutTFAcc(t)
	v, err := readCLIUnderTest()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// taintedReplacement is how the CLI under test says, after a resource's
// address, that a tainted resource will be replaced.
func taintedReplacement(t *testing.T) string {
	t.Helper()
	if cliUnderTest(t).openTofu {
		return "is tainted, so it must be replaced"
	}
	return "is tainted, so must be replaced"
}

// readCLIVersion runs `version -json` on bin. Terraform and OpenTofu both
// answer {"terraform_version": ...}; only OpenTofu's plain `version` names
// OpenTofu.
func readCLIVersion(ctx context.Context, bin string, env []string) (cliVersion, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s %v: %w", bin, args, err)
		}
		return out, nil
	}
	out, err := run("version", "-json")
	if err != nil {
		return cliVersion{}, err
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return cliVersion{}, fmt.Errorf("%s version -json: %w\n%s", bin, err, out)
	}
	parsed, err := version.NewVersion(v.Version)
	if err != nil {
		return cliVersion{}, fmt.Errorf("%s version %q: %w", bin, v.Version, err)
	}
	plain, err := run("version")
	if err != nil {
		return cliVersion{}, err
	}
	return cliVersion{version: parsed, openTofu: bytes.Contains(plain, []byte("OpenTofu"))}, nil
}

// skipWithout skips a test that starts the CLI where the CLI lacks the
// feature, for tests that run the CLI themselves; resource.Test takes a
// cliFeature among its TerraformVersionChecks instead.
func skipWithout(t *testing.T, f cliFeature) {
	t.Helper()
	if why := f.missing(cliUnderTest(t)); why != "" {
		t.Skip(why)
	}
}

func TestCLIFeatureMissing(t *testing.T) {
	v := func(s string, openTofu bool) cliVersion {
		return cliVersion{version: version.Must(version.NewVersion(s)), openTofu: openTofu}
	}
	cases := []struct {
		feature cliFeature
		cli     cliVersion
		skip    bool
	}{
		{featureEphemeral, v("1.11.4", false), false},
		{featureEphemeral, v("1.9.8", false), true},
		{featureEphemeral, v("1.10.7", true), true},
		{featureEphemeral, v("1.11.0", true), false},
		{featureIdentity, v("1.11.4", false), true},
		{featureIdentity, v("1.12.6", true), false},
		{featureIdentity, v("1.11.5", true), true},
		{featureListResources, v("1.15.0", false), false},
		{featureListResources, v("1.13.4", false), true},
		{featureListResources, v("1.15.0", true), true}, // no OpenTofu release has them
		{featureActions, v("1.14.0", false), false},
		{featureActions, v("1.14.0-beta1", false), true},
		{featureDestroyActions, v("1.15.9", false), true},
		{featureDestroyActions, v("1.16.0", false), false},
		{featureDestroyActions, v("1.12.6", true), true},
		{featureDestroyFalse, v("1.16.4", false), false},
		{featureDestroyFalse, v("1.15.0", false), true},
		{featureDestroyFalse, v("1.12.0", true), false},
		{featureDestroyFalse, v("1.11.6", true), true},
	}
	for _, c := range cases {
		if got := c.feature.missing(c.cli); (got != "") != c.skip {
			t.Errorf("%s on %s (OpenTofu %v): missing = %q, want a skip: %v", c.feature.name, c.cli.version, c.cli.openTofu, got, c.skip)
		}
	}
}
