package seal_test

import (
	"strings"
	"testing"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
)

// FuzzParseRecipient: no input panics; what is accepted has a kind, seals,
// and its String parses back to itself; what is refused is told both
// accepted forms.
func FuzzParseRecipient(f *testing.F) {
	for _, seed := range []string{
		"", " ", "age1", "age11", "age1pq1", "AGE1", "age1\u00e9", "AGE-SECRET-KEY-1", "-----BEGIN", "{", `"`, "'x'",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"hVmCEDIoEO7ynsIDomOWtXNyh/8dI6NwyEhz6gMN1ks=",
		"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
		"age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq",
		"age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z", // all zeros: a low-order point
		"0000000000000000000000000000000000000000000000000000000000000000",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := seal.ParseRecipient(s)
		if err != nil {
			if !strings.HasSuffix(err.Error(), seal.Accepted) {
				t.Fatalf("%q: %q does not name the accepted forms", s, err)
			}
			return
		}
		if r.Kind() != seal.SealedBox && r.Kind() != seal.Age {
			t.Fatalf("%q: kind %q", s, r.Kind())
		}
		again, err := seal.ParseRecipient(r.String())
		if err != nil || again.String() != r.String() || again.Kind() != r.Kind() {
			t.Fatalf("%q: String %q parses back to %q, %v", s, r.String(), again.String(), err)
		}
		if _, err := r.Seal([]byte("x")); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	})
}
