// Delivering secrets: the stand-in that the CI pipeline and rotation guides'
// tests use for a CI secret store.

package provider

import (
	"strings"
	"testing"
)

// delivery is one line of deliverStub's delivered.txt.
type delivery struct{ repository, environment, id, value string }

// deliverStub stands in for a guide's deliver-key.sh: instead of calling a
// secret store's CLI it records what the store would receive, one line per
// call, and fails while the file fail-delivery exists. Test-only: it writes
// key values to the test's temporary directory.
const deliverStub = `#!/bin/sh
[ ! -e fail-delivery ] || { echo "delivery failed (fail-delivery exists)" >&2; exit 1; }
printf '%s %s %s %s\n' "${REPOSITORY:--}" "${ENVIRONMENT:--}" "$KEY_ID" "$KEY_VALUE" >> delivered.txt
`

func parseDeliveries(t *testing.T, text string) []delivery {
	t.Helper()
	var out []delivery
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if len(f) != 4 {
			t.Fatalf("delivered.txt: malformed line with %d fields", len(f))
		}
		out = append(out, delivery{f[0], f[1], f[2], f[3]})
	}
	return out
}

func (c *tfCLI) deliveries() []delivery {
	c.t.Helper()
	return parseDeliveries(c.t, c.readFile("delivered.txt"))
}
