package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// TestAccGuideDeliveringSealedKeys proves the guide "Delivering keys sealed
// for their consumer" (examples/guides/delivering-sealed-keys) with the
// guide's own files:
//   - GitHub Actions: key.tf as shown, with a stand-in for github.tf (the
//     GitHub provider cannot be installed here) that gives a sealed-box
//     public key and hands sealed_key to what stands for the Actions secret.
//     What the secret receives opens, with the private key, to a key that
//     authenticates; a rotation seals the new key and retires the old one
//     for the window.
//   - age: main.tf as shown. The file it writes opens with the age identity
//     to a key that authenticates, and so does the output; after a rotation
//     the file holds the new key and the old one works until its window
//     ends.
//
// No plaintext appears in what Terraform printed or in any file it wrote.
func TestAccGuideDeliveringSealedKeys(t *testing.T) {
	skipWithoutTFAcc(t)

	t.Run("github_actions", func(t *testing.T) {
		env, cli := guideCLI(t, true, "delivering-sealed-keys/github-actions", "key.tf")
		shown := readGuideExample(t, "delivering-sealed-keys/github-actions/github.tf")
		for _, want := range []string{"local.github_public_key", "github_public_key = data.github_actions_public_key.deploy.key",
			`encrypted_value = domaintrust_api_key.deploy.sealed_key`} {
			if !strings.Contains(shown+readGuideExample(t, "delivering-sealed-keys/github-actions/key.tf"), want) {
				t.Errorf("the guide's GitHub files lack %q, which the stand-in relies on", want)
			}
		}
		repo := sealtest.SealedBox(t)
		cli.writeFile("github.tf", requiredProviders+fmt.Sprintf(`
# Stand-in for the guide's github.tf: the repository's public key, and what
# the Actions secret would receive.
locals {
  github_public_key = %q
}

resource "terraform_data" "github_actions_secret" {
  input = domaintrust_api_key.deploy.sealed_key
}
`, repo.Recipient))

		var printed strings.Builder
		printed.WriteString(cli.mustRun("apply", "-auto-approve"))
		first := repo.Open(t, dataOutput(t, cli.stateInstance("terraform_data.github_actions_secret")))
		if !env.emu.Authenticates(first) {
			t.Fatal("what the Actions secret received does not open to a working key")
		}
		if key := cli.stateInstance("domaintrust_api_key.deploy"); key.key() != "" {
			t.Error("key is in state although the key is sealed (value withheld)")
		}

		env.clock.Advance(77 * day)
		printed.WriteString(cli.mustRun("apply", "-auto-approve"))
		second := repo.Open(t, dataOutput(t, cli.stateInstance("terraform_data.github_actions_secret")))
		if second == first || !env.emu.Authenticates(second) {
			t.Error("after the rotation the Actions secret does not hold a new working key")
		}
		if !env.emu.Authenticates(first) {
			t.Error("the old key stopped working at the rotation, inside its 24h window")
		}
		env.clock.Advance(24*time.Hour + time.Second)
		if env.emu.Authenticates(first) {
			t.Error("the old key still works after its 24h window")
		}
		printed.WriteString(cli.mustRun("destroy", "-auto-approve"))
		expectNoPlaintext(t, cli.dir, printed.String(), first, second)
	})

	t.Run("age", func(t *testing.T) {
		env, cli := guideCLI(t, false, "delivering-sealed-keys/age", "main.tf")
		identity := sealtest.Age(t)
		vars := []string{"-var", "age_recipient=" + identity.Recipient}
		keyFile := func() string {
			t.Helper()
			raw, err := os.ReadFile(filepath.Join(cli.dir, "domaintrust-key.age"))
			if err != nil {
				t.Fatal(err)
			}
			return identity.Open(t, string(raw))
		}

		var printed strings.Builder
		printed.WriteString(cli.mustRun(append([]string{"apply", "-auto-approve"}, vars...)...))
		first := keyFile()
		if !env.emu.Authenticates(first) {
			t.Fatal("the age file does not open to a working key")
		}
		output := cli.mustRun("output", "-raw", "sealed_key")
		if identity.Open(t, output) != first {
			t.Error("the output sealed_key does not open to the key in the file")
		}

		env.clock.Advance(24 * day)
		printed.WriteString(cli.mustRun(append([]string{"apply", "-auto-approve"}, vars...)...))
		second := keyFile()
		if second == first || !env.emu.Authenticates(second) {
			t.Error("after the rotation the file does not hold a new working key")
		}
		if !env.emu.Authenticates(first) {
			t.Error("the old key stopped working at the rotation, inside its 72h window")
		}
		printed.WriteString(cli.mustRun(append([]string{"destroy", "-auto-approve"}, vars...)...))
		expectNoPlaintext(t, cli.dir, printed.String(), first, second)
	})
}

// dataOutput is a terraform_data's output as a string; state keeps its
// dynamic value as {"value": ..., "type": ...}.
func dataOutput(t *testing.T, in stateInstance) string {
	t.Helper()
	v, ok := in.Attrs["output"].(map[string]any)
	if !ok {
		t.Fatalf("%s: output %T is not a dynamic value", in.Addr, in.Attrs["output"])
	}
	s, ok := v["value"].(string)
	if !ok {
		t.Fatalf("%s: output holds %T, want a string", in.Addr, v["value"])
	}
	return s
}
