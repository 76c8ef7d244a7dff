package seal_test

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"filippo.io/age/armor"
	"golang.org/x/crypto/nacl/box"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// plaintexts are what the tests seal: a secret shaped like the provider's
// API keys, nothing, and one long enough to span several age chunks (64 KiB
// each) and armor lines.
var plaintexts = []string{
	"dt_live_3Kq9Zb7xWm2Pf5Rt8Vy1Lc4Nh6Jd0Gs",
	"",
	strings.Repeat("0123456789abcdef", 5000),
}

// parseRecipient is seal.ParseRecipient of a recipient the test made; an
// error fails the test.
func parseRecipient(t *testing.T, recipient string) seal.Recipient {
	t.Helper()
	r, err := seal.ParseRecipient(recipient)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sealEach seals each of texts for r, in order; an error fails the test.
func sealEach(t *testing.T, r seal.Recipient, texts []string) []string {
	t.Helper()
	sealed := make([]string, len(texts))
	for i, text := range texts {
		var err error
		if sealed[i], err = r.Seal([]byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	return sealed
}

// TestSealRoundTrip: for both kinds, what Seal returns opens with the
// matching private key, as the consumer opens it, to the plaintext, and does
// not open with another key of the same kind.
func TestSealRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind seal.Kind
		key  func(testing.TB) *sealtest.Key
	}{
		{seal.SealedBox, sealtest.SealedBox},
		{seal.Age, sealtest.Age},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			t.Parallel()
			key, other := c.key(t), c.key(t)
			r := parseRecipient(t, key.Recipient)
			if r.Kind() != c.kind || key.Kind != string(c.kind) {
				t.Fatalf("kind %q, key's %q, want %q", r.Kind(), key.Kind, c.kind)
			}
			for i, sealed := range sealEach(t, r, plaintexts) {
				plaintext := plaintexts[i]
				if got := key.Open(t, sealed); got != plaintext {
					t.Errorf("%d bytes opened to %d other bytes", len(plaintext), len(got))
				}
				if _, err := other.TryOpen(sealed); err == nil {
					t.Errorf("%d bytes sealed for one key opened with another", len(plaintext))
				}
				if plaintext != "" && strings.Contains(sealed, plaintext) {
					t.Errorf("the sealed value contains the plaintext")
				}
			}
		})
	}
}

// TestSealIsRandom: sealing the same plaintext for the same recipient twice
// gives two different values (a fresh ephemeral key and file key each time),
// so a sealed value says nothing about whether two keys are the same.
func TestSealIsRandom(t *testing.T) {
	t.Parallel()
	for _, key := range []*sealtest.Key{sealtest.SealedBox(t), sealtest.Age(t)} {
		sealed := sealEach(t, parseRecipient(t, key.Recipient), []string{plaintexts[0], plaintexts[0]})
		if sealed[0] == sealed[1] {
			t.Errorf("%s: the same plaintext sealed twice gave the same value", key.Kind)
		}
	}
}

// decodeSealed seals each of plaintexts for key, fails unless each sealed
// value matches format (what names it), and returns, in the order of
// plaintexts, the bytes of the base64 text that base64In finds in each.
func decodeSealed(t *testing.T, key *sealtest.Key, format *regexp.Regexp, what string, base64In func(sealed string) string) [][]byte {
	t.Helper()
	sealed := sealEach(t, parseRecipient(t, key.Recipient), plaintexts)
	decoded := make([][]byte, len(sealed))
	for i, s := range sealed {
		if !format.MatchString(s) {
			t.Fatalf("%d bytes sealed to something other than %s", len(plaintexts[i]), what)
		}
		var err error
		if decoded[i], err = base64.StdEncoding.DecodeString(base64In(s)); err != nil {
			t.Fatal(err)
		}
	}
	return decoded
}

// standardBase64 is one line of standard, padded base64, as GitHub's
// encrypted_value takes it.
var standardBase64 = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`)

// TestSealedBoxFormat: a sealed box is stored as what GitHub's secrets API
// takes: one line of standard base64 of the box, which is the plaintext
// plus 48 bytes (the ephemeral public key and the MAC).
func TestSealedBoxFormat(t *testing.T) {
	t.Parallel()
	whole := func(sealed string) string { return sealed }
	for i, data := range decodeSealed(t, sealtest.SealedBox(t), standardBase64, "one line of standard base64", whole) {
		plaintext := plaintexts[i]
		if want := len(plaintext) + box.AnonymousOverhead; len(data) != want || box.AnonymousOverhead != 48 {
			t.Errorf("%d bytes sealed to a box of %d bytes, want %d", len(plaintext), len(data), want)
		}
	}
}

// armoredAge is an ASCII-armored age file as age writes it: the header
// line, lines of 64 base64 characters, a shorter last one, and the footer
// line with its newline.
var armoredAge = regexp.MustCompile(`^` + regexp.QuoteMeta(armor.Header) + `\n(?:[A-Za-z0-9+/]{64}\n)*[A-Za-z0-9+/=]{0,64}\n` +
	regexp.QuoteMeta(armor.Footer) + `\n$`)

// TestAgeFormat: an age seal is stored as an armored age file, which age -d,
// SOPS and a text file take, and whose binary inside is an age v1 file.
func TestAgeFormat(t *testing.T) {
	t.Parallel()
	armored := func(sealed string) string {
		body := strings.TrimSuffix(strings.TrimPrefix(sealed, armor.Header+"\n"), armor.Footer+"\n")
		return strings.ReplaceAll(body, "\n", "")
	}
	for i, data := range decodeSealed(t, sealtest.Age(t), armoredAge, "an armored age file", armored) {
		plaintext := plaintexts[i]
		if !strings.HasPrefix(string(data), "age-encryption.org/v1\n-> X25519 ") {
			t.Errorf("%d bytes sealed to an armored file that is not an age v1 file for an X25519 recipient", len(plaintext))
		}
	}
}

// TestStringParsesBack: a recipient's String is its canonical form, which
// parses to the same recipient: what to compare when deciding whether a
// recipient changed.
func TestStringParsesBack(t *testing.T) {
	t.Parallel()
	for _, key := range []*sealtest.Key{sealtest.SealedBox(t), sealtest.Age(t)} {
		r := parseRecipient(t, " "+key.Recipient+"\n")
		again := parseRecipient(t, r.String())
		if r.String() != key.Recipient || again.String() != r.String() || again.Kind() != r.Kind() {
			t.Errorf("%s: String() %q, parsed back %q, want %q", key.Kind, r.String(), again.String(), key.Recipient)
		}
	}
}

// TestZeroRecipient: the zero Recipient refuses to seal rather than
// returning something that looks sealed.
func TestZeroRecipient(t *testing.T) {
	t.Parallel()
	var r seal.Recipient
	sealed, err := r.Seal([]byte(plaintexts[0]))
	if err == nil || sealed != "" {
		t.Fatalf("sealed %d characters, err %v", len(sealed), err)
	}
	if r.Kind() != "" || r.String() != "" {
		t.Errorf("kind %q, String %q", r.Kind(), r.String())
	}
}
