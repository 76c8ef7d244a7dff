package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestAccGuideCIPipelineKeys proves the guide "Per-environment keys for CI
// pipelines" (examples/guides/ci-pipeline-keys): one key per pipeline and
// environment, each delivered by terraform_data to the secret-store script
// with a value that works, without any value showing in Terraform's output,
// and nothing left to do on the next plan.
func TestAccGuideCIPipelineKeys(t *testing.T) {
	skipWithoutTFAcc(t)
	env, cli := guideCLI(t, true, "ci-pipeline-keys", "main.tf")
	cli.writeScript("deliver-key.sh", deliverStub)

	// The guide's real script must read the variables main.tf passes.
	script := readGuideExample(t, "ci-pipeline-keys/deliver-key.sh")
	for _, v := range []string{"$KEY_VALUE", "$REPOSITORY", "$ENVIRONMENT"} {
		if !strings.Contains(script, v) {
			t.Errorf("examples/guides/ci-pipeline-keys/deliver-key.sh does not use %s", v)
		}
	}

	out := cli.mustRun("apply", "-auto-approve", "-input=false")
	expectOutput(t, out, "Apply complete! Resources: 6 added, 0 changed, 0 destroyed.",
		"terraform_data.deliver[\"example-org/scoring/production\"] (local-exec): (output suppressed due to sensitive value in config)",
		"ci_keys = <sensitive>")

	want := map[string]string{ // instance key => environment
		"example-org/scoring/testing":    "testing",
		"example-org/scoring/production": "production",
		"example-org/enrichment/testing": "testing",
	}
	if ids := env.liveKeyIDs(); len(ids) != len(want) {
		t.Fatalf("the emulator holds %d keys, want %d", len(ids), len(want))
	}
	secrets := map[string]string{}
	for name, environment := range want {
		s := cli.stateInstance(fmt.Sprintf("domaintrust_api_key.ci[%q]", name))
		secrets[name] = s.str("key")
		k, ok := env.emu.Key(s.str("id"))
		if !ok {
			t.Fatalf("key %s of %s is not in the emulator", s.str("id"), name)
		}
		repository := strings.TrimSuffix(name, "/"+environment)
		wantDescription := fmt.Sprintf("CI %s (%s), managed by Terraform", repository, environment)
		if k.Environment != environment || k.Description != wantDescription {
			t.Errorf("%s: emulator has %s key %q, want %s key %q", name, k.Environment, k.Description, environment, wantDescription)
		}
	}

	// Each key reached its pipeline's store exactly once, with a value that
	// authenticates and is the key's own.
	got := cli.deliveries()
	if len(got) != len(want) {
		t.Fatalf("%d deliveries, want %d", len(got), len(want))
	}
	for _, d := range got {
		name := d.repository + "/" + d.environment
		s := cli.stateInstance(fmt.Sprintf("domaintrust_api_key.ci[%q]", name))
		if d.id != s.str("id") || d.value != s.key() {
			t.Errorf("delivery for %s carries key %s, state has %s (or the values differ)", name, d.id, s.str("id"))
		}
		if !env.emu.Authenticates(d.value) {
			t.Errorf("the value delivered for %s does not authenticate", name)
		}
	}

	// No value in anything Terraform printed, outputs included.
	expectNoSecrets(t, "the apply output", out, secrets)
	outputs := cli.mustRun("output")
	expectOutput(t, outputs, "ci_keys = <sensitive>")
	expectNoSecrets(t, "terraform output", outputs, secrets)
	ids := cli.mustRun("output", "-json", "ci_key_ids")
	for name := range want {
		if !strings.Contains(ids, cli.stateInstance(fmt.Sprintf("domaintrust_api_key.ci[%q]", name)).str("id")) {
			t.Errorf("ci_key_ids lacks the id of %s:\n%s", name, ids)
		}
	}

	cli.expectEmptyPlan()

	// Dropping an environment deletes that key only; the others stay.
	var kept []string
	for _, n := range []string{"example-org/scoring/testing", "example-org/enrichment/testing"} {
		kept = append(kept, cli.stateInstance(fmt.Sprintf("domaintrust_api_key.ci[%q]", n)).str("id"))
	}
	slices.Sort(kept)
	cli.mustRun("apply", "-auto-approve", "-input=false",
		`-var=pipelines={"example-org/scoring" = ["testing"], "example-org/enrichment" = ["testing"]}`)
	if ids := env.liveKeyIDs(); !slices.Equal(slices.Sorted(slices.Values(ids)), kept) {
		t.Errorf("after dropping production the emulator holds %v, want %v", ids, kept)
	}

	cli.mustRun("destroy", "-auto-approve", "-input=false")
	if err := env.checkNoKeysLeft(nil); err != nil {
		t.Error(err)
	}
}
