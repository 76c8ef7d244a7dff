// Package seal encrypts a secret for the one consumer that is meant to read
// it, so that the provider can keep the ciphertext (in state, in a plan) and
// never the secret. It takes the two kinds of public key that the consumers
// of API keys take secrets sealed for: a Curve25519 key for a libsodium
// sealed box (GitHub Actions, Dependabot and Codespaces secrets) and an age
// X25519 recipient (age and SOPS files).
//
// It also opens what it sealed, given the recipient's private key
// (ParseIdentity, Identity.Open): for a consumer that needs the secret
// itself for a moment, such as the ephemeral resource that hands a key to a
// secret manager's write-only argument.
//
// No cryptography is written here: sealing and opening are
// golang.org/x/crypto/nacl/box and filippo.io/age, with randomness from
// crypto/rand.
package seal

import (
	"errors"

	"filippo.io/age"
)

// Kind names a kind of recipient in messages and documentation.
type Kind string

const (
	// SealedBox is a libsodium sealed box for a Curve25519 public key.
	SealedBox Kind = "sealed box"
	// Age is an age file for an age X25519 recipient.
	Age Kind = "age"
)

// Accepted names the recipients ParseRecipient accepts, worded to follow
// "must be" or "a recipient is" in a message or a description.
const Accepted = "a base64 Curve25519 public key of 32 bytes, for a libsodium sealed box " +
	"(as GitHub's \"get a repository public key\" API returns it), or an age X25519 recipient (age1...)"

// Recipient is a public key to seal secrets for, as ParseRecipient returns
// it. The zero Recipient seals nothing: Seal returns an error.
type Recipient struct {
	kind Kind
	box  *[32]byte            // set for SealedBox
	age  *age.X25519Recipient // set for Age
}

// Kind is the kind of r: SealedBox or Age.
func (r Recipient) Kind() Kind { return r.kind }

// String is r in its canonical form, which ParseRecipient reads back as r:
// standard base64 for a sealed box, the Bech32 "age1..." form for age.
// Values that differ only in surrounding whitespace have the same String:
// compare Strings, not the values given, to tell whether a recipient changed.
func (r Recipient) String() string {
	switch r.kind {
	case SealedBox:
		return sealedBoxString(r.box)
	case Age:
		return r.age.String()
	default:
		return ""
	}
}

// Seal encrypts plaintext for r and returns the text to store and hand to
// the consumer: for a sealed box the standard base64 of the box (what
// GitHub's encrypted_value takes), for age an ASCII-armored age file
// ("-----BEGIN AGE ENCRYPTED FILE-----"). Each call seals with fresh
// randomness, so sealing the same plaintext twice gives different texts.
// Errors never contain the plaintext.
func (r Recipient) Seal(plaintext []byte) (string, error) {
	switch r.kind {
	case SealedBox:
		return sealBox(r.box, plaintext)
	case Age:
		return sealAge(r.age, plaintext)
	default:
		return "", errNoRecipient
	}
}

var errNoRecipient = errors.New("seal: no recipient (the zero Recipient); use ParseRecipient")
