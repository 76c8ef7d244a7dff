package seal_test

import (
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"

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

// FuzzOpen: no sealed value panics Open or SealedKind; a value that does
// not open is refused with one of the three classes, and the two agree on
// the values of neither form.
func FuzzOpen(f *testing.F) {
	ageIdentity, err := age.GenerateX25519Identity()
	if err != nil {
		f.Fatal(err)
	}
	ageRecipient, err := seal.ParseRecipient(ageIdentity.Recipient().String())
	if err != nil {
		f.Fatal(err)
	}
	sealed, err := ageRecipient.Seal([]byte("dt_live_x"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"", " ", sealed, sealed[:40], armor.Header, "AGE-SECRET-KEY-1", "-----BEGIN X-----",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		f.Add(seed)
	}
	identities := []seal.Identity{}
	for _, s := range []string{ageIdentity.String(), "hVmCEDIoEO7ynsIDomOWtXNyh/8dI6NwyEhz6gMN1ks="} {
		id, err := seal.ParseIdentity(s)
		if err != nil {
			f.Fatal(err)
		}
		identities = append(identities, id)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, kindErr := seal.SealedKind(s)
		for _, id := range identities {
			_, err := id.Open(s)
			if err == nil {
				continue
			}
			if !errors.Is(err, seal.ErrDamaged) && !errors.Is(err, seal.ErrOtherKind) && !errors.Is(err, seal.ErrWrongIdentity) {
				t.Fatalf("%q: %q has no class", s, err)
			}
			if kindErr != nil && !errors.Is(err, seal.ErrDamaged) {
				t.Fatalf("%q: SealedKind refused it (%v), Open did not call it damaged (%v)", s, kindErr, err)
			}
		}
	})
}

// FuzzParseIdentity: no input panics; what is refused is told both
// accepted forms.
func FuzzParseIdentity(f *testing.F) {
	for _, seed := range []string{"", "#", "# x\n", "AGE-", "AGE-SECRET-KEY-1", "AGE-SECRET-KEY-PQ-1", "age1", "{", "'x'",
		"hVmCEDIoEO7ynsIDomOWtXNyh/8dI6NwyEhz6gMN1ks=", "-----BEGIN AGE ENCRYPTED FILE-----"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := seal.ParseIdentity(s)
		if err != nil {
			if !strings.HasSuffix(err.Error(), seal.AcceptedIdentity) {
				t.Fatalf("%q: %q does not name the accepted forms", s, err)
			}
			return
		}
		if id.Kind() != seal.SealedBox && id.Kind() != seal.Age {
			t.Fatalf("%q: kind %q", s, id.Kind())
		}
	})
}
