package diagnostics

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestError(t *testing.T) {
	d := Error("s", "d")
	if len(d) != 1 || !d.HasError() || d[0].Summary() != "s" || d[0].Detail() != "d" {
		t.Errorf("Error = %v", d)
	}
}

func TestConfigPath(t *testing.T) {
	for _, tc := range []struct{ in, want path.Path }{
		{path.Root("expiration"), path.Root("expiration")},
		{path.Root("rotation").AtName("period"), path.Root("rotation")},
		{path.Root("a").AtName("b").AtName("c"), path.Root("a")},
		{path.Empty(), path.Empty()},
	} {
		if got := ConfigPath(tc.in); !got.Equal(tc.want) {
			t.Errorf("ConfigPath(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestMovePath(t *testing.T) {
	var in diag.Diagnostics
	in.AddAttributeError(path.Root("expiration"), "moved", "")
	in.AddAttributeError(path.Root("environment"), "kept", "")
	in.AddError("no path", "")
	out := MovePath(in, path.Root("expiration"), path.Root("ttl"))
	if len(out) != 3 {
		t.Fatalf("%d diagnostics, want 3", len(out))
	}
	for i, want := range []path.Path{path.Root("ttl"), path.Root("environment")} {
		if wp, ok := out[i].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(want) {
			t.Errorf("diagnostic %d (%s) not at %s", i, out[i].Summary(), want)
		}
	}
	if _, ok := out[2].(diag.DiagnosticWithPath); ok {
		t.Error("a diagnostic without a path gained one")
	}
}
