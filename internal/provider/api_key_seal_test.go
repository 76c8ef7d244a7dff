package provider

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// sealedKeyConfig is a key sealed for recipient, with the lifecycle a
// consumer needs; body adds attributes.
func sealedKeyConfig(env *testEnv, recipient, body string) string {
	return keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "sealed"
  expiration  = %q
  seal = {
    recipient = %q
  }
%s
  lifecycle {
    create_before_destroy = true
  }`, env.future(30*day), recipient, body))
}

// sealedKeyWorks opens addr's sealed_key with k and proves that what
// comes out authenticates, and that key is null; *opened gets the secret for
// later searches. Nothing it reports holds the secret.
func (e *testEnv) sealedKeyWorks(addr string, k *sealtest.Key, opened *string) stateCheck {
	return func(s *tfjson.State) error {
		values, err := valuesOf(s, addr)
		if err != nil {
			return err
		}
		if values["key"] != nil {
			return fmt.Errorf("%s: key is set although the key is sealed (value withheld)", addr)
		}
		secret, err := k.TryOpen(text(values, "sealed_key"))
		if err != nil {
			return fmt.Errorf("%s: sealed_key does not open with the %s key: %w", addr, k.Kind, err)
		}
		if !e.emu.Authenticates(secret) {
			return fmt.Errorf("%s: sealed_key opens to a value that does not authenticate (value withheld)", addr)
		}
		if opened != nil {
			*opened = secret
		}
		return nil
	}
}

// TestAccAPIKey_sealed: for each kind of recipient, the key is created
// sealed (key null in plan and state, sealed_key unknown, then set), opens
// with the recipient's private key to a secret that authenticates; the same
// recipient written with white space around it changes nothing; another
// recipient, removing seal and adding it back each replace the key.
func TestAccAPIKey_sealed(t *testing.T) {
	t.Parallel()
	for name, newKey := range map[string]func(testing.TB) *sealtest.Key{"sealed box": sealtest.SealedBox, "age": sealtest.Age} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, false)
			first, second := newKey(t), newKey(t)
			var ids []string
			captureID := stateCheck(func(s *tfjson.State) error {
				values, err := valuesOf(s, keyAddr)
				ids = append(ids, text(values, "id"))
				return err
			})
			env.resourceTest(t, []resource.TestStep{
				{
					Config: sealedKeyConfig(env, first.Recipient, ""),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key"), knownvalue.Null()),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("sealed_key")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						env.sealedKeyWorks(keyAddr, first, nil), captureID,
						statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key"), knownvalue.Null()),
					},
				},
				{
					Config:            sealedKeyConfig(env, "  "+first.Recipient+"\n", ""),
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate)}},
					ConfigStateChecks: []statecheck.StateCheck{env.sealedKeyWorks(keyAddr, first, nil), captureID},
				},
				{
					Config:            sealedKeyConfig(env, second.Recipient, ""),
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy)}},
					ConfigStateChecks: []statecheck.StateCheck{env.sealedKeyWorks(keyAddr, second, nil), captureID, env.keyCount(1)},
				},
				{
					// Without seal the next key's secret is in state again.
					Config: keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "sealed"
  expiration  = %q
  lifecycle {
    create_before_destroy = true
  }`, env.future(30*day))),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("key")),
						plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("sealed_key"), knownvalue.Null()),
					}},
					ConfigStateChecks: []statecheck.StateCheck{env.keyAuthenticates(keyAddr), captureID},
				},
				{
					Config:            sealedKeyConfig(env, first.Recipient, ""),
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy)}},
					ConfigStateChecks: []statecheck.StateCheck{env.sealedKeyWorks(keyAddr, first, nil), captureID, env.keyCount(1)},
				},
			})
			if len(ids) != 5 || ids[0] != ids[1] || ids[1] == ids[2] || ids[2] == ids[3] || ids[3] == ids[4] {
				t.Errorf("key ids per step %v: want the second step to keep the first key and every later one to replace it", ids)
			}
		})
	}
}

// TestAccAPIKey_sealedRotation: every key a rotation creates is sealed, for
// the same recipient, and the old key's sealed value no longer works.
func TestAccAPIKey_sealedRotation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k := sealtest.Age(t)
	cfg := keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "rotating, sealed"
  rotation = {
    period        = "2160h"
    rotate_before = "336h"
  }
  seal = {
    recipient = %q
  }
  lifecycle {
    create_before_destroy = true
  }`, k.Recipient))
	var before, after string
	env.resourceTest(t, []resource.TestStep{
		{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{env.sealedKeyWorks(keyAddr, k, &before)}},
		{
			PreConfig: func() { env.clock.Advance(77 * day) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
				plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key"), knownvalue.Null()),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("sealed_key")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				env.sealedKeyWorks(keyAddr, k, &after),
				emulatorCheck(func() error {
					if before == after {
						return fmt.Errorf("the rotation sealed the old secret again")
					}
					if env.emu.Authenticates(before) {
						return fmt.Errorf("the rotated-out key still authenticates")
					}
					return nil
				}),
			},
		},
	})
}

// TestAccAPIKey_sealedImport: a key imported into a configuration with seal
// is not replaced for it: the plan warns that sealed_key stays null until
// the key is replaced, and a replacement then seals the new key.
func TestAccAPIKey_sealedImport(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k := sealtest.SealedBox(t)
	expiry := env.clock.Now().Add(30 * day).UTC().Truncate(1e9)
	existing, _ := env.issueKey(env.boot.UserID, testingKey("sealed", expiry))
	cfg := keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "sealed"
  expiration  = %q
  seal = {
    recipient = %q
  }`, rfc3339(expiry), k.Recipient))
	cli := newTFCLI(t, env)
	cli.write(cfg + fmt.Sprintf(`
import {
  to = domaintrust_api_key.test
  id = %q
}
`, existing.ID))
	out := cli.mustRun("apply", "-auto-approve")
	expectOutput(t, out, "Imported key has nothing to seal", "`sealed_key` stays null until the key is replaced",
		"Resources: 1 imported, 0 added, 1 changed, 0 destroyed.")
	if in := cli.stateInstance(keyAddr); in.str("id") != existing.ID || in.str("sealed_key") != "" {
		t.Errorf("after the import: id %q, sealed_key %q; want %s and null", in.str("id"), in.str("sealed_key"), existing.ID)
	}
	cli.mustRun("apply", "-auto-approve", "-replace="+keyAddr)
	in := cli.stateInstance(keyAddr)
	secret := k.Open(t, in.str("sealed_key"))
	if !env.emu.Authenticates(secret) || in.str("id") == existing.ID {
		t.Errorf("after -replace: a new key %s whose sealed value authenticates was expected", in.str("id"))
	}
	cli.mustRun("destroy", "-auto-approve")
}

// TestProtocolSealFailureLeavesNoKey: a create whose secret cannot be sealed
// (a recipient that escaped validation) fails, and the key it created is
// deleted, not left working with nobody to use it; if Domain Trust refuses
// that delete, the key stays in state, without a secret, for Terraform to
// taint and delete at the next apply, rather than be forgotten.
func TestProtocolSealFailureLeavesNoKey(t *testing.T) {
	t.Parallel()
	for _, refuseDelete := range []bool{false, true} {
		t.Run(fmt.Sprintf("delete refused %v", refuseDelete), func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, false)
			if refuseDelete {
				env.wrap(func(next http.Handler) http.Handler {
					return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if r.Method == http.MethodDelete {
							w.Header().Set("Content-Type", "application/problem+json")
							w.WriteHeader(http.StatusForbidden)
							_, _ = w.Write([]byte(`{"title":"Forbidden","status":403,"detail":"not now"}`))
							return
						}
						next.ServeHTTP(w, r)
					})
				})
			}
			resp, s, p := applyUnsealableCreate(t, env)
			protocoltest.RequireErrorAt(t, resp.Diagnostics, tftypes.NewAttributePath().WithAttributeName("seal"), "Invalid seal recipient")
			live := env.liveKeyIDs()
			st := p.attributes(s, resp.NewState)
			switch {
			case !refuseDelete && len(live) != 0:
				t.Errorf("keys left behind: %v", live)
			case !refuseDelete && st != nil && protocoltest.AsString(t, st["id"]) != "<null>":
				t.Errorf("state holds key %s after the failed create", protocoltest.AsString(t, st["id"]))
			case refuseDelete && (len(live) != 1 || st == nil || protocoltest.AsString(t, st["id"]) != live[0]):
				t.Errorf("the key that could not be deleted (%v) is not the one in state (%v)", live, st)
			case refuseDelete && (protocoltest.AsString(t, st["key"]) != "<null>" || protocoltest.AsString(t, st["sealed_key"]) != "<null>"):
				t.Error("the key kept in state holds a secret")
			}
			if n := env.stats().ByRoute[emulator.RouteCreateKey]; n != 1 {
				t.Errorf("%d creates, want 1", n)
			}
			if strings.Contains(protocoltest.DiagnosticsText(resp.Diagnostics), "dtk_") {
				t.Error("the diagnostics hold what looks like a key value")
			}
		})
	}
}

// applyUnsealableCreate applies the create of a key whose seal recipient
// is not one, as Terraform would if validation had let it through.
func applyUnsealableCreate(t *testing.T, env *testEnv) (*tfprotov6.ApplyResourceChangeResponse, *tfprotov6.Schema, *protocolProvider) {
	t.Helper()
	p := env.protocol(t)
	s := p.keySchema()
	sealType := s.ValueType().(tftypes.Object).AttributeTypes["seal"].(tftypes.Object)
	badSeal := tftypes.NewValue(sealType, map[string]tftypes.Value{"recipient": protocoltest.String("not a recipient")})
	values := map[string]tftypes.Value{
		"environment": protocoltest.String("testing"), "description": protocoltest.String("unsealable"),
		"expiration": protocoltest.String(env.future(30 * day)), "seal": badSeal,
	}
	planned := map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue), "user_id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"created": tftypes.NewValue(tftypes.String, tftypes.UnknownValue), "sealed_key": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	}
	for k, v := range values {
		planned[k] = v
	}
	resp, err := p.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: keyType, PriorState: protocoltest.Dynamic(t, tftypes.NewValue(s.ValueType(), nil)),
		PlannedState: p.dynamic(s, planned), Config: p.dynamic(s, values),
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp, s, p
}

// TestAccSealedKeysNeverInPlaintext creates a key sealed for each kind of
// recipient through a real provider binary with TF_LOG=trace, plans to a
// plan file, shows plan and state as JSON, replaces both keys and destroys
// them. Every sealed_key opens, outside Terraform, to a secret that
// authenticates; and no secret appears in anything Terraform printed, in
// its trace log, or in any file it wrote (state, backups, the plan file's
// entries).
func TestAccSealedKeysNeverInPlaintext(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newBinaryCLI(t)
	keys := map[string]*sealtest.Key{"box": sealtest.SealedBox(t), "age": sealtest.Age(t)}
	var config strings.Builder
	config.WriteString(env.providerBlock())
	for name, k := range keys {
		fmt.Fprintf(&config, `
resource "domaintrust_api_key" %q {
  environment = "testing"
  description = "sealed for %s"
  expiration  = %q
  seal = {
    recipient = %q
  }
}

output "%s_sealed" {
  value = domaintrust_api_key.%s.sealed_key
}
`, name, k.Kind, env.future(30*day), k.Recipient, name, name)
	}
	cli.write(config.String())
	statePath := filepath.Join(cli.work, "terraform.tfstate")
	var printed strings.Builder
	secrets := map[string]string{}
	openAll := func(round string) {
		t.Helper()
		for name, k := range keys {
			attrs := stateAttributes(t, statePath, "domaintrust_api_key", name)
			if attrs["key"] != nil {
				t.Errorf("%s: key is set in state although the key is sealed (value withheld)", name)
			}
			sealed, _ := attrs["sealed_key"].(string)
			secret := k.Open(t, sealed)
			if !env.emu.Authenticates(secret) {
				t.Errorf("%s (%s): the sealed secret does not authenticate", name, round)
			}
			// The state file is JSON: an age file's line breaks are escaped.
			if inJSON := string(mustJSON(t, sealed)); !strings.Contains(readFile(t, statePath), inJSON[1:len(inJSON)-1]) {
				t.Fatalf("%s: the state file lacks the sealed_key it holds: the search is broken", name)
			}
			secrets[name+" "+round] = secret
		}
	}

	printed.WriteString(cli.run("plan", "-out=tfplan", "-no-color"))
	printed.WriteString(cli.run("show", "-json", "tfplan"))
	printed.WriteString(cli.run("apply", "-no-color", "tfplan"))
	printed.WriteString(cli.run("show", "-json"))
	printed.WriteString(cli.run("output", "-json"))
	openAll("created")
	printed.WriteString(cli.run("apply", "-auto-approve", "-no-color", "-replace=domaintrust_api_key.box", "-replace=domaintrust_api_key.age"))
	printed.WriteString(cli.run("show", "-json"))
	openAll("replaced")
	printed.WriteString(cli.run("destroy", "-auto-approve", "-no-color"))

	opened := make([]string, 0, len(secrets))
	for _, secret := range secrets {
		opened = append(opened, secret)
	}
	expectNoPlaintext(t, cli.work, printed.String()+cli.log("created Domain Trust API key"), opened...)
	if len(secrets) != 4 {
		t.Errorf("%d secrets opened, want 4", len(secrets))
	}
	env.checkEveryCreatedKeyDeleted(t)
}

// TestAccAPIKey_sealReplacementIsExplained: the plan that replaces a key for
// its seal says why, in words, beside Terraform's "forces replacement".
func TestAccAPIKey_sealReplacementIsExplained(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k := sealtest.SealedBox(t)
	cli := newTFCLI(t, env)
	cli.write(keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "sealed"
  expiration  = %q
  lifecycle {
    create_before_destroy = true
  }`, env.future(30*day))))
	cli.mustRun("apply", "-auto-approve")
	id := cli.stateInstance(keyAddr).str("id")
	cli.write(sealedKeyConfig(env, k.Recipient, ""))
	out := cli.mustRun("plan")
	expectOutput(t, out, "# forces replacement", "Warning: API key will be replaced for its seal",
		"Domain Trust API key "+id+" is sealed from now on, so it is replaced by a new key")
	cli.mustRun("apply", "-auto-approve")
	cli.write(sealedKeyConfig(env, sealtest.SealedBox(t).Recipient, ""))
	expectOutput(t, cli.mustRun("plan"), "is given another recipient, so it is replaced by a new key")
	cli.write(sealedKeyConfig(env, " "+k.Recipient+" ", ""))
	if out := cli.mustRun("plan"); strings.Contains(out, "replaced for its seal") {
		t.Errorf("the same recipient, written differently, is explained as a replacement:\n%s", out)
	}
	cli.mustRun("destroy", "-auto-approve")
}
