// Package protocoltest builds and reads the values of Terraform's plugin
// protocol 6 for tests that call a provider server as Terraform does, as
// terraform-provider-random's randomtest serves its own tests: objects of a
// schema's type, dynamic values, Terraform's proposed new state, and the
// diagnostics a server answers with. Only tests import it.
package protocoltest

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Object is a value of the object type typ with the attributes in set and
// null for every other one, as Terraform sends a configuration. An attribute
// that typ does not have fails the test, so that a misspelt name is not
// silently dropped.
func Object(t testing.TB, typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("protocoltest: %s is not an object type", typ)
	}
	vals := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, at := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		if _, ok := obj.AttributeTypes[name]; !ok {
			t.Fatalf("protocoltest: attribute %q is not in the schema", name)
		}
		vals[name] = v
	}
	return tftypes.NewValue(typ, vals)
}

// Dynamic is v as a request carries it.
func Dynamic(t testing.TB, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		t.Fatalf("protocoltest: dynamic value: %v", err)
	}
	return &dv
}

// Attributes decodes dv, an object of type typ, into its attributes; nil
// when the object is null. A missing value or one of another type fails
// the test.
func Attributes(t testing.TB, typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	t.Helper()
	if dv == nil {
		t.Fatal("protocoltest: no value")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatalf("protocoltest: decode: %v", err)
	}
	if v.IsNull() {
		return nil
	}
	out := map[string]tftypes.Value{}
	if err := v.As(&out); err != nil {
		t.Fatalf("protocoltest: decode %s: %v", v, err)
	}
	return out
}

// ProposedNewState is the attributes Terraform proposes for an update: the
// configuration's, with each attribute the configuration leaves null (or
// out) taken from the prior state. That is Terraform's proposal when only
// computed attributes are left null; for an optional attribute that is not
// computed it proposes null, so a test that removes one from its
// configuration builds that proposal itself.
func ProposedNewState(prior, config map[string]tftypes.Value) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(prior))
	for name, v := range prior {
		out[name] = v
	}
	for name, v := range config {
		if !v.IsNull() {
			out[name] = v
		}
	}
	return out
}

// String is a known string value.
func String(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// AsString is a string value's text, or "<null>" or "<unknown>" when it has
// none, so that a failure message can show any of them. A value of another
// type fails the test.
func AsString(t testing.TB, v tftypes.Value) string {
	t.Helper()
	if !v.IsKnown() {
		return "<unknown>"
	}
	if v.IsNull() {
		return "<null>"
	}
	var s string
	if err := v.As(&s); err != nil {
		t.Fatalf("protocoltest: not a string: %s", v)
	}
	return s
}
