package validators

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestDuration: every bad duration yields exactly one diagnostic,
// at the attribute, that says what to write instead, with no literal "\n"
// and no Go parse error in it.
func TestDuration(t *testing.T) {
	t.Parallel()
	attr := path.Root("rotation").AtName("period")
	for _, tc := range []struct {
		min, max time.Duration
		value    string
		detail   string // "" means valid
	}{
		{0, 0, "2160h", ""},
		{0, 0, "1h30m", ""},
		{0, 24 * time.Hour, "24h", ""},
		{0, 24 * time.Hour, "86400s", ""},
		{0, 0, "90d", `"90d" is not a duration: Go durations have no unit for days. Write "2160h" for 90 days.`},
		{0, 0, "1.5d", `"1.5d" is not a duration: Go durations have no unit for days. Write "36h" for 1.5 days.`},
		{0, 0, "thirty seconds", `"thirty seconds" is not a duration. Write a number followed by a unit: h (hours), m (minutes) or s (seconds), such as "30s", "15m" or "2160h" (90 days).`},
		{0, 0, "", `"" is not a duration.`},
		{0, 0, "0s", `"0s" must be longer than zero`},
		{0, 0, "-1h", `"-1h" must be longer than zero`},
		{0, 24 * time.Hour, "24h0m0.001s", `"24h0m0.001s" is longer than the maximum of 24h.`},
		{0, 24 * time.Hour, "1000h", `"1000h" is longer than the maximum of 24h.`},
		{time.Minute, 0, "1m", ""},
		{time.Minute, 0, "72h", ""},
		{time.Minute, 0, "59s", `"59s" is shorter than the minimum of 1m.`},
		{time.Minute, 0, "0s", `"0s" must be longer than zero`},
	} {
		var resp validator.StringResponse
		duration{min: tc.min, max: tc.max}.ValidateString(context.Background(),
			validator.StringRequest{Path: attr, ConfigValue: types.StringValue(tc.value)}, &resp)
		if tc.detail == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%q: unexpected %v", tc.value, resp.Diagnostics)
			}
			continue
		}
		if len(resp.Diagnostics) != 1 {
			t.Errorf("%q: %d diagnostics, want exactly 1: %v", tc.value, len(resp.Diagnostics), resp.Diagnostics)
			continue
		}
		d := resp.Diagnostics[0]
		if !strings.Contains(d.Detail(), tc.detail) {
			t.Errorf("%q: detail %q, want it to contain %q", tc.value, d.Detail(), tc.detail)
		}
		for _, bad := range []string{`\n`, "time: "} {
			if strings.Contains(d.Detail(), bad) {
				t.Errorf("%q: detail %q holds %q", tc.value, d.Detail(), bad)
			}
		}
		if !strings.HasPrefix(d.Detail(), "rotation.period: ") {
			t.Errorf("%q: detail %q does not name the attribute", tc.value, d.Detail())
		}
		if wp, ok := d.(interface{ Path() path.Path }); !ok || !wp.Path().Equal(path.Root("rotation")) {
			t.Errorf("%q: diagnostic not at rotation, the deepest path Terraform can show", tc.value)
		}
	}
	for _, null := range []types.String{types.StringNull(), types.StringUnknown()} {
		var resp validator.StringResponse
		duration{}.ValidateString(context.Background(), validator.StringRequest{Path: attr, ConfigValue: null}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: %v", null, resp.Diagnostics)
		}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]time.Duration{"2160h": 2160 * time.Hour, "90s": 90 * time.Second, "90d": 0, "0s": 0, "-1h": 0, "": 0} {
		got, ok := ParseDuration(text)
		if ok != (want > 0) || (ok && got != want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", text, got, ok, want)
		}
	}
}
