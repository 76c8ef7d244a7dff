package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// guideExamples names, per guide template, the example files its acceptance
// test runs (TestAccGuide*). The guide must show each of them, so what a
// reader copies is what the test ran.
var guideExamples = map[string][]string{
	"ci-pipeline-keys":        {"ci-pipeline-keys/main.tf", "ci-pipeline-keys/deliver-key.sh"},
	"zero-downtime-rotation":  {"zero-downtime-rotation/main.tf", "zero-downtime-rotation/deliver-key.sh", "zero-downtime-rotation/grace-window/main.tf"},
	"adopting-dashboard-keys": {"adopting-dashboard-keys/query/main.tf", "adopting-dashboard-keys/query/keys.tfquery.hcl", "adopting-dashboard-keys/find/main.tf", "adopting-dashboard-keys/one-key/main.tf", "adopting-dashboard-keys/many-keys/main.tf", "adopting-dashboard-keys/many-keys/dashboard-keys.tfvars"},
	"auditing-keys":           {"auditing-keys/main.tf"},
	"testing-offline":         {"testing-offline/main.tf", "testing-offline/tests/emulator.tftest.hcl", "testing-offline/tests/compare-ids/main.tf", "testing-offline/tests/mock.tftest.hcl", "testing-offline/test-against-emulator.sh"},
	"relative-expiration":     {"relative-expiration/main.tf"},
	"delivering-sealed-keys": {"delivering-sealed-keys/github-actions/key.tf", "delivering-sealed-keys/github-actions/github.tf",
		"delivering-sealed-keys/age/main.tf"},
	"responding-to-a-leaked-key": {"responding-to-a-leaked-key/revoke/main.tf", "responding-to-a-leaked-key/replace/main.tf",
		"responding-to-a-leaked-key/check/main.tf"},
	"handing-keys-to-a-secret-manager": {"handing-keys-to-a-secret-manager/key.tf", "handing-keys-to-a-secret-manager/provider-alias.tf",
		"handing-keys-to-a-secret-manager/aws.tf", "handing-keys-to-a-secret-manager/vault.tf", "handing-keys-to-a-secret-manager/azure.tf",
		"handing-keys-to-a-secret-manager/google.tf", "handing-keys-to-a-secret-manager/kubernetes.tf"},
}

var embedded = regexp.MustCompile(`\{\{\s*(?:tffile|codefile\s+"[^"]*")\s+"([^"]+)"\s*\}\}`)

// TestGuidesShowTheirTestedExamples: every guide template embeds the
// example files its acceptance test runs, every embedded file exists, and
// every guide has the Registry's front matter.
func TestGuidesShowTheirTestedExamples(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	templates, err := filepath.Glob(filepath.Join(root, "templates", "guides", "*.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tmpl := range templates {
		name := strings.TrimSuffix(filepath.Base(tmpl), ".md.tmpl")
		names = append(names, name)
		raw, err := os.ReadFile(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		for _, field := range []string{"---\npage_title: ", "\nsubcategory: \"Guides\"\n", "\ndescription: |-\n"} {
			if !strings.Contains(text, field) {
				t.Errorf("%s: front matter lacks %q", name, strings.TrimSpace(field))
			}
		}
		var shown []string
		for _, m := range embedded.FindAllStringSubmatch(text, -1) {
			shown = append(shown, m[1])
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(m[1]))); err != nil {
				t.Errorf("%s embeds %s: %v", name, m[1], err)
			}
		}
		for _, f := range guideExamples[name] {
			if !slices.Contains(shown, "examples/guides/"+f) {
				t.Errorf("%s does not show examples/guides/%s, which its acceptance test runs", name, f)
			}
		}
	}
	for name := range guideExamples {
		if !slices.Contains(names, name) {
			t.Errorf("no template templates/guides/%s.md.tmpl", name)
		}
	}
}
