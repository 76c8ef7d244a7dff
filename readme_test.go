package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	// fencedBlock is a fenced code block: its language and its body.
	fencedBlock = regexp.MustCompile("(?ms)^```([a-z]*)\n(.*?)^```")
	codeSpan    = regexp.MustCompile("`([^`\n]+)`")
	heading     = regexp.MustCompile(`(?m)^#+ (.*)$`)
	makeCall    = regexp.MustCompile(`(?m)(?:^|[\s;&|(])make ([a-z][a-z0-9_-]*)`)
	makeTarget  = regexp.MustCompile(`(?m)^([A-Za-z0-9_-]+):([^=]|$)`)
	mdLink      = regexp.MustCompile(`\]\(([^)#\s]+)(?:#[^)]*)?\)`)
)

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestREADMEMakeTargetsExist: every `make X` the README shows (in code, code
// blocks and headings) is a target of GNUmakefile, and the README still
// names `make test` as the test command.
func TestREADMEMakeTargetsExist(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	targets := map[string]bool{}
	for _, m := range makeTarget.FindAllStringSubmatch(readRepoFile(t, "GNUmakefile"), -1) {
		targets[m[1]] = true
	}

	var code []string
	for _, m := range fencedBlock.FindAllStringSubmatch(readme, -1) {
		code = append(code, m[2])
	}
	prose := fencedBlock.ReplaceAllString(readme, "")
	for _, m := range codeSpan.FindAllStringSubmatch(prose, -1) {
		code = append(code, m[1])
	}
	for _, m := range heading.FindAllStringSubmatch(prose, -1) {
		code = append(code, m[1])
	}
	seen := map[string]bool{}
	for _, c := range code {
		for _, m := range makeCall.FindAllStringSubmatch(c, -1) {
			seen[m[1]] = true
			if !targets[m[1]] {
				t.Errorf("README.md shows `make %s`, but GNUmakefile has no target %q", m[1], m[1])
			}
		}
	}
	if len(seen) == 0 {
		t.Fatal("found no `make` command in README.md: the pattern is broken")
	}
	if !strings.Contains(readme, "The test command is `make test`.") {
		t.Error("README.md no longer says: The test command is `make test`.")
	}
}

// TestREADMEIsOnePage: the README is one page for a newcomer (under 200
// lines); how-to material belongs in the guides and the emulator's page.
func TestREADMEIsOnePage(t *testing.T) {
	if n := strings.Count(readRepoFile(t, "README.md"), "\n"); n >= 200 {
		t.Errorf("README.md has %d lines; keep it under 200 and move how-to material into a guide", n)
	}
}

// TestREADMELinksResolve: every relative link of the README points at a file
// or directory of the repository.
func TestREADMELinksResolve(t *testing.T) {
	for _, m := range mdLink.FindAllStringSubmatch(readRepoFile(t, "README.md"), -1) {
		target := m[1]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
			continue
		}
		if _, err := os.Stat(filepath.FromSlash(target)); err != nil {
			t.Errorf("README.md links to %s: %v", target, err)
		}
	}
}

// TestREADMETerraformIsFromExamples: every Terraform block of the README is
// a verbatim part of a file under examples/, which make examples-check
// formats and validates.
func TestREADMETerraformIsFromExamples(t *testing.T) {
	var examples []string
	err := filepath.WalkDir("examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tf") {
			examples = append(examples, readRepoFile(t, path))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range fencedBlock.FindAllStringSubmatch(readRepoFile(t, "README.md"), -1) {
		if m[1] != "terraform" && m[1] != "hcl" {
			continue
		}
		found := false
		for _, ex := range examples {
			if strings.Contains(ex, m[2]) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("this Terraform block of README.md is not part of any file under examples/:\n%s", m[2])
		}
	}
}
