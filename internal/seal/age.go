package seal

import (
	"fmt"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// x25519RecipientLen is the length of an age X25519 recipient: "age1", 52
// Bech32 characters for the 32-byte key and 6 for the checksum.
const x25519RecipientLen = 62

// bech32Charset is the alphabet of Bech32's data part; "1" separates it from
// the prefix, and b, i and o are left out so as not to be misread.
const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// parseAge reads s, which starts with "age1", as an age X25519 recipient.
func parseAge(s string) (Recipient, error) {
	r, err := age.ParseX25519Recipient(s)
	if err != nil {
		// age's message quotes s; ageProblem says what is wrong without it.
		return Recipient{}, invalid(ageProblem(s))
	}
	// age.ParseX25519Recipient does not refuse a low-order point (all
	// zeros, among others): age refuses it only when it wraps a file key,
	// which would be after Domain Trust created the key. Wrapping a file key
	// thrown away refuses it now: the X25519 of any scalar (age's are random,
	// and clamped) with such a point is refused, and only with such points.
	if _, err := r.Wrap(make([]byte, fileKeySize)); err != nil {
		return Recipient{}, invalid("is not a usable age X25519 recipient (a low-order point, such as all zeros)")
	}
	return Recipient{kind: Age, age: r}, nil
}

// fileKeySize is the size of an age file key, as parseAge wraps one.
const fileKeySize = 16

// ageProblem says why s, which starts with "age1" but which
// age.ParseX25519Recipient refused, is not an X25519 recipient.
func ageProblem(s string) string {
	const want = "an age X25519 recipient is age1 followed by 58 lower-case letters and digits"
	prefix := s[:strings.LastIndex(s, "1")] // at least "age": s starts with "age1"
	switch {
	case s != strings.ToLower(s):
		// Bech32 allows all upper case, but age and SOPS do not.
		return "starts with age1 but has upper-case letters: " + want
	case strings.EqualFold(prefix, "age1pq"):
		return "is a post-quantum age recipient (age1pq1...), which is not supported here: " +
			"give an X25519 recipient (age1..., as age-keygen without -pq makes)"
	case prefix != "age" && len(s) != x25519RecipientLen:
		// Plugin and tag recipients (age1yubikey1..., age1tag1...) have a
		// longer prefix; an X25519 recipient with a mistyped "1" would still
		// be 62 characters long.
		kind := "an age recipient of another type"
		if len(prefix) <= 24 && !strings.ContainsFunc(prefix[len("age1"):], notPluginName) {
			kind = fmt.Sprintf("an age recipient of another type (%s1..., such as a plugin's)", prefix)
		}
		return "is " + kind + ": " + want
	case strings.ContainsFunc(s[len("age1"):], notBech32):
		return "has a character that Bech32 does not use (only lower-case letters and digits " +
			"other than 1, b, i and o follow age1): " + want
	case len(s) != x25519RecipientLen:
		return fmt.Sprintf("starts with age1 but is %d characters long, not %d: copy the whole recipient; %s",
			len(s), x25519RecipientLen, want)
	default:
		return "is not a valid age X25519 recipient: its Bech32 checksum does not match, " +
			"so a character was changed or mistyped; copy the recipient again"
	}
}

func notBech32(c rune) bool { return !strings.ContainsRune(bech32Charset, c) }

// notPluginName is false for the characters of a plugin's name as age's
// plugin recipients carry it ("yubikey", "tpm"), which is all ageProblem
// repeats of a value.
func notPluginName(c rune) bool { return (c < 'a' || c > 'z') && (c < '0' || c > '9') }

// sealAge encrypts plaintext for r as an ASCII-armored age file, the form
// age -d, SOPS and text files take. age.Encrypt draws its file key from
// crypto/rand.
func sealAge(r *age.X25519Recipient, plaintext []byte) (string, error) {
	var out strings.Builder
	armored := armor.NewWriter(&out)
	w, err := age.Encrypt(armored, r)
	if err != nil {
		return "", fmt.Errorf("seal: age: %w", err)
	}
	if _, err := w.Write(plaintext); err != nil {
		return "", fmt.Errorf("seal: age: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("seal: age: %w", err)
	}
	if err := armored.Close(); err != nil {
		return "", fmt.Errorf("seal: age armor: %w", err)
	}
	return out.String(), nil
}
