package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// The revoke action through the protocol, as Terraform 1.14 plans and
// invokes it.

const revokeAction = "domaintrust_revoke_api_key"

func (p *protocolProvider) actionConfig(set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	s := p.schemas.ActionSchemas[revokeAction]
	if s == nil {
		p.t.Fatalf("no action %s", revokeAction)
	}
	return p.dynamic(s.Schema, set)
}

// invoke plans and invokes the action, reading its whole event stream: the
// progress messages and the completion's diagnostics.
func (p *protocolProvider) invoke(set map[string]tftypes.Value) ([]string, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	cfg := p.actionConfig(set)
	plan, err := p.srv.PlanAction(p.ctx, &tfprotov6.PlanActionRequest{ActionType: revokeAction, Config: cfg})
	if err != nil {
		p.t.Fatalf("PlanAction: %v", err)
	}
	p.requireNoErrors("PlanAction", plan.Diagnostics)
	stream, err := p.srv.InvokeAction(p.ctx, &tfprotov6.InvokeActionRequest{ActionType: revokeAction, Config: cfg})
	if err != nil {
		p.t.Fatalf("InvokeAction: %v", err)
	}
	var progress []string
	var diags []*tfprotov6.Diagnostic
	completed := 0
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			diags = e.Diagnostics
		}
	}
	if completed != 1 {
		p.t.Fatalf("%d completion events, want 1", completed)
	}
	return progress, diags
}

func revokeConfig(id string, allowMissing bool) map[string]tftypes.Value {
	cfg := map[string]tftypes.Value{"id": protocoltest.String(id)}
	if allowMissing {
		cfg["allow_missing"] = tftypes.NewValue(tftypes.Bool, true)
	}
	return cfg
}

func saysRevoked(progress []string) bool {
	return strings.Contains(strings.ToLower(strings.Join(progress, "\n")), "revoked")
}

const unknownKeyID = "6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b"

func TestProtocolRevokeAction_revokes(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k, secret := env.issueKey(env.boot.UserID, testingKey("leaked", env.clock.Now().Add(30*day)))
	p := env.protocol(t)
	before := env.stats()

	progress, diags := p.invoke(revokeConfig(k.ID, false))
	p.requireNoErrors("invoke", diags)
	if len(progress) < 3 || !strings.HasPrefix(progress[len(progress)-1], "Revoked: Domain Trust API key "+k.ID) {
		t.Errorf("progress %q, want a message per step ending in the confirmation", progress)
	}
	after := env.stats()
	if got := after.ByRoute["DELETE /keys/{id}"] - before.ByRoute["DELETE /keys/{id}"]; got != 1 {
		t.Errorf("%d DELETE /keys/{id} requests, want 1", got)
	}
	if got := after.ByRoute["GET /keys/{id}"] - before.ByRoute["GET /keys/{id}"]; got != 1 {
		t.Errorf("%d GET /keys/{id} requests (the confirmation), want 1", got)
	}
	if _, ok := env.emu.Key(k.ID); ok {
		t.Error("the key still exists")
	}
	if env.emu.Authenticates(secret) {
		t.Error("the revoked key still authenticates")
	}
}

func TestProtocolRevokeAction_missingKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	p := env.protocol(t)
	keysBefore := len(env.emu.Keys())

	progress, diags := p.invoke(revokeConfig(unknownKeyID, false))
	d := protocoltest.RequireErrorAt(t, diags, nil, "API key not found")
	if !strings.Contains(d.Detail, "allow_missing") {
		t.Errorf("the error does not mention allow_missing: %s", d.Detail)
	}
	if saysRevoked(progress) {
		t.Errorf("progress says revoked: %q", progress)
	}

	progress, diags = p.invoke(revokeConfig(unknownKeyID, true))
	p.requireNoErrors("invoke with allow_missing", diags)
	if saysRevoked(progress) || !strings.Contains(strings.Join(progress, "\n"), "does not exist") {
		t.Errorf("progress %q, want that the key does not exist, not that it was revoked", progress)
	}
	if len(env.emu.Keys()) != keysBefore {
		t.Error("a key was deleted")
	}
}

func TestProtocolRevokeAction_errors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k, _ := env.issueKey(env.boot.UserID, testingKey("leaked", env.clock.Now().Add(30*day)))
	endpointAttr := tftypes.NewAttributePath().WithAttributeName("endpoint")

	t.Run("unproven endpoint answers 404", func(t *testing.T) {
		endpoint := serveAll(t, http.StatusNotFound, "text/html", "<html><body>Not Found</body></html>")
		p := env.protocolWithKey(t, endpoint, env.boot.APIKey, true)
		progress, diags := p.invoke(revokeConfig(k.ID, true))
		protocoltest.RequireErrorAt(t, diags, endpointAttr, "the endpoint is not the Domain Trust API")
		if saysRevoked(progress) {
			t.Errorf("progress says revoked: %q", progress)
		}
	})

	t.Run("unproven endpoint accepts the delete", func(t *testing.T) {
		// A proxy that answers every DELETE with 204 and everything else
		// with its 404 page: the deletion proves nothing.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
		}))
		t.Cleanup(srv.Close)
		p := env.protocolWithKey(t, srv.URL+"/api", env.boot.APIKey, true)
		progress, diags := p.invoke(revokeConfig(k.ID, false))
		protocoltest.RequireErrorAt(t, diags, endpointAttr, "is revoked: the endpoint is not the Domain Trust API")
		if saysRevoked(progress) {
			t.Errorf("progress says revoked: %q", progress)
		}
	})

	t.Run("401", func(t *testing.T) {
		p := env.protocolWithKey(t, env.endpoint, wrongAPIKey, true)
		progress, diags := p.invoke(revokeConfig(k.ID, false))
		d := protocoltest.RequireErrorAt(t, diags, nil, "the provider's API key was rejected")
		if strings.Contains(d.Detail, wrongAPIKey) {
			t.Error("the error shows the API key")
		}
		if saysRevoked(progress) {
			t.Errorf("progress says revoked: %q", progress)
		}
		if _, ok := env.emu.Key(k.ID); !ok {
			t.Error("the key was deleted")
		}
	})

	t.Run("the provider's own key", func(t *testing.T) {
		// Deleting it works; reading it back is refused, as the key is gone.
		own := newTestEnv(t, false)
		p := own.protocol(t)
		progress, diags := p.invoke(revokeConfig(own.boot.KeyID, false))
		d := protocoltest.RequireErrorAt(t, diags, nil, "Could not confirm that API key")
		if !strings.Contains(d.Detail, "401") || !strings.Contains(d.Detail, "the provider needs a new key") {
			t.Errorf("detail %q does not explain the 401", d.Detail)
		}
		if saysRevoked(progress) {
			t.Errorf("progress says revoked: %q", progress)
		}
		if own.emu.Authenticates(own.boot.APIKey) {
			t.Error("the provider's key still authenticates")
		}
	})

	t.Run("invalid id", func(t *testing.T) {
		p := env.protocol(t)
		resp, err := p.srv.ValidateActionConfig(p.ctx, &tfprotov6.ValidateActionConfigRequest{
			ActionType: revokeAction, Config: p.actionConfig(revokeConfig("dtk_live_secret", false)),
		})
		if err != nil {
			t.Fatal(err)
		}
		protocoltest.RequireErrorAt(t, resp.Diagnostics, tftypes.NewAttributePath().WithAttributeName("id"), "")
	})
}

// TestAccRevokeAction_trigger runs the action through Terraform 1.14+, from
// an action_trigger on a terraform_data, and proves the key deleted. It
// skips on older Terraform.
func TestAccRevokeAction_trigger(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k, secret := env.issueKey(env.boot.UserID, testingKey("leaked", env.clock.Now().Add(30*day)))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{featureActions},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + fmt.Sprintf(`
action "domaintrust_revoke_api_key" "leaked" {
  config {
    id = %q
  }
}

resource "terraform_data" "incident" {
  input = "INC-1234"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.domaintrust_revoke_api_key.leaked]
    }
  }
}
`, k.ID),
				ConfigStateChecks: []statecheck.StateCheck{emulatorCheck(func() error {
					if _, ok := env.emu.Key(k.ID); ok {
						return fmt.Errorf("key %s still exists after the action ran", k.ID)
					}
					if env.emu.Authenticates(secret) {
						return fmt.Errorf("key %s still authenticates", k.ID)
					}
					return nil
				})},
			},
		},
	})
}

// TestAccRevokeAction_afterDestroy (Terraform 1.16+): an action_trigger on
// after_destroy revokes the key its resource used once that resource is
// destroyed, and not before; with on_failure = continue, a revoke that fails
// (here: a key already gone) is reported and the destroy still completes.
func TestAccRevokeAction_afterDestroy(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	k, secret := env.issueKey(env.boot.UserID, testingKey("used by the service", env.clock.Now().Add(30*day)))
	config := func(id string) string {
		return env.providerBlock() + fmt.Sprintf(`
action "domaintrust_revoke_api_key" "service_key" {
  config {
    id = %q
  }
}

resource "terraform_data" "service" {
  input = %q

  lifecycle {
    action_trigger {
      events     = [after_destroy]
      actions    = [action.domaintrust_revoke_api_key.service_key]
      on_failure = continue
    }
  }
}
`, id, id)
	}
	revoked := func(*terraform.State) error {
		if _, ok := env.emu.Key(k.ID); ok {
			return fmt.Errorf("key %s still exists after the service was destroyed", k.ID)
		}
		if env.emu.Authenticates(secret) {
			return fmt.Errorf("key %s still authenticates", k.ID)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{featureDestroyActions},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             revoked,
		Steps: []resource.TestStep{
			{
				Config: config(k.ID),
				ConfigStateChecks: []statecheck.StateCheck{emulatorCheck(func() error {
					if !env.emu.Authenticates(secret) {
						return fmt.Errorf("key %s was revoked when the service was created", k.ID)
					}
					return nil
				})},
			},
		},
	})

	t.Run("on_failure_continue", func(t *testing.T) {
		skipWithout(t, featureDestroyActions)
		cli := newTFCLI(t, env)
		cli.write(config(unknownKeyID))
		cli.mustRun("apply", "-auto-approve")
		out := cli.mustRun("destroy", "-auto-approve")
		expectOutput(t, out, "Warning: API key not found", "Domain Trust has no API key with this id", "Destroy complete! Resources: 1 destroyed.")
		if n := len(cli.stateInstances()); n != 0 {
			t.Errorf("%d objects left in state after the destroy", n)
		}
	})
}
