package client

import (
	"fmt"
	"io"
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

// Reveal returns the secret value, for the one place that must store it.
func (s Secret) Reveal() string { return string(s) }
