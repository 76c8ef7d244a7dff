// Package release holds checks of the release packaging. It has no code of its
// own: `make release-check` and `make test` run these tests.
//
// The Terraform Registry accepts a provider release only in one layout (see
// https://developer.hashicorp.com/terraform/registry/providers/publishing).
// goreleaser itself cannot be built here from the Go module proxy within CI's
// budget, so these tests read .goreleaser.yml as data and assert that layout:
// archive and binary names, the checksum file, its detached GPG signature and
// the registry manifest. Unknown keys fail the parse, so a misspelt key cannot
// silently fall back to a goreleaser default.
package release

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const (
	repoRoot     = "../.."
	providerName = "terraform-provider-domaintrust"
	manifestFile = "terraform-registry-manifest.json"
)

// goreleaserConfig models the keys .goreleaser.yml may use. Adding a key to the
// file means adding it here, deliberately.
type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Env          []string   `yaml:"env"`
		ModTimestamp string     `yaml:"mod_timestamp"`
		Flags        []string   `yaml:"flags"`
		Ldflags      []string   `yaml:"ldflags"`
		Goos         []string   `yaml:"goos"`
		Goarch       []string   `yaml:"goarch"`
		Ignore       []platform `yaml:"ignore"`
		Binary       string     `yaml:"binary"`
	} `yaml:"builds"`
	Archives []struct {
		Formats      []string `yaml:"formats"`
		NameTemplate string   `yaml:"name_template"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string      `yaml:"name_template"`
		Algorithm    string      `yaml:"algorithm"`
		ExtraFiles   []extraFile `yaml:"extra_files"`
	} `yaml:"checksum"`
	Signs []struct {
		Artifacts string   `yaml:"artifacts"`
		Args      []string `yaml:"args"`
	} `yaml:"signs"`
	Release struct {
		ExtraFiles []extraFile `yaml:"extra_files"`
		Draft      bool        `yaml:"draft"`
	} `yaml:"release"`
	Changelog struct {
		Disable bool `yaml:"disable"`
	} `yaml:"changelog"`
}

type platform struct {
	Goos   string `yaml:"goos"`
	Goarch string `yaml:"goarch"`
}

type extraFile struct {
	Glob         string `yaml:"glob"`
	NameTemplate string `yaml:"name_template"`
}

func loadConfig(t *testing.T) goreleaserConfig {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, ".goreleaser.yml"))
	if err != nil {
		t.Fatalf("reading .goreleaser.yml: %v", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var cfg goreleaserConfig
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf(".goreleaser.yml: %v (a key not modelled in goreleaserConfig is an error: add it there if it is intended)", err)
	}
	return cfg
}

// render fills in goreleaser's template fields the names use, for readable
// assertions; "{{ .Version }}" and "{{.Version}}" are the same template.
func render(tmpl, version, goos, goarch string) string {
	spaces := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	return spaces.ReplaceAllStringFunc(tmpl, func(m string) string {
		switch spaces.FindStringSubmatch(m)[1] {
		case "Version":
			return version
		case "Os":
			return goos
		case "Arch":
			return goarch
		case "ProjectName":
			return providerName
		}
		return m
	})
}

func TestGoreleaserConfig(t *testing.T) {
	cfg := loadConfig(t)

	if cfg.Version != 2 {
		t.Errorf("version: got %d, want 2 (goreleaser v2 configuration)", cfg.Version)
	}
	if cfg.ProjectName != providerName {
		t.Errorf("project_name: got %q, want %q", cfg.ProjectName, providerName)
	}

	t.Run("build", func(t *testing.T) {
		if len(cfg.Builds) != 1 {
			t.Fatalf("builds: got %d, want exactly 1", len(cfg.Builds))
		}
		b := cfg.Builds[0]
		if !slices.Contains(b.Env, "CGO_ENABLED=0") {
			t.Errorf("builds[0].env %q lacks CGO_ENABLED=0", b.Env)
		}
		if !slices.Contains(b.Flags, "-trimpath") {
			t.Errorf("builds[0].flags %q lacks -trimpath", b.Flags)
		}
		if got, want := strings.Join(b.Ldflags, " "), "-s -w -X main.version={{.Version}}"; got != want {
			t.Errorf("builds[0].ldflags: got %q, want %q", got, want)
		}
		if b.ModTimestamp == "" {
			t.Error("builds[0].mod_timestamp is empty; set it to {{ .CommitTimestamp }} for reproducible archives")
		}
		if got, want := render(b.Binary, "1.2.3", "linux", "amd64"), providerName+"_v1.2.3"; got != want {
			t.Errorf("builds[0].binary %q renders as %q, want %q", b.Binary, got, want)
		}
		for _, goos := range []string{"linux", "darwin", "windows", "freebsd"} {
			if !slices.Contains(b.Goos, goos) {
				t.Errorf("builds[0].goos %q lacks %s", b.Goos, goos)
			}
		}
		for _, goarch := range []string{"amd64", "arm64", "386", "arm"} {
			if !slices.Contains(b.Goarch, goarch) {
				t.Errorf("builds[0].goarch %q lacks %s", b.Goarch, goarch)
			}
		}
		// Go has no darwin/386, and no windows/arm since Go 1.26.
		for _, p := range []platform{{Goos: "darwin", Goarch: "386"}, {Goos: "windows", Goarch: "arm"}} {
			if !slices.Contains(b.Ignore, p) {
				t.Errorf("builds[0].ignore lacks %s/%s, which Go cannot build", p.Goos, p.Goarch)
			}
		}
	})

	t.Run("main.version is what ldflags set", func(t *testing.T) {
		src, err := os.ReadFile(filepath.Join(repoRoot, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^var version\s*=`).Match(src) {
			t.Error("main.go declares no package-level `var version = ...`, which -X main.version sets")
		}
	})

	t.Run("archives", func(t *testing.T) {
		if len(cfg.Archives) != 1 {
			t.Fatalf("archives: got %d, want exactly 1", len(cfg.Archives))
		}
		a := cfg.Archives[0]
		if !slices.Equal(a.Formats, []string{"zip"}) {
			t.Errorf("archives[0].formats: got %q, want [zip] (the registry takes zip archives only)", a.Formats)
		}
		for _, p := range [][2]string{{"linux", "amd64"}, {"darwin", "arm64"}, {"windows", "386"}, {"freebsd", "arm"}} {
			got := render(a.NameTemplate, "1.2.3", p[0], p[1]) + ".zip"
			want := providerName + "_1.2.3_" + p[0] + "_" + p[1] + ".zip"
			if got != want {
				t.Errorf("archives[0].name_template %q gives %q for %s/%s, want %q", a.NameTemplate, got, p[0], p[1], want)
			}
		}
	})

	t.Run("checksum", func(t *testing.T) {
		c := cfg.Checksum
		if got, want := render(c.NameTemplate, "1.2.3", "", ""), providerName+"_1.2.3_SHA256SUMS"; got != want {
			t.Errorf("checksum.name_template %q gives %q, want %q", c.NameTemplate, got, want)
		}
		if c.Algorithm != "sha256" {
			t.Errorf("checksum.algorithm: got %q, want sha256", c.Algorithm)
		}
		assertManifestCopy(t, "checksum.extra_files", c.ExtraFiles)
	})

	t.Run("signature", func(t *testing.T) {
		if len(cfg.Signs) != 1 {
			t.Fatalf("signs: got %d, want exactly 1", len(cfg.Signs))
		}
		s := cfg.Signs[0]
		if s.Artifacts != "checksum" {
			t.Errorf("signs[0].artifacts: got %q, want checksum (the registry verifies the signed SHA256SUMS)", s.Artifacts)
		}
		want := []string{"--batch", "--local-user", "{{ .Env.GPG_FINGERPRINT }}", "--output", "${signature}", "--detach-sign", "${artifact}"}
		if !slices.Equal(s.Args, want) {
			t.Errorf("signs[0].args:\n got %q\nwant %q", s.Args, want)
		}
	})

	t.Run("release", func(t *testing.T) {
		assertManifestCopy(t, "release.extra_files", cfg.Release.ExtraFiles)
	})

	t.Run("manifest", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(repoRoot, manifestFile))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Version  int `json:"version"`
			Metadata struct {
				ProtocolVersions []string `json:"protocol_versions"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", manifestFile, err)
		}
		if m.Version != 1 {
			t.Errorf("%s: version %d, want 1", manifestFile, m.Version)
		}
		// main.go serves protocol 6 (terraform-plugin-framework).
		if !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
			t.Errorf("%s: protocol_versions %q, want [6.0]", manifestFile, m.Metadata.ProtocolVersions)
		}
	})
}

func assertManifestCopy(t *testing.T, where string, files []extraFile) {
	t.Helper()
	want := providerName + "_1.2.3_manifest.json"
	for _, f := range files {
		if f.Glob == manifestFile && render(f.NameTemplate, "1.2.3", "", "") == want {
			return
		}
	}
	t.Errorf("%s: no entry copies %s as %s_{{ .Version }}_manifest.json (got %+v)", where, manifestFile, providerName, files)
}
