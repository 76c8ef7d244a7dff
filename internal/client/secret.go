package client

import (
	"context"
	"fmt"
	"io"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Secret is an API key value. It prints and marshals as "[REDACTED]" in every
// fmt verb and in JSON, so that logging or dumping a Key cannot leak it; only
// Reveal returns the value.
type Secret string

// String, GoString and MarshalJSON hide the value from fmt, logs and JSON.
func (Secret) String() string { return redacted }

func (Secret) GoString() string { return `"` + redacted + `"` }

// Format takes precedence over String and GoString for every verb, which is
// what keeps %x, %q and width tricks from printing the value.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, s.GoString())
		return
	}
	_, _ = io.WriteString(f, redacted)
}

func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// Reveal returns the secret value, for what must hold it in clear: the
// resource's state, the ephemeral resource's result, and MaskInLogs.
func (s Secret) Reveal() string { return string(s) }

// MaskInLogs returns ctx with secret masked wherever tflog writes it, in
// messages and in field values. It is how the client keeps its API key out
// of the logs, and how the provider does so for a key it has just created.
func MaskInLogs(ctx context.Context, secret string) context.Context {
	if secret == "" {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secret)
	return tflog.MaskMessageStrings(ctx, secret)
}
