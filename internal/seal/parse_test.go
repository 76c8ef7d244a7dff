package seal_test

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// TestParseRecipientAccepts: both forms, with the whitespace a copy from
// JSON, a web page or a terminal brings, parse to their kind and canonical
// form.
func TestParseRecipientAccepts(t *testing.T) {
	t.Parallel()
	box := sealtest.SealedBox(t).Recipient
	ageRecipient := sealtest.Age(t).Recipient
	for value, want := range map[string]seal.Kind{
		box:                         seal.SealedBox,
		box + "\n":                  seal.SealedBox,
		" \t" + box + "\r\n":        seal.SealedBox,
		ageRecipient:                seal.Age,
		ageRecipient + "\n":         seal.Age,
		"\u00a0" + ageRecipient:     seal.Age, // a no-break space from a web page
		"\n\n" + ageRecipient + " ": seal.Age,
	} {
		r, err := seal.ParseRecipient(value)
		if err != nil {
			t.Errorf("%q: %v", value, err)
			continue
		}
		if r.Kind() != want {
			t.Errorf("%q: kind %q, want %q", value, r.Kind(), want)
		}
		if got := r.String(); got != strings.TrimSpace(value) {
			t.Errorf("%q: String() = %q", value, got)
		}
	}
}

// TestParseRecipientRefuses: each thing users paste instead of a recipient
// gets a message that says what it is or what is wrong with it, names both
// accepted forms, and quotes nothing of the value.
func TestParseRecipientRefuses(t *testing.T) {
	t.Parallel()
	key := mustDecode(t, sealtest.SealedBox(t).Recipient)
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	ageRecipient := identity.Recipient().String()
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	urlSafeKey := make([]byte, 32) // 0xfb 0xff encodes to "+/" in standard base64, "-_" in URL-safe
	for i := range urlSafeKey {
		urlSafeKey[i] = []byte{0xfb, 0xff, 0xbf}[i%3]
	}
	std := base64.StdEncoding.EncodeToString

	for _, c := range []struct{ name, value, want string }{
		{"empty", "", "the value is empty"},
		{"blank", " \n\t", "the value is empty"},
		{"31 bytes", std(key[:31]), "the value decodes to 31 bytes, want 32"},
		{"33 bytes", std(append(key, 1)), "the value decodes to 33 bytes, want 32"},
		{"GitHub's docs example", "2Sg8iYjAxxmI2LvUXpJjkYrMxURPc8r+dB7TJyvv1234", "the value decodes to 33 bytes, want 32"},
		{"no padding", strings.TrimRight(std(key), "="), "lacks the = that ends the standard base64 of 32 bytes"},
		{"URL-safe", base64.URLEncoding.EncodeToString(urlSafeKey), "is URL-safe base64 (with - or _)"},
		{"URL-safe unpadded", base64.RawURLEncoding.EncodeToString(urlSafeKey), "is URL-safe base64 (with - or _)"},
		{"not base64", "p@ssw0rd", "is not standard base64 (from character 2 on)"},
		{"not base64 later", std(key)[:20] + "!" + std(key)[21:], "is not standard base64 (from character 21 on)"},
		{"hex", hex.EncodeToString(key), "is 64 hexadecimal digits, a key in hex: give it in standard base64"},
		{"HEX", strings.ToUpper(hex.EncodeToString(key)), "is 64 hexadecimal digits"},
		{"all zeros", std(make([]byte, 32)), "is not a usable Curve25519 public key (a low-order point, such as all zeros)"},
		{"the point 1", std(append([]byte{1}, make([]byte, 31)...)), "low-order point"},
		{"age, all zeros", ageLowOrder["all zeros"], "is not a usable age X25519 recipient (a low-order point, such as all zeros)"},
		{"age, the point 1", ageLowOrder["the point 1"], "is not a usable age X25519 recipient (a low-order point"},
		{"age, a point of order 8", ageLowOrder["a point of order 8"], "is not a usable age X25519 recipient (a low-order point"},
		{"age, p-1", ageLowOrder["p-1"], "is not a usable age X25519 recipient (a low-order point"},
		{"broken across lines", std(key)[:22] + "\n" + std(key)[22:], "has whitespace inside it: give one key, on one line"},
		{"two recipients", ageRecipient + " " + ageRecipient, "has whitespace inside it"},
		{"JSON", `{"key_id":"568250167242549743","key":"` + std(key) + `"}`, `is a JSON object: give the value of its "key" field`},
		{"in quotes", `"` + std(key) + `"`, "is in quotes: give it without them"},
		{"in single quotes", "'" + ageRecipient + "'", "is in quotes"},
		{"age identity", identity.String(), "is an age identity (AGE-SECRET-KEY-...), a private key: give its recipient instead"},
		{"age identity, lower case", strings.ToLower(identity.String()), "is an age identity (AGE-SECRET-KEY-...)"},
		{"age identity file line", identity.String() + "\n", "is an age identity"},
		{"post-quantum age identity", pq.String(), "is an age identity"},
		{"age plugin identity", "AGE-PLUGIN-YUBIKEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQ", "is an age plugin identity (AGE-PLUGIN-...)"},
		{"post-quantum age recipient", pq.Recipient().String(), "is a post-quantum age recipient (age1pq1...), which is not supported here"},
		{"age plugin recipient", "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t", "is an age recipient of another type (age1yubikey1..., such as a plugin's)"},
		{"age upper case", strings.ToUpper(ageRecipient), "starts with age1 but has upper-case letters"},
		{"age truncated", ageRecipient[:61], "starts with age1 but is 61 characters long, not 62"},
		{"age with a b", ageRecipient[:10] + "b" + ageRecipient[11:], "has a character that Bech32 does not use"},
		{"age mistyped", ageRecipient[:10] + flip(ageRecipient[10]) + ageRecipient[11:], "its Bech32 checksum does not match"},
		{"SSH key", "ssh-ed25519 " + sshWireKey(key) + " ci@example.org", "is an SSH public key"},
		{"SSH key, no comment", "ssh-ed25519 " + sshWireKey(key), "is an SSH public key"},
		{"SSH security key", "sk-ssh-ed25519@openssh.com " + sshWireKey(key), "is an SSH public key"},
		{"SSH key's base64 alone", sshWireKey(key), "is the base64 of an SSH public key"},
		{"SSH private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----\n",
			"is a private key in PEM form"},
		{"PGP public key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ0000BYJKwYBBAHaRw8BAQdA\n-----END PGP PUBLIC KEY BLOCK-----", "is a PEM block"},
	} {
		_, err := seal.ParseRecipient(c.value)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q lacks %q", c.name, msg, c.want)
		}
		if !strings.HasSuffix(msg, "; a recipient is "+seal.Accepted) {
			t.Errorf("%s: %q does not end with the accepted forms", c.name, msg)
		}
		if quoted := longestQuoted(msg, strings.TrimSpace(c.value)); len(quoted) > 20 {
			t.Errorf("%s: %q quotes %q of the value", c.name, msg, quoted)
		}
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sshWireKey is the base64 part of an OpenSSH ed25519 public key line.
func sshWireKey(key []byte) string {
	var b []byte
	for _, field := range [][]byte{[]byte("ssh-ed25519"), key} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(field)))
		b = append(b, field...)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// flip is another Bech32 character than c, the mistyping a checksum catches.
func flip(c byte) string {
	if c == 'q' {
		return "p"
	}
	return "q"
}

// longestQuoted is the longest part of value that msg contains. A stretch of
// up to 20 characters can be the message's own words ("AGE-SECRET-KEY-",
// " PRIVATE KEY-----"); a key is longer.
func longestQuoted(msg, value string) string {
	longest := ""
	for i := range len(value) {
		for j := i + len(longest) + 1; j <= len(value) && strings.Contains(msg, value[i:j]); j++ {
			longest = value[i:j]
		}
	}
	return longest
}

// ageLowOrder are age X25519 recipients of points of small order, which
// age.ParseX25519Recipient takes and age then cannot encrypt to: the Bech32
// ("age", 32 bytes) of all zeros, of 1, of e0eb7a7c...5f49b800 (order 8) and
// of p-1 (ecff...ff7f), made with the reference encoder of BIP 173.
var ageLowOrder = map[string]string{
	"all zeros":          "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z",
	"the point 1":        "age1qyqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqj7vrya",
	"a point of order 8": "age1ur4h5lpmgxu2u9jku0a0r87ydtdqnr0tnsetrlvxvgz3vh6fhqqqzyt4v9",
	"p-1":                "age1anlllllllllllllllllllllllllllllllllllllllllllllllals4n2t7m",
}

// TestAgeLowOrderIsWhatAgeTakes: age itself parses each low-order recipient
// and refuses to encrypt to it, so ParseRecipient's refusal is needed, and
// comes before a key is created instead of after.
func TestAgeLowOrderIsWhatAgeTakes(t *testing.T) {
	t.Parallel()
	for name, s := range ageLowOrder {
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			t.Errorf("%s: age refuses to parse it (%v): the case tests nothing", name, err)
			continue
		}
		if _, err := age.Encrypt(io.Discard, r); err == nil {
			t.Errorf("%s: age encrypts to it", name)
		}
	}
}
