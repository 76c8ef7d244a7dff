// The protocol harness: tests that call the provider's protocol 6 server the
// way Terraform does, for features the installed Terraform cannot drive
// (resource identity before 1.12; list resources and actions before 1.14).

package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
	typ, ok := s.ValueType().(tftypes.Object)
	if !ok {
		p.t.Fatalf("schema type %s is not an object", s.ValueType())
	}
	return objectOf(p.t, typ, set)
}

func objectOf(t *testing.T, typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("attribute %q is not in the schema", name)
		}
		vals[name] = v
	}
	return tftypes.NewValue(typ, vals)
}

func (p *protocolProvider) dynamic(s *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	return dynamicOf(p.t, p.object(s, set))
}

func dynamicOf(t *testing.T, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		t.Fatalf("dynamic value: %v", err)
	}
	return &dv
}

// attributes decodes a dynamic value of the schema's type into its
// attributes.
func (p *protocolProvider) attributes(s *tfprotov6.Schema, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	p.t.Helper()
	return attributesOf(p.t, s.ValueType(), dv)
}

func attributesOf(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	t.Helper()
	if dv == nil {
		t.Fatal("no value")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if v.IsNull() {
		return nil
	}
	out := map[string]tftypes.Value{}
	if err := v.As(&out); err != nil {
		t.Fatalf("decode %s: %v", v, err)
	}
	return out
}

// str is a string attribute's value; "<null>" or "<unknown>" when it has none.
func str(t *testing.T, v tftypes.Value) string {
	t.Helper()
	if !v.IsKnown() {
		return "<unknown>"
	}
	if v.IsNull() {
		return "<null>"
	}
	var s string
	if err := v.As(&s); err != nil {
		t.Fatalf("not a string: %s", v)
	}
	return s
}

func stringValue(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func (p *protocolProvider) requireNoErrors(what string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	if hasError(diags) {
		p.t.Fatalf("%s: unexpected errors:\n%s", what, diagnosticsText(diags))
	}
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// diagnosticsText is every diagnostic, one per line, with its attribute.
func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Severity.String() + ": " + d.Summary)
		if d.Attribute != nil {
			b.WriteString(" [at " + d.Attribute.String() + "]")
		}
		b.WriteString(": " + d.Detail + "\n")
	}
	return b.String()
}

// requireErrorAt fails unless diags hold an error whose summary contains
// summary, at attribute (nil: any or none).
func requireErrorAt(t *testing.T, diags []*tfprotov6.Diagnostic, attribute *tftypes.AttributePath, summary string) *tfprotov6.Diagnostic {
	t.Helper()
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityError || !strings.Contains(d.Summary, summary) {
			continue
		}
		if attribute != nil && (d.Attribute == nil || !d.Attribute.Equal(attribute)) {
			continue
		}
		return d
	}
	t.Fatalf("want an error %q at %v, got:\n%s", summary, attribute, diagnosticsText(diags))
	return nil
}
