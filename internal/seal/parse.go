package seal

import (
	"errors"
	"strings"
	"unicode"
)

// ParseRecipient reads a recipient; its format follows from the value:
//
//   - "age1..." is an age X25519 recipient (age.ParseX25519Recipient), in
//     lower case as age-keygen prints it and age and SOPS take it;
//   - anything else must be the standard base64 (with its "=" padding) of a
//     32-byte Curve25519 public key, as GitHub's "get a repository public
//     key" API returns it, for a libsodium sealed box.
//
// Surrounding whitespace is trimmed: keys are copied from JSON, web pages and
// terminals, and a trailing newline is no part of either format. Whitespace
// inside the value is not: it means two keys, or one broken across lines.
//
// Anything else is an error that says what the value looks like instead
// (an age identity, an SSH or PEM key, a hex key, JSON, ...) and names both
// accepted forms. The message never quotes the value: what was pasted by
// mistake may be a private key, and errors end up in logs.
func ParseRecipient(s string) (Recipient, error) {
	s = strings.TrimSpace(s)
	if problem := misplaced(s); problem != "" {
		return Recipient{}, invalid(problem)
	}
	if hasPrefixFold(s, "age1") {
		return parseAge(s)
	}
	return parseSealedBox(s)
}

// invalid is ParseRecipient's error: what is wrong with the value, then
// what it should have been.
func invalid(problem string) error {
	return errors.New("the value " + problem + "; a recipient is " + Accepted)
}

// misplaced recognizes values that are some other thing than a recipient,
// checked before either format because their mistake is the kind of thing
// pasted, not its encoding; "" when s is none of them.
func misplaced(s string) string {
	switch {
	case s == "":
		return "is empty"
	case hasPrefixFold(s, "AGE-SECRET-KEY-"):
		return "is an age identity (AGE-SECRET-KEY-...), a private key: give its recipient instead, " +
			"which age-keygen -y prints, and keep the identity out of the configuration"
	case hasPrefixFold(s, "AGE-PLUGIN-"):
		return "is an age plugin identity (AGE-PLUGIN-...): give its recipient instead"
	case strings.HasPrefix(s, "-----BEGIN"):
		firstLine, _, _ := strings.Cut(s, "\n")
		if strings.Contains(firstLine, "PRIVATE") {
			return "is a private key in PEM form (-----BEGIN ... PRIVATE KEY-----): " +
				"keep it out of the configuration; neither form of recipient is PEM"
		}
		return "is a PEM block (-----BEGIN ...), such as an SSH, PGP or X.509 key or an age file, which is neither form"
	case isSSHKey(s):
		return "is an SSH public key, which is neither form"
	case strings.HasPrefix(s, "{"):
		return `is a JSON object: give the value of its "key" field, not the whole response`
	case len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\''):
		return "is in quotes: give it without them"
	case strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return "has whitespace inside it: give one key, on one line"
	}
	return ""
}

// sshKeyPrefixes begin the algorithm names of OpenSSH public keys
// ("ssh-ed25519 AAAA...", "ecdsa-sha2-nistp256 AAAA...", and the security
// key variants "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-...").
var sshKeyPrefixes = []string{"ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-sha2-"}

func isSSHKey(s string) bool {
	for _, p := range sshKeyPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
