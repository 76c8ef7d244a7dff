package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/browsertest"
)

// TestAccDashboard_keyDeletedInThePage follows the CI pipeline guide's story
// with the emulator's dashboard in a real headless Chromium: Terraform creates
// the pipelines' keys, the page lists them, someone deletes one in the page,
// and the next `terraform plan` warns that the key was deleted outside
// Terraform and plans a new one.
func TestAccDashboard_keyDeletedInThePage(t *testing.T) {
	skipWithoutTFAcc(t)
	b := browsertest.Start(t)
	env := newTestEnv(t, true)
	env.useEnvCredentials(t)
	cli := newTFCLI(t, env)
	cli.copyGuideExample("ci-pipeline-keys", "main.tf")
	cli.writeScript("deliver-key.sh", deliverStub)
	cli.mustRun("apply", "-auto-approve", "-input=false")

	pipelines := map[string]string{ // instance key => description
		"example-org/scoring/testing":    "CI example-org/scoring (testing), managed by Terraform",
		"example-org/scoring/production": "CI example-org/scoring (production), managed by Terraform",
		"example-org/enrichment/testing": "CI example-org/enrichment (testing), managed by Terraform",
	}
	ids := map[string]string{}
	secrets := map[string]string{"provider": env.boot.APIKey}
	for name := range pipelines {
		s := cli.stateInstance(fmt.Sprintf("domaintrust_api_key.ci[%q]", name))
		ids[name], secrets[name] = s.str("id"), s.key()
	}

	// Sign in with the key Terraform acts with; the page lists every key Terraform made.
	dashboard := strings.TrimSuffix(env.endpoint, "/api") + "/dashboard/"
	if got := b.Navigate(dashboard); got != http.StatusOK {
		t.Fatalf("the dashboard answered %d", got)
	}
	if got := b.Load(chromedp.SendKeys(chromedp.CSS("#api_key"), env.boot.APIKey+kb.Enter)); got != http.StatusOK {
		t.Fatalf("sign-in: %d", got)
	}
	for name, description := range pipelines {
		row := `tr[data-key-id="` + ids[name] + `"]`
		if !b.Has(row) {
			t.Fatalf("the page does not list %s (key %s)", name, ids[name])
		}
		if text := b.Text(row); !strings.Contains(text, description) {
			t.Errorf("the row of %s says %q, want %q", name, text, description)
		}
	}
	html := browsertest.Run(b, chromedp.OuterHTML(chromedp.CSS("html")))
	expectNoSecrets(t, "the dashboard", html, secrets)
	b.Screenshot("dashboard-terraform-keys.png")

	// Delete one pipeline's key in the page, confirmed on its second page.
	deleted := "example-org/enrichment/testing"
	b.Load(chromedp.Click(chromedp.CSS(`tr[data-key-id="` + ids[deleted] + `"] a.delete`)))
	b.Load(chromedp.Click(chromedp.CSS("#confirm-delete")))
	if b.Has(`tr[data-key-id="` + ids[deleted] + `"]`) {
		t.Fatal("the deleted key is still listed")
	}
	if _, found := env.emu.Key(ids[deleted]); found {
		t.Fatal("the page's delete did not reach the emulator")
	}
	if env.emu.Authenticates(secrets[deleted]) {
		t.Error("the deleted key's value still authenticates")
	}

	out := cli.mustRun("plan", "-input=false")
	expectOutput(t, out, "Warning: API key deleted outside Terraform",
		fmt.Sprintf("with domaintrust_api_key.ci[%q]", deleted),
		fmt.Sprintf("Domain Trust API key %s (%q) no longer exists in Domain Trust", ids[deleted], pipelines[deleted]),
		"the plan creates a new key, with a new secret, in its place")
	if n := strings.Count(out, "Warning:"); n != 1 {
		t.Errorf("the plan has %d warnings, want one (one key was deleted):\n%s", n, out)
	}
	expectNoSecrets(t, "the plan", out, secrets)
}
