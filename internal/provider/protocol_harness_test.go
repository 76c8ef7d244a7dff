// The protocol harness: tests that call the provider's protocol 6 server the
// way Terraform does, for features the installed Terraform cannot drive
// (resource identity before 1.12; list resources and actions before 1.14).

package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// protocolServer is the provider's server with the optional interfaces that
// Terraform 1.14 looks for, and the schemas it served.
type protocolServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

type protocolProvider struct {
	t       *testing.T
	ctx     context.Context
	srv     protocolServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

// protocol starts a provider server, reads its schemas and configures it
// for this environment's admin.
func (e *testEnv) protocol(t *testing.T) *protocolProvider {
	t.Helper()
	return e.protocolWithKey(t, e.endpoint, e.boot.APIKey, false)
}

// protocolWithKey is protocol with another endpoint or API key; skipCheck
// sets skip_credentials_validation, so that Configure succeeds against an
// endpoint that would fail its proof.
func (e *testEnv) protocolWithKey(t *testing.T, endpoint, apiKey string, skipCheck bool) *protocolProvider {
	t.Helper()
	p := e.protocolUnconfigured(t)
	cfg := map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, endpoint),
		"api_key":  tftypes.NewValue(tftypes.String, apiKey),
	}
	if skipCheck {
		cfg["skip_credentials_validation"] = tftypes.NewValue(tftypes.Bool, true)
	}
	p.requireNoErrors("ConfigureProvider", p.configure("1.15.0", cfg))
	return p
}

// protocolUnconfigured starts a provider server and reads its schemas;
// configure is the caller's.
func (e *testEnv) protocolUnconfigured(t *testing.T) *protocolProvider {
	t.Helper()
	raw, err := e.factories()["domaintrust"]()
	if err != nil {
		t.Fatalf("provider server: %v", err)
	}
	srv, ok := raw.(protocolServer)
	if !ok {
		t.Fatalf("provider server %T does not serve list resources and actions", raw)
	}
	p := &protocolProvider{t: t, ctx: context.Background(), srv: srv}
	p.schemas, err = srv.GetProviderSchema(p.ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	p.requireNoErrors("GetProviderSchema", p.schemas.Diagnostics)
	return p
}

// configure sends ConfigureProvider as a client reporting terraformVersion,
// with the given provider attributes, and returns its diagnostics.
func (p *protocolProvider) configure(terraformVersion string, cfg map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.srv.ConfigureProvider(p.ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: terraformVersion,
		Config:           p.dynamic(p.schemas.Provider, cfg),
	})
	if err != nil {
		p.t.Fatalf("ConfigureProvider: %v", err)
	}
	return resp.Diagnostics
}

// object is the schema's object with the given attributes and null for
// every other one, as Terraform sends a configuration.
func (p *protocolProvider) object(s *tfprotov6.Schema, set map[string]tftypes.Value) tftypes.Value {
	p.t.Helper()
	return protocoltest.Object(p.t, s.ValueType(), set)
}

// dynamic is object as a request carries it.
func (p *protocolProvider) dynamic(s *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	return protocoltest.Dynamic(p.t, p.object(s, set))
}

// attributes decodes a dynamic value of the schema's type into its
// attributes.
func (p *protocolProvider) attributes(s *tfprotov6.Schema, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	p.t.Helper()
	return protocoltest.Attributes(p.t, s.ValueType(), dv)
}

func (p *protocolProvider) requireNoErrors(what string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	protocoltest.RequireNoErrors(p.t, what, diags)
}
