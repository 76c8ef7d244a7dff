package seal

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"filippo.io/age"
	"golang.org/x/crypto/curve25519"
)

// AcceptedIdentity names the identities ParseIdentity accepts, worded to
// follow "must be" or "an identity is".
const AcceptedIdentity = "an age X25519 identity (AGE-SECRET-KEY-1..., alone or as the key file age-keygen writes), " +
	"or the private key of a sealed-box pair in standard base64 (32 bytes, the form of its public key)"

// x25519IdentityLen is the length of an age X25519 identity:
// "AGE-SECRET-KEY-1", 52 Bech32 characters for the 32-byte key and 6 for
// the checksum.
const x25519IdentityLen = 74

// Identity is a private key that opens what Seal sealed for its recipient,
// as ParseIdentity returns it. The zero Identity opens nothing: Open returns
// an error.
type Identity struct {
	kind Kind
	box  *boxPair       // set for SealedBox
	age  []age.Identity // set for Age: each X25519 identity of a key file
}

// boxPair is a Curve25519 key pair; opening a sealed box takes both halves.
type boxPair struct{ public, private [32]byte }

// Kind is the kind of recipient whose sealed values i opens: SealedBox or
// Age.
func (i Identity) Kind() Kind { return i.kind }

// ParseIdentity reads a private key; its form follows from the value:
//
//   - an age X25519 identity, "AGE-SECRET-KEY-1..." as age-keygen prints it,
//     or the whole key file age-keygen writes: lines starting with "#" and
//     empty lines are skipped, and each other line is an identity (all are
//     tried when opening);
//   - anything else must be the standard base64 (with its "=" padding) of
//     the 32-byte private key of a Curve25519 pair, the form the pair's
//     public key takes as a recipient, for a libsodium sealed box.
//
// Surrounding whitespace is trimmed. Anything else is an error that says
// what the value looks like instead (a recipient, a PEM or SSH key, a hex
// key, ...) and names both accepted forms. The message never quotes the
// value: it is a private key, or was meant to be one.
func ParseIdentity(s string) (Identity, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Identity{}, invalidIdentity("is empty")
	case isAgeKeyFile(s):
		return parseAgeIdentities(s)
	}
	if problem := misplacedIdentity(s); problem != "" {
		return Identity{}, invalidIdentity(problem)
	}
	return parseBoxIdentity(s)
}

// invalidIdentity is ParseIdentity's error: what is wrong with the value,
// then what it should have been.
func invalidIdentity(problem string) error {
	return errors.New("the value " + problem + "; an identity is " + AcceptedIdentity)
}

// isAgeKeyFile reports whether s is meant as age identities: it starts with
// a comment line, as the file age-keygen writes does, or a line of it starts
// with "AGE-" (an identity, or an identity of another type, which
// ageIdentityProblem names).
func isAgeKeyFile(s string) bool {
	if strings.HasPrefix(s, "#") {
		return true
	}
	for line := range strings.Lines(s) {
		if hasPrefixFold(strings.TrimSpace(line), "AGE-") {
			return true
		}
	}
	return false
}

// parseAgeIdentities reads s as the lines of an age key file.
func parseAgeIdentities(s string) (Identity, error) {
	var ids []age.Identity
	lines := strings.Split(s, "\n")
	for n, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if problem := ageIdentityProblem(line); problem != "" {
			if len(lines) > 1 {
				problem = fmt.Sprintf("has a line (line %d) that %s", n+1, problem)
			}
			return Identity{}, invalidIdentity(problem)
		}
		id, err := age.ParseX25519Identity(line)
		if err != nil {
			// age's message may quote the line; say what is wrong without it.
			problem := "is not a valid age X25519 identity: its Bech32 checksum does not match, " +
				"so a character was changed or mistyped; copy the identity again"
			if len(lines) > 1 {
				problem = fmt.Sprintf("has a line (line %d) that %s", n+1, problem)
			}
			return Identity{}, invalidIdentity(problem)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return Identity{}, invalidIdentity("has only comment lines, no identity (AGE-SECRET-KEY-1...)")
	}
	return Identity{kind: Age, age: ids}, nil
}

// ageIdentityProblem says why line, a line of an age key file that is
// neither empty nor a comment, is not an X25519 identity as age-keygen
// writes it; "" when it may be one (its checksum is age's to check).
func ageIdentityProblem(line string) string {
	const want = "an age X25519 identity is AGE-SECRET-KEY-1 followed by 58 upper-case letters and digits"
	const prefix = "AGE-SECRET-KEY-1"
	switch {
	case hasPrefixFold(line, "AGE-SECRET-KEY-PQ-"):
		return "is a post-quantum age identity (AGE-SECRET-KEY-PQ-1...), which opens nothing sealed here: " +
			"values are sealed only for X25519 recipients"
	case hasPrefixFold(line, "AGE-PLUGIN-"):
		return "is an age plugin identity (AGE-PLUGIN-...), which is not supported here: " + want
	case !hasPrefixFold(line, prefix):
		return "is neither a comment (#...) nor an age identity: " + want
	case line != strings.ToUpper(line):
		return "starts with AGE-SECRET-KEY-1 but has lower-case letters: " + want
	case strings.ContainsFunc(strings.ToLower(line[len(prefix):]), notBech32):
		return "has a character that Bech32 does not use (only upper-case letters and digits other " +
			"than 1, B, I and O follow AGE-SECRET-KEY-1): " + want
	case len(line) != x25519IdentityLen:
		return fmt.Sprintf("starts with AGE-SECRET-KEY-1 but is %d characters long, not %d: copy the whole "+
			"identity; %s", len(line), x25519IdentityLen, want)
	}
	return ""
}

// misplacedIdentity recognizes values that are some other thing than an
// identity, checked before the sealed-box form because their mistake is
// the kind of thing pasted, not its encoding; "" when s is none of them.
func misplacedIdentity(s string) string {
	switch {
	case hasPrefixFold(s, "age1"):
		return "is an age recipient (age1...), a public key: give the identity it belongs to " +
			"(AGE-SECRET-KEY-1..., in the key file age-keygen wrote)"
	case strings.HasPrefix(s, "-----BEGIN AGE ENCRYPTED FILE-----"):
		return "is an age file, a sealed value, not a key"
	case strings.HasPrefix(s, "-----BEGIN"):
		return "is a PEM block (-----BEGIN ...), such as an SSH or PGP key, which is neither form"
	case isSSHKey(s):
		return "is an SSH public key, which is neither form"
	case strings.HasPrefix(s, "{"):
		return "is a JSON object: give the value of its private key field, not the whole document"
	case len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\''):
		return "is in quotes: give it without them"
	case strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return "has whitespace inside it: give one key, on one line"
	}
	return ""
}

// parseBoxIdentity reads s as the standard base64 of a 32-byte Curve25519
// private key, and derives its public key, which opening a sealed box also
// takes.
func parseBoxIdentity(s string) (Identity, error) {
	data, problem := decodeKeyBase64(s)
	if problem == "" && len(data) != 32 {
		problem = fmt.Sprintf("decodes to %d bytes, want 32", len(data))
	}
	if problem != "" {
		return Identity{}, invalidIdentity(problem)
	}
	pair := new(boxPair)
	copy(pair.private[:], data)
	public, err := curve25519.X25519(pair.private[:], curve25519.Basepoint)
	if err != nil {
		// Only a scalar that makes the all-zero point fails, and clamping
		// rules that out for the base point; kept for completeness.
		return Identity{}, invalidIdentity("is not a usable Curve25519 private key")
	}
	copy(pair.public[:], public)
	return Identity{kind: SealedBox, box: pair}, nil
}
