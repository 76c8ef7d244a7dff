package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// TestUnconfiguredProvider: the provider is not configured in two
// situations, and both are one shape to every entry point. Before Configure
// (Terraform validates first) and when the provider block depends on values
// unknown until apply, every call that needs the API says "Provider not
// configured" (the ephemeral resource's close, a warning), a plan that needs
// none still plans, and nothing panics or reaches the API.
func TestUnconfiguredProvider(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	const id = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"
	for _, shape := range []struct {
		name      string
		configure func(p *protocolProvider)
	}{
		{"before Configure", func(*protocolProvider) {}},
		{"provider block unknown until apply", func(p *protocolProvider) {
			p.requireNoErrors("ConfigureProvider", p.configure("1.11.4", map[string]tftypes.Value{
				"endpoint": protocoltest.String(env.endpoint),
				"api_key":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			}))
		}},
	} {
		t.Run(shape.name, func(t *testing.T) {
			p := env.protocolUnconfigured(t)
			shape.configure(p)
			s := p.keySchema()
			null := protocoltest.Dynamic(t, tftypes.NewValue(s.ValueType(), nil))
			stored := p.dynamic(s, map[string]tftypes.Value{
				"id": protocoltest.String(id), "environment": protocoltest.String("testing"), "description": protocoltest.String("stored"),
				"expiration": protocoltest.String(env.future(30 * day)), "created": protocoltest.String(env.future(0)),
				"user_id": protocoltest.String(env.boot.UserID),
			})
			changed := p.dynamic(s, map[string]tftypes.Value{
				"id": protocoltest.String(id), "environment": protocoltest.String("testing"), "description": protocoltest.String("changed"),
				"expiration": protocoltest.String(env.future(30 * day)), "created": protocoltest.String(env.future(0)),
				"user_id": protocoltest.String(env.boot.UserID),
			})
			config := map[string]tftypes.Value{
				"environment": protocoltest.String("testing"), "description": protocoltest.String("new"),
				"expiration": protocoltest.String(env.future(30 * day)),
			}
			planned := p.dynamic(s, map[string]tftypes.Value{
				"id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue), "environment": protocoltest.String("testing"),
				"description": protocoltest.String("new"), "expiration": protocoltest.String(env.future(30 * day)),
				"created":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
				"user_id":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
				"key":      tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
				"rotation": tftypes.NewValue(s.ValueType().(tftypes.Object).AttributeTypes["rotation"], nil),
			})
			apply := func(prior, plannedState *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
				resp, err := p.srv.ApplyResourceChange(p.ctx, &tfprotov6.ApplyResourceChangeRequest{
					TypeName: keyType, PriorState: prior, PlannedState: plannedState, Config: p.dynamic(s, config),
				})
				if err != nil {
					t.Fatal(err)
				}
				return resp.Diagnostics
			}
			notConfigured := func(what string, diags []*tfprotov6.Diagnostic) {
				t.Helper()
				if d := protocoltest.RequireErrorAt(t, diags, nil, "Provider not configured"); len(diags) != 1 {
					t.Errorf("%s: want only %q, got:\n%s", what, d.Summary, protocoltest.DiagnosticsText(diags))
				}
			}

			read, err := p.srv.ReadResource(p.ctx, &tfprotov6.ReadResourceRequest{TypeName: keyType, CurrentState: stored})
			if err != nil {
				t.Fatal(err)
			}
			notConfigured("read", read.Diagnostics)
			notConfigured("create", apply(null, planned))
			notConfigured("update", apply(stored, changed))
			notConfigured("delete", apply(stored, null))

			plan, err := p.srv.PlanResourceChange(p.ctx, &tfprotov6.PlanResourceChangeRequest{
				TypeName: keyType, PriorState: null, ProposedNewState: p.dynamic(s, config), Config: p.dynamic(s, config),
			})
			if err != nil {
				t.Fatal(err)
			}
			p.requireNoErrors("a plan that needs no API", plan.Diagnostics)

			for name, set := range map[string]map[string]tftypes.Value{
				"domaintrust_api_key":  {"id": protocoltest.String(id)},
				"domaintrust_api_keys": nil,
			} {
				ds, err := p.srv.ReadDataSource(p.ctx, &tfprotov6.ReadDataSourceRequest{
					TypeName: name, Config: p.dynamic(p.schemas.DataSourceSchemas[name], set),
				})
				if err != nil {
					t.Fatal(err)
				}
				notConfigured("data source "+name, ds.Diagnostics)
			}

			results := p.list(nil, false, 0)
			if len(results) != 1 {
				t.Fatalf("list: %d results, want one with the error", len(results))
			}
			notConfigured("list", results[0].Diagnostics)

			stream, err := p.srv.InvokeAction(p.ctx, &tfprotov6.InvokeActionRequest{
				ActionType: revokeAction, Config: p.actionConfig(map[string]tftypes.Value{"id": protocoltest.String(id)}),
			})
			if err != nil {
				t.Fatal(err)
			}
			for ev := range stream.Events {
				if done, ok := ev.Type.(tfprotov6.CompletedInvokeActionEventType); ok {
					notConfigured("action", done.Diagnostics)
				}
			}

			// Open has nothing to create with: Terraform gets an unknown
			// result during the plan, and opens it again at apply.
			opened, err := p.srv.OpenEphemeralResource(p.ctx, &tfprotov6.OpenEphemeralResourceRequest{
				TypeName: keyType,
				Config: p.dynamic(p.schemas.EphemeralResourceSchemas[keyType], map[string]tftypes.Value{
					"environment": protocoltest.String("testing"),
				}),
			})
			if err != nil {
				t.Fatal(err)
			}
			p.requireNoErrors("open", opened.Diagnostics)
			if key := p.attributes(p.schemas.EphemeralResourceSchemas[keyType], opened.Result)["key"]; key.IsKnown() {
				t.Errorf("open: key %s, want unknown", protocoltest.AsString(t, key))
			}

			ref := mustJSON(t, ephemeralKeyRef{ID: id})
			closed, err := p.srv.CloseEphemeralResource(p.ctx, &tfprotov6.CloseEphemeralResourceRequest{
				TypeName: keyType, Private: mustJSON(t, map[string][]byte{privateKeyRef: ref}),
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(closed.Diagnostics) != 1 || closed.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
				!strings.Contains(closed.Diagnostics[0].Detail, "the provider is not configured") {
				t.Errorf("close: want one warning that the provider is not configured, got:\n%s", protocoltest.DiagnosticsText(closed.Diagnostics))
			}
		})
	}
	if n := env.stats().Total; n != 0 {
		t.Errorf("%d API requests, want none", n)
	}
}
