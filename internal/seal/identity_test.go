package seal_test

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// ageKeyFile is a key file as age-keygen -o writes it: two comment lines,
// then the identity.
func ageKeyFile(identity *age.X25519Identity) string {
	return "# created: 2026-03-01T09:00:00Z\n# public key: " + identity.Recipient().String() + "\n" +
		identity.String() + "\n"
}

func newAgeIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return identity
}

// TestParseIdentityAccepts: both forms, with the whitespace a copy brings,
// and an age key file as age-keygen writes it (with Windows line ends too),
// parse to their kind.
func TestParseIdentityAccepts(t *testing.T) {
	t.Parallel()
	box := sealtest.SealedBox(t).Identity
	identity := newAgeIdentity(t)
	for value, want := range map[string]seal.Kind{
		box:                          seal.SealedBox,
		box + "\n":                   seal.SealedBox,
		" \t" + box + "\r\n":         seal.SealedBox,
		identity.String():            seal.Age,
		identity.String() + "\n":     seal.Age,
		"\u00a0" + identity.String(): seal.Age,
		ageKeyFile(identity):         seal.Age,
		strings.ReplaceAll(ageKeyFile(identity), "\n", "\r\n"):      seal.Age,
		ageKeyFile(newAgeIdentity(t)) + "\n" + ageKeyFile(identity): seal.Age,
	} {
		id, err := seal.ParseIdentity(value)
		if err != nil {
			t.Errorf("%d characters: %v", len(value), err)
			continue
		}
		if id.Kind() != want {
			t.Errorf("%d characters: kind %q, want %q", len(value), id.Kind(), want)
		}
	}
}

// TestParseIdentityRefuses: each thing users pass instead of an identity
// gets a message that says what it is or what is wrong with it, names both
// accepted forms, and quotes nothing of the value.
func TestParseIdentityRefuses(t *testing.T) {
	t.Parallel()
	pair := sealtest.SealedBox(t)
	private := mustDecode(t, pair.Identity)
	identity := newAgeIdentity(t)
	secret := identity.String()
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := parseRecipient(t, identity.Recipient().String()).Seal([]byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	std := base64.StdEncoding.EncodeToString

	for _, c := range []struct{ name, value, want string }{
		{"empty", "", "the value is empty"},
		{"blank", " \n\t", "the value is empty"},
		{"31 bytes", std(private[:31]), "the value decodes to 31 bytes, want 32"},
		{"64 bytes", std(append(private, private...)), "the value decodes to 64 bytes, want 32"},
		{"no padding", strings.TrimRight(pair.Identity, "="), "lacks the = that ends the standard base64 of 32 bytes"},
		{"hex", hex.EncodeToString(private), "is 64 hexadecimal digits, a key in hex"},
		{"not base64", "p@ssw0rd", "is not standard base64 (from character 2 on)"},
		{"broken across lines", pair.Identity[:22] + "\n" + pair.Identity[22:], "has whitespace inside it"},
		{"in quotes", `"` + pair.Identity + `"`, "is in quotes: give it without them"},
		{"JSON", `{"private_key":"` + pair.Identity + `"}`, "is a JSON object"},
		{"age recipient", identity.Recipient().String(), "is an age recipient (age1...), a public key: give the identity it belongs to"},
		{"an age file", sealed, "is an age file, a sealed value, not a key"},
		{"SSH private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----\n",
			"is a PEM block (-----BEGIN ...), such as an SSH or PGP key"},
		{"SSH public key", "ssh-ed25519 " + sshWireKey(private), "is an SSH public key"},
		{"post-quantum identity", pq.String(), "is a post-quantum age identity (AGE-SECRET-KEY-PQ-1...), which opens nothing sealed here"},
		{"plugin identity", "AGE-PLUGIN-YUBIKEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQ", "is an age plugin identity"},
		{"lower case", strings.ToLower(secret), "starts with AGE-SECRET-KEY-1 but has lower-case letters"},
		{"truncated", secret[:60], "starts with AGE-SECRET-KEY-1 but is 60 characters long, not 74"},
		{"with a B", secret[:30] + "B" + secret[31:], "has a character that Bech32 does not use"},
		{"mistyped", secret[:30] + strings.ToUpper(flip(strings.ToLower(secret)[30])) + secret[31:], "its Bech32 checksum does not match"},
		{"a key file, line 3 truncated", ageKeyFile(identity)[:len(ageKeyFile(identity))-10], "has a line (line 3) that starts with AGE-SECRET-KEY-1 but is 65 characters long"},
		{"a key file, a stray line", ageKeyFile(identity) + "hello\n", "has a line (line 4) that is neither a comment (#...) nor an age identity"},
		{"comments only", "# created: 2026-03-01T09:00:00Z\n# public key: " + identity.Recipient().String(), "has only comment lines, no identity"},
	} {
		_, err := seal.ParseIdentity(c.value)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q lacks %q", c.name, msg, c.want)
		}
		if !strings.HasSuffix(msg, "; an identity is "+seal.AcceptedIdentity) {
			t.Errorf("%s: %q does not end with the accepted forms", c.name, msg)
		}
		if quoted := longestQuoted(msg, strings.TrimSpace(c.value)); len(quoted) > 20 {
			t.Errorf("%s: %q quotes %q of the value", c.name, msg, quoted)
		}
	}
}
