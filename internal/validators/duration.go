package validators

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/diagnostics"
)

// Duration accepts Go duration strings greater than zero and, when limit is
// not zero, at most limit. timetypes.GoDurationType checks the syntax too, but
// its message carries a literal "\n" and repeats Go's parse error.
func Duration(limit time.Duration) validator.String { return duration{max: limit} }

// DurationAtLeast is Duration with a lower bound instead of an upper one.
func DurationAtLeast(least time.Duration) validator.String { return duration{min: least} }

type duration struct {
	min, max time.Duration
}

func (v duration) Description(context.Context) string {
	switch {
	case v.max > 0:
		return "must be a Go duration greater than zero and at most " + formatDuration(v.max)
	case v.min > 0:
		return "must be a Go duration of at least " + formatDuration(v.min)
	}
	return "must be a Go duration greater than zero"
}

func (v duration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v duration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
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
	case d < v.min:
		detail = fmt.Sprintf("%q is shorter than the minimum of %s.", text, formatDuration(v.min))
	case v.max > 0 && d > v.max:
		detail = fmt.Sprintf("%q is longer than the maximum of %s. Use a shorter duration, such as \"1h\".", text, formatDuration(v.max))
	default:
		return
	}
	resp.Diagnostics.AddAttributeError(diagnostics.ConfigPath(req.Path), "Invalid duration", req.Path.String()+": "+detail)
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

// formatDuration prints whole hours as "24h" and whole minutes as "5m"
// rather than time's "24h0m0s" and "5m0s".
func formatDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d < time.Hour && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// ParseDuration reads a value Duration has accepted; ok is false for
// anything else (an error Duration has already reported).
func ParseDuration(text string) (d time.Duration, ok bool) {
	d, err := time.ParseDuration(text)
	return d, err == nil && d > 0
}
