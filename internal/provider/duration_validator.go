package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// durationValidator accepts Go duration strings greater than zero and, when
// max is set, at most max. It reports every problem as one diagnostic at the
// attribute. timetypes.GoDurationType would check the syntax too, but its
// message carries a literal "\n" and repeats Go's parse error, which is what
// users saw before.
type durationValidator struct {
	max time.Duration // 0: no upper bound
}

func (v durationValidator) Description(context.Context) string {
	if v.max > 0 {
		return "must be a Go duration greater than zero and at most " + formatDuration(v.max)
	}
	return "must be a Go duration greater than zero"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	text := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(text)
	var detail string
	switch {
	case err != nil:
		detail = durationSyntaxHelp(text)
	case d <= 0:
		detail = fmt.Sprintf("%q must be longer than zero, such as \"30s\", \"15m\" or \"2160h\".", text)
	case v.max > 0 && d > v.max:
		detail = fmt.Sprintf("%q is longer than the maximum of %s. Use a shorter duration, such as \"1h\".", text, formatDuration(v.max))
	default:
		return
	}
	resp.Diagnostics.AddAttributeError(configPath(req.Path), "Invalid duration", req.Path.String()+": "+detail)
}

// configPath is the deepest part of p that Terraform can show in the
// configuration. Terraform 1.11 finds attributes of blocks but not those of
// nested attributes: a diagnostic at rotation.period would point at the
// resource's first line, one at rotation at the `rotation = {` it belongs to.
// The message names the whole path.
func configPath(p path.Path) path.Path {
	steps := p.Steps()
	if len(steps) < 2 {
		return p
	}
	if name, ok := steps[0].(path.PathStepAttributeName); ok {
		return path.Root(string(name))
	}
	return p
}

// durationSyntaxHelp explains a string that is not a Go duration. Days are
// the usual mistake ("90d"), so they get the hours to write instead.
func durationSyntaxHelp(text string) string {
	if days, found := strings.CutSuffix(strings.TrimSpace(text), "d"); found {
		if n, err := strconv.ParseFloat(days, 64); err == nil && n > 0 {
			return fmt.Sprintf("%q is not a duration: Go durations have no unit for days. Write %q for %s days.",
				text, strconv.FormatFloat(n*24, 'f', -1, 64)+"h", days)
		}
	}
	return fmt.Sprintf("%q is not a duration. Write a number followed by a unit: h (hours), m (minutes) or "+
		"s (seconds), such as \"30s\", \"15m\" or \"2160h\" (90 days).", text)
}

// parseDuration reads a duration that durationValidator has accepted; ok is
// false for anything else (null, unknown, or an error already reported).
func parseDuration(text string) (time.Duration, bool) {
	d, err := time.ParseDuration(text)
	return d, err == nil && d > 0
}

// formatDuration prints whole hours as "24h" rather than time's "24h0m0s".
func formatDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}
