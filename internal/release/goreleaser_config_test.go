package release

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// configTargets are the os_arch platforms .goreleaser.yml builds: every
// goos with every goarch that Go can build (GoReleaser drops the others,
// such as darwin/arm), but those it ignores. The release test builds them,
// or RELEASE_TARGETS of them.
func configTargets(t *testing.T) []string {
	t.Helper()
	var cfg struct {
		Builds []struct {
			Goos   []string `yaml:"goos"`
			Goarch []string `yaml:"goarch"`
			Ignore []struct {
				Goos   string `yaml:"goos"`
				Goarch string `yaml:"goarch"`
			} `yaml:"ignore"`
		} `yaml:"builds"`
	}
	if err := yaml.Unmarshal(readFile(t, repoRoot+"/.goreleaser.yml"), &cfg); err != nil {
		t.Fatalf(".goreleaser.yml: %v", err)
	}
	if len(cfg.Builds) != 1 {
		t.Fatalf(".goreleaser.yml has %d builds, want 1", len(cfg.Builds))
	}
	b := cfg.Builds[0]
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	goCanBuild := strings.Fields(string(out))
	var targets []string
	for _, goos := range b.Goos {
		for _, goarch := range b.Goarch {
			ignored := false
			for _, i := range b.Ignore {
				ignored = ignored || (i.Goos == goos && i.Goarch == goarch)
			}
			if !ignored && slices.Contains(goCanBuild, goos+"/"+goarch) {
				targets = append(targets, goos+"_"+goarch)
			}
		}
	}
	slices.Sort(targets)
	return targets
}

// TestGoreleaserTargets: the release builds for every platform Terraform
// and OpenTofu users run on, as HashiCorp's scaffolding does. The release
// test in CI builds three of them; the release workflow builds them all.
func TestGoreleaserTargets(t *testing.T) {
	want := []string{
		"darwin_amd64", "darwin_arm64",
		"freebsd_386", "freebsd_amd64", "freebsd_arm", "freebsd_arm64",
		"linux_386", "linux_amd64", "linux_arm", "linux_arm64",
		"windows_386", "windows_amd64", "windows_arm64",
	}
	if got := configTargets(t); !slices.Equal(got, want) {
		t.Errorf(".goreleaser.yml builds\n %q\nwant\n %q", got, want)
	}
}
