package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// unsealedConfig is a key sealed for recipient, opened with identity by
// domaintrust_unsealed_api_key (verify as given), the opened key echoed
// into echo's state for the checks to see, and a second instance of the
// provider (dtinner) that authenticates with the opened key and reads the
// key by its id.
func (e *testEnv) unsealedConfig(recipient, identity string, verify bool) string {
	return e.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "sealed" {
  environment = "testing"
  description = "sealed, then opened"
  expiration  = %q
  seal = {
    recipient = %q
  }
}

ephemeral "domaintrust_unsealed_api_key" "opened" {
  sealed_key = domaintrust_api_key.sealed.sealed_key
  identity   = %q
  verify     = %t
}

provider "dtinner" {
  endpoint = %q
  api_key  = ephemeral.domaintrust_unsealed_api_key.opened.key
}

data "domaintrust_api_key" "read_with_opened_key" {
  provider = dtinner
  id       = domaintrust_api_key.sealed.id
}

provider "echo" {
  data = {
    opened = ephemeral.domaintrust_unsealed_api_key.opened
  }
}

resource "echo" "test" {}
`, e.future(30*day), recipient, identity, verify, e.endpoint)
}

// TestAccUnsealedAPIKey_opens: for a key sealed for each kind of
// recipient, the plan that creates the key cannot open it (sealed_key is
// unknown), so the opened key is unknown in that plan; the apply opens it to
// the key that was sealed, which authenticates: a second provider
// configured with it reads the key. Then a plan with nothing to change
// opens it again, at plan.
func TestAccUnsealedAPIKey_opens(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		key  func(testing.TB) *sealtest.Key
	}{{"age", sealtest.Age}, {"sealed_box", sealtest.SealedBox}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, false)
			key := c.key(t)
			config := env.unsealedConfig(key.Recipient, key.Identity, true)
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralVersionChecks,
				ProtoV6ProviderFactories: env.ephemeralFactories(),
				CheckDestroy:             env.checkNoKeysLeft,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue("echo.test", tfjsonpath.New("data")),
						plancheck.ExpectUnknownValue("domaintrust_api_key.sealed", tfjsonpath.New("secret_version")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						env.expectOpenedSealedKey(key),
						statecheck.ExpectKnownValue("data.domaintrust_api_key.read_with_opened_key", tfjsonpath.New("description"),
							knownvalue.StringExact("sealed, then opened")),
					},
				}, {
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					ConfigStateChecks: []statecheck.StateCheck{env.expectOpenedSealedKey(key)},
				}},
			})
		})
	}
}

// expectOpenedSealedKey checks that what the ephemeral resource opened
// (through echo's state) is the key sealed in domaintrust_api_key.sealed's
// sealed_key, opened by the test with key, and that it authenticates.
func (e *testEnv) expectOpenedSealedKey(key *sealtest.Key) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		resp.Error = func() error {
			data, err := echoData(req, "opened")
			if err != nil {
				return err
			}
			opened, _ := data["key"].(string)
			var sealed string
			for _, r := range req.State.Values.RootModule.Resources {
				if r.Address == "domaintrust_api_key.sealed" {
					sealed, _ = r.AttributeValues["sealed_key"].(string)
				}
			}
			want, err := key.TryOpen(sealed)
			switch {
			case err != nil:
				return fmt.Errorf("the sealed_key in state does not open with the test's key: %w", err)
			case opened != want:
				return fmt.Errorf("the ephemeral resource opened %d characters, not the sealed key (values withheld)", len(opened))
			case !e.emu.Authenticates(opened):
				return fmt.Errorf("the opened key does not authenticate (value withheld)")
			}
			return nil
		}()
	})
}

// sealedLiteral seals plaintext for key's recipient, as the resource would.
func sealedLiteral(t *testing.T, key *sealtest.Key, plaintext string) string {
	t.Helper()
	r, err := seal.ParseRecipient(key.Recipient)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := r.Seal([]byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

// openLiteralConfig opens a sealed value given in the configuration, with
// the identity from an ephemeral variable (TF_VAR_identity), as the guide
// passes it.
func (e *testEnv) openLiteralConfig(sealedKey string, verify bool) string {
	return e.providerBlock() + fmt.Sprintf(`
variable "identity" {
  type      = string
  sensitive = true
  ephemeral = true
}

ephemeral "domaintrust_unsealed_api_key" "test" {
  sealed_key = %s
  identity   = var.identity
  verify     = %t
}
`, sealedKey, verify)
}

// TestAccUnsealedAPIKey_refuses: a sealed value that does not open with the
// identity given, or is no sealed value, fails the plan at the argument at
// fault (Terraform shows its line), with a message that says why and what
// to give instead; neither the identity nor the sealed key appears in what
// Terraform printed or wrote.
func TestAccUnsealedAPIKey_refuses(t *testing.T) {
	t.Parallel()
	skipWithout(t, featureEphemeral)
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	_, secret := env.issueKey(env.boot.UserID, testingKey("sealed by hand", env.clock.Now().Add(30*day)))
	ageKey, boxKey := sealtest.Age(t), sealtest.SealedBox(t)
	sealedAge, sealedBox := sealedLiteral(t, ageKey, secret), sealedLiteral(t, boxKey, secret)
	rawBox, err := base64.StdEncoding.DecodeString(sealedBox)
	if err != nil {
		t.Fatal(err)
	}
	ageLines := strings.Split(strings.TrimSuffix(sealedAge, "\n"), "\n")
	for _, c := range []struct {
		name, sealedKey, identity string
		want                      []string
	}{
		{"age, wrong identity", fmt.Sprintf("%q", sealedAge), sealtest.Age(t).Identity, []string{
			"Error: Wrong identity for sealed_key", "identity: the age file does not open with this identity: it was sealed for " +
				"another recipient than this identity's (or its header was altered).", "the identity whose recipient age-keygen -y prints as seal.recipient"}},
		{"sealed box, wrong identity", fmt.Sprintf("%q", sealedBox), sealtest.SealedBox(t).Identity, []string{
			"Error: Wrong identity for sealed_key", "identity: the sealed box does not open with this identity: it was sealed for " +
				"another public key than this private key's, or it was altered or cut short.", "the private key of the pair, not its public key"}},
		{"sealed box, its public key", fmt.Sprintf("%q", sealedBox), boxKey.Recipient, []string{"Error: Wrong identity for sealed_key"}},
		{"sealed box, an age identity", fmt.Sprintf("%q", sealedBox), ageKey.Identity, []string{
			"Error: Identity of the other kind", "identity: the identity is an age identity, but the sealed value is a sealed box, " +
				"sealed for a Curve25519 public key: it opens only with the private key of that pair."}},
		{"age, a sealed-box key", fmt.Sprintf("%q", sealedAge), boxKey.Identity, []string{
			"Error: Identity of the other kind", "identity: the identity is the private key of a sealed-box pair, but the sealed value " +
				"is an age file: it opens only with the age identity (AGE-SECRET-KEY-1...) of the recipient it was sealed for."}},
		{"sealed box, a character changed", fmt.Sprintf("%q", sealedBox[:10]+"!"+sealedBox[11:]), boxKey.Identity, []string{
			"Error: Invalid sealed_key", "sealed_key: the sealed value is neither an armored age file nor the standard base64 of a " +
				"sealed box (from character 11 on): it was altered or cut short, or is not a sealed value.",
			"Give the sealed_key of a domaintrust_api_key with seal, whole and unchanged"}},
		{"sealed box, cut short", fmt.Sprintf("%q", base64.StdEncoding.EncodeToString(rawBox[:47])), boxKey.Identity, []string{
			"Error: Invalid sealed_key", "sealed_key: the sealed value decodes to 47 bytes, fewer than the 48 that every sealed box has: it was cut short."}},
		{"age, cut short", fmt.Sprintf("%q", strings.Join(ageLines[:len(ageLines)-1], "\n")), ageKey.Identity, []string{
			"Error: Invalid sealed_key", "sealed_key: the sealed value is not a whole age file: it was altered or cut short."}},
		{"null", "null", ageKey.Identity, []string{"Error: No sealed key to open", "sealed_key is null, so there is no key to open.",
			"an imported key has none until it is replaced", "terraform apply -replace=ADDRESS"}},
		{"a recipient as the identity", fmt.Sprintf("%q", sealedAge), ageKey.Recipient, []string{
			"Error: Invalid identity", "identity: the value is an age recipient (age1...), a public key: give the identity it belongs to"}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			cli.write(env.openLiteralConfig(c.sealedKey, false))
			cli.env = append(cli.env, "TF_VAR_identity="+c.identity)
			out, code := cli.exitCode("plan", "-input=false")
			if code != 1 {
				t.Fatalf("plan exited %d, want 1:\n%s", code, out)
			}
			expectOutput(t, out, c.want...)
			if at := attributeAt(c.want[0]); at != "" && !regexp.MustCompile(`\d+:\s+`+at+`\s+=`).MatchString(out) {
				t.Errorf("the error does not point at %s in the configuration:\n%s", at, out)
			}
			expectNoPlaintext(t, cli.dir, out, secret, c.identity)
		})
	}
}

// attributeAt is the argument an error of the ephemeral resource, by its
// summary line, points at; "" for the identity's validator, whose errors
// Terraform shows without their place (OpenTofu shows it).
func attributeAt(summary string) string {
	switch summary {
	case "Error: Wrong identity for sealed_key", "Error: Identity of the other kind":
		return "identity"
	case "Error: Invalid sealed_key", "Error: No sealed key to open":
		return "sealed_key"
	}
	return ""
}

// TestAccUnsealedAPIKey_verify: with verify, a key that no longer works (it
// expired, or was deleted) fails the plan at sealed_key instead of being
// handed on; a working key passes. Without verify, opening asks nothing of
// the API, so the same dead key opens.
func TestAccUnsealedAPIKey_verify(t *testing.T) {
	t.Parallel()
	skipWithout(t, featureEphemeral)
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	key := sealtest.Age(t)
	cli.env = append(cli.env, "TF_VAR_identity="+key.Identity)
	expired, expiredSecret := env.issueKey(env.boot.UserID, testingKey("expires first", env.clock.Now().Add(time.Hour)))
	deleted, deletedSecret := env.issueKey(env.boot.UserID, testingKey("deleted", env.clock.Now().Add(30*day)))
	_, workingSecret := env.issueKey(env.boot.UserID, testingKey("works", env.clock.Now().Add(30*day)))
	plan := func(secret string, verify bool) (string, int) {
		t.Helper()
		cli.write(env.openLiteralConfig(fmt.Sprintf("%q", sealedLiteral(t, key, secret)), verify))
		return cli.exitCode("plan", "-input=false", "-detailed-exitcode")
	}
	var printed strings.Builder
	for _, secret := range []string{expiredSecret, deletedSecret, workingSecret} {
		out, code := plan(secret, true)
		printed.WriteString(out)
		if code != 0 {
			t.Fatalf("a working key, verified: plan exited %d:\n%s", code, out)
		}
	}

	env.clock.Advance(time.Hour + time.Second)
	if err := env.emu.DeleteKeyOutOfBand(deleted.ID); err != nil {
		t.Fatal(err)
	}
	for name, secret := range map[string]string{"expired " + expired.ID: expiredSecret, "deleted": deletedSecret} {
		out, code := plan(secret, true)
		printed.WriteString(out)
		if code != 1 {
			t.Fatalf("%s key, verified: plan exited %d, want 1:\n%s", name, code, out)
		}
		expectOutput(t, out, "Error: The opened key does not work",
			"verify is true, and Domain Trust at "+env.endpoint+" refused the key opened from sealed_key (GET /user "+
				"answered 401 Unauthorized): the key expired, or was revoked or deleted. Nothing was handed on.")
		if !regexp.MustCompile(`\d+:\s+sealed_key\s+=`).MatchString(out) {
			t.Errorf("%s key: the error does not point at sealed_key:\n%s", name, out)
		}
		if out, code := plan(secret, false); code != 0 {
			t.Errorf("%s key, not verified: plan exited %d, want 0:\n%s", name, code, out)
		}
	}
	out, code := plan(workingSecret, true)
	printed.WriteString(out)
	if code != 0 {
		t.Errorf("the working key, verified again: plan exited %d:\n%s", code, out)
	}
	expectNoPlaintext(t, cli.dir, printed.String(), expiredSecret, deletedSecret, workingSecret, key.Identity)
}

// TestAccUnsealedAPIKey_importedKey: an imported key has no sealed_key
// until it is replaced; opening it fails the run at sealed_key, saying so.
func TestAccUnsealedAPIKey_importedKey(t *testing.T) {
	t.Parallel()
	skipWithout(t, featureEphemeral)
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	key := sealtest.Age(t)
	cli.env = append(cli.env, "TF_VAR_identity="+key.Identity)
	adopted, _ := env.issueKey(env.boot.UserID, testingKey("from the dashboard", env.clock.Now().Add(30*day)))
	cli.write(env.providerBlock() + fmt.Sprintf(`
variable "identity" {
  type      = string
  sensitive = true
  ephemeral = true
}

import {
  to = domaintrust_api_key.adopted
  id = %q
}

resource "domaintrust_api_key" "adopted" {
  environment = "testing"
  description = "from the dashboard"
  expiration  = %q
  seal = {
    recipient = %q
  }
}

ephemeral "domaintrust_unsealed_api_key" "adopted" {
  sealed_key = domaintrust_api_key.adopted.sealed_key
  identity   = var.identity
}

# What takes the key: without a consumer, OpenTofu does not open it.
resource "terraform_data" "consumer" {
  provisioner "local-exec" {
    command     = "true"
    environment = { KEY = ephemeral.domaintrust_unsealed_api_key.adopted.key }
  }
}
`, adopted.ID, rfc3339(adopted.Expiry), key.Recipient))
	// Terraform opens the ephemeral resource while it plans; OpenTofu, whose
	// plan defers it while the key has changes pending, while it applies.
	out, code := cli.exitCode("apply", "-input=false", "-auto-approve")
	if code != 1 {
		t.Fatalf("apply exited %d, want 1:\n%s", code, out)
	}
	expectOutput(t, out, "Error: No sealed key to open", "an imported key has none until it is replaced")
	if !regexp.MustCompile(`\d+:\s+sealed_key\s+=\s+domaintrust_api_key\.adopted\.sealed_key`).MatchString(out) {
		t.Errorf("the error does not point at sealed_key:\n%s", out)
	}
}

// openUnsealed calls Open on r directly with the configuration set, every
// other attribute null.
func openUnsealed(t *testing.T, r *unsealedAPIKeyEphemeralResource, deferralAllowed bool, set map[string]tftypes.Value) ephemeral.OpenResponse {
	t.Helper()
	ctx := context.Background()
	var sr ephemeral.SchemaResponse
	r.Schema(ctx, ephemeral.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	req := ephemeral.OpenRequest{
		Config:             tfsdk.Config{Schema: sr.Schema, Raw: protocoltest.Object(t, typ, set)},
		ClientCapabilities: ephemeral.OpenClientCapabilities{DeferralAllowed: deferralAllowed},
	}
	resp := ephemeral.OpenResponse{Result: tfsdk.EphemeralResultData{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	r.Open(ctx, req, &resp)
	return resp
}

func openedKey(t *testing.T, resp ephemeral.OpenResponse) types.String {
	t.Helper()
	var key types.String
	if diags := resp.Result.GetAttribute(context.Background(), path.Root("key"), &key); diags.HasError() {
		t.Fatal(diags)
	}
	return key
}

// TestUnsealedAPIKeyOpenUnknown: opened with values not known yet, which
// Terraform and OpenTofu never do (they wait for them), the key is not known
// either; and with verify, before the provider is configured, it waits as
// the ephemeral key does: a deferral where the client takes one, an unknown
// key for Terraform, an error that says what to do for OpenTofu.
func TestUnsealedAPIKeyOpenUnknown(t *testing.T) {
	t.Parallel()
	key := sealtest.Age(t)
	sealed := sealedLiteral(t, key, "dt_test_opened")
	known := map[string]tftypes.Value{
		"sealed_key": tftypes.NewValue(tftypes.String, sealed),
		"identity":   tftypes.NewValue(tftypes.String, key.Identity),
		"verify":     tftypes.NewValue(tftypes.Bool, true),
	}
	r := &unsealedAPIKeyEphemeralResource{data: unconfiguredData(clock.NewMock(), "1.11.4")}

	unknownSealed := maps.Clone(known)
	unknownSealed["sealed_key"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	resp := openUnsealed(t, r, false, unknownSealed)
	if resp.Diagnostics.HasError() || !openedKey(t, resp).IsUnknown() {
		t.Errorf("sealed_key unknown: key %v, diagnostics %v; want unknown, no error", openedKey(t, resp), resp.Diagnostics)
	}

	if resp := openUnsealed(t, r, true, known); resp.Deferred == nil || resp.Deferred.Reason != ephemeral.DeferredReasonProviderConfigUnknown {
		t.Errorf("verify, deferral allowed: Deferred = %+v, want ProviderConfigUnknown", resp.Deferred)
	}
	resp = openUnsealed(t, r, false, known)
	if resp.Diagnostics.HasError() || !openedKey(t, resp).IsUnknown() {
		t.Errorf("verify, Terraform: key %v, diagnostics %v; want unknown, no error", openedKey(t, resp), resp.Diagnostics)
	}
	r.data = unconfiguredData(clock.NewMock(), openTofuReportedVersion)
	resp = openUnsealed(t, r, false, known)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "it cannot verify the opened key during the plan") {
		t.Errorf("verify, OpenTofu: diagnostics %v, want an error that says to add depends_on", resp.Diagnostics)
	}

	// Without verify, nothing needs the provider: the key opens.
	known["verify"] = tftypes.NewValue(tftypes.Bool, false)
	resp = openUnsealed(t, r, false, known)
	if got := openedKey(t, resp); resp.Diagnostics.HasError() || got.ValueString() != "dt_test_opened" {
		t.Errorf("no verify: key of %d characters, diagnostics %v", len(got.ValueString()), resp.Diagnostics)
	}
}
