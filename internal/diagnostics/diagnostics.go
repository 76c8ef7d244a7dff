// Package diagnostics holds the small helpers the provider's resources, data
// sources and validators share for building Terraform diagnostics.
package diagnostics

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Error returns diagnostics holding one error.
func Error(summary, detail string) diag.Diagnostics {
	var d diag.Diagnostics
	d.AddError(summary, detail)
	return d
}

// ConfigPath is the deepest part of p that Terraform can show in the
// configuration. Terraform 1.11 finds attributes of blocks but not those of
// nested attributes: a diagnostic at rotation.period would point at the
// resource's first line, one at rotation at the `rotation = {` it belongs to.
// Messages that use it name the whole path in their text.
func ConfigPath(p path.Path) path.Path {
	steps := p.Steps()
	if len(steps) < 2 {
		return p
	}
	if name, ok := steps[0].(path.PathStepAttributeName); ok {
		return path.Root(string(name))
	}
	return p
}

// MovePath returns diags with every diagnostic at from moved to to, for
// when an error about a computed attribute is really about the one the user
// wrote (an API's complaint about an expiry computed from a ttl).
func MovePath(diags diag.Diagnostics, from, to path.Path) diag.Diagnostics {
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		if wp, ok := d.(diag.DiagnosticWithPath); ok && wp.Path().Equal(from) {
			d = diag.WithPath(to, d)
		}
		out = append(out, d)
	}
	return out
}
