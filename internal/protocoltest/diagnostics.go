package protocoltest

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Errors is the diagnostics of error severity among diags.
func Errors(diags []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out = append(out, d)
		}
	}
	return out
}

// HasError reports whether diags hold an error.
func HasError(diags []*tfprotov6.Diagnostic) bool { return len(Errors(diags)) > 0 }

// DiagnosticsText is every diagnostic, one per line, with its severity and
// attribute, for a failure message.
func DiagnosticsText(diags []*tfprotov6.Diagnostic) string {
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

// RequireNoErrors fails the test, naming what answered, when diags hold an
// error.
func RequireNoErrors(t testing.TB, what string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if HasError(diags) {
		t.Fatalf("%s: unexpected errors:\n%s", what, DiagnosticsText(diags))
	}
}

// RequireErrorAt returns the first error in diags whose summary contains
// summary, at attribute (nil: at any attribute or none), and fails the test
// when there is none.
func RequireErrorAt(t testing.TB, diags []*tfprotov6.Diagnostic, attribute *tftypes.AttributePath, summary string) *tfprotov6.Diagnostic {
	t.Helper()
	for _, d := range Errors(diags) {
		if !strings.Contains(d.Summary, summary) {
			continue
		}
		if attribute != nil && (d.Attribute == nil || !d.Attribute.Equal(attribute)) {
			continue
		}
		return d
	}
	t.Fatalf("want an error %q at %v, got:\n%s", summary, attribute, DiagnosticsText(diags))
	return nil
}
