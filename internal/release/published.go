package release

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"gopkg.in/yaml.v3"
)

// Published returns the files that `goreleaser release` would upload to the
// GitHub release, from the dist directory of a run with --skip=publish:
// every artifact of dist/artifacts.json that GoReleaser uploads (all but
// the unpacked binaries and its own metadata) and the release's extra_files
// of the configuration it ran with (dist/config.yaml), under the names they
// would be published as. The Terraform Registry then takes its files from
// that GitHub release.
func Published(dist string) (Files, error) {
	var meta struct {
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(dist, "metadata.json"), &meta); err != nil {
		return Files{}, err
	}
	files := Files{Version: meta.Version, Paths: map[string]string{}}
	// GoReleaser's paths are relative to where it ran: dist's parent.
	root := filepath.Dir(dist)
	var artifacts []struct {
		Name string `json:"name"`
		Path string `json:"path"`
		Type string `json:"type"`
	}
	if err := readJSON(filepath.Join(dist, "artifacts.json"), &artifacts); err != nil {
		return Files{}, err
	}
	for _, a := range artifacts {
		if a.Type == "Binary" || a.Type == "Metadata" {
			continue // uploaded inside the archives / never uploaded
		}
		files.Paths[a.Name] = filepath.Join(root, a.Path)
	}
	extra, err := releaseExtraFiles(filepath.Join(dist, "config.yaml"), meta.Version)
	if err != nil {
		return Files{}, err
	}
	for name, glob := range extra {
		files.Paths[name] = filepath.Join(root, glob)
	}
	return files, nil
}

var (
	// versionTemplate is the one template field the release's extra file names use.
	versionTemplate = regexp.MustCompile(`\{\{\s*\.Version\s*\}\}`)
	// templateOrGlob finds what is left of other templates and globs.
	templateOrGlob = regexp.MustCompile(`[{}*?\[]`)
)

// releaseExtraFiles reads release.extra_files of GoReleaser's effective
// configuration: the file (a glob naming one file) by published name.
func releaseExtraFiles(config, version string) (map[string]string, error) {
	raw, err := os.ReadFile(config) //nolint:gosec // GoReleaser's dist of the release under test
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Release struct {
			ExtraFiles []struct {
				Glob         string `yaml:"glob"`
				NameTemplate string `yaml:"name_template"`
			} `yaml:"extra_files"`
		} `yaml:"release"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", config, err)
	}
	files := map[string]string{}
	for _, f := range cfg.Release.ExtraFiles {
		name := versionTemplate.ReplaceAllString(f.NameTemplate, version)
		if name == "" || templateOrGlob.MatchString(name+f.Glob) {
			return nil, fmt.Errorf("%s: release.extra_files entry %+v: the release test reads plain file names and {{ .Version }} only", config, f)
		}
		files[name] = f.Glob
	}
	return files, nil
}

func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path) //nolint:gosec // as above
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
