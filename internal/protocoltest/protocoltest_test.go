package protocoltest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var keyType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id": tftypes.String, "description": tftypes.String, "count": tftypes.Number,
}}

// TestObjectRoundTrip: an object with one attribute set decodes to that
// attribute and nulls of the right types for the others.
func TestObjectRoundTrip(t *testing.T) {
	t.Parallel()
	dv := Dynamic(t, Object(t, keyType, map[string]tftypes.Value{"id": String("k1")}))
	attrs := Attributes(t, keyType, dv)
	if len(attrs) != 3 {
		t.Fatalf("%d attributes, want 3: %v", len(attrs), attrs)
	}
	if got := AsString(t, attrs["id"]); got != "k1" {
		t.Errorf("id %q, want k1", got)
	}
	if got := AsString(t, attrs["description"]); got != "<null>" {
		t.Errorf("description %q, want <null>", got)
	}
	if !attrs["count"].Type().Equal(tftypes.Number) || !attrs["count"].IsNull() {
		t.Errorf("count %s, want a null number", attrs["count"])
	}
	if got := AsString(t, tftypes.NewValue(tftypes.String, tftypes.UnknownValue)); got != "<unknown>" {
		t.Errorf("an unknown string reads %q, want <unknown>", got)
	}
}

// TestAttributesOfNull: a null object has no attributes.
func TestAttributesOfNull(t *testing.T) {
	t.Parallel()
	if attrs := Attributes(t, keyType, Dynamic(t, tftypes.NewValue(keyType, nil))); attrs != nil {
		t.Errorf("a null object decoded to %v, want nil", attrs)
	}
}

// TestProposedNewState: what the configuration sets wins, what it leaves
// null or out comes from the prior state.
func TestProposedNewState(t *testing.T) {
	t.Parallel()
	prior := map[string]tftypes.Value{"id": String("k1"), "description": String("old"), "count": tftypes.NewValue(tftypes.Number, 1)}
	config := map[string]tftypes.Value{"description": String("new"), "id": tftypes.NewValue(tftypes.String, nil)}
	got := ProposedNewState(prior, config)
	want := map[string]tftypes.Value{"id": String("k1"), "description": String("new"), "count": tftypes.NewValue(tftypes.Number, 1)}
	if len(got) != len(want) {
		t.Fatalf("proposed %v, want %v", got, want)
	}
	for name, v := range want {
		if !got[name].Equal(v) {
			t.Errorf("proposed %s = %s, want %s", name, got[name], v)
		}
	}
	if !prior["description"].Equal(String("old")) {
		t.Error("ProposedNewState changed the prior state")
	}
}

// TestDiagnostics: errors are told from warnings, and the text names each
// diagnostic with its attribute.
func TestDiagnostics(t *testing.T) {
	t.Parallel()
	at := tftypes.NewAttributePath().WithAttributeName("id")
	diags := []*tfprotov6.Diagnostic{
		{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "Careful", Detail: "a warning"},
		{Severity: tfprotov6.DiagnosticSeverityError, Summary: "Invalid id", Detail: "not a UUID", Attribute: at},
	}
	if HasError(diags[:1]) || !HasError(diags) || len(Errors(diags)) != 1 {
		t.Errorf("HasError/Errors do not tell the error from the warning")
	}
	text := DiagnosticsText(diags)
	for _, want := range []string{"WARNING: Careful: a warning\n", "ERROR: Invalid id [at " + at.String() + "]: not a UUID\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if d := RequireErrorAt(t, diags, at, "Invalid"); d != diags[1] {
		t.Errorf("RequireErrorAt found %v, want the error at id", d)
	}
	if d := RequireErrorAt(t, diags, nil, "id"); d != diags[1] {
		t.Errorf("RequireErrorAt with no attribute found %v, want the error", d)
	}
	RequireNoErrors(t, "warnings only", diags[:1])
}

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the goroutine, as the real one does.
type fatalRecorder struct {
	testing.TB
	message string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.message = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalOf runs f with a fatalRecorder and returns what it failed with, ""
// if it did not.
func fatalOf(t *testing.T, f func(testing.TB)) string {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.message
}

// TestMisuseFailsTheTest: a misspelt attribute, a type that is not an
// object and a value that is not a string fail the test rather than pass
// unnoticed.
func TestMisuseFailsTheTest(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		f    func(testing.TB)
		want string
	}{
		"misspelt attribute": {func(tb testing.TB) { Object(tb, keyType, map[string]tftypes.Value{"idd": String("k1")}) }, `attribute "idd" is not in the schema`},
		"not an object":      {func(tb testing.TB) { Object(tb, tftypes.String, nil) }, "is not an object type"},
		"not a string":       {func(tb testing.TB) { AsString(tb, tftypes.NewValue(tftypes.Number, 1)) }, "not a string"},
		"no error":           {func(tb testing.TB) { RequireErrorAt(tb, nil, nil, "x") }, `want an error "x"`},
	} {
		if got := fatalOf(t, c.f); !strings.Contains(got, c.want) {
			t.Errorf("%s: failed with %q, want %q", name, got, c.want)
		}
	}
}
