package sealtest

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// Age makes an age X25519 identity; its Recipient is the "age1..."
// recipient, as age-keygen prints it.
func Age(tb testing.TB) *Key {
	tb.Helper()
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		tb.Fatalf("age identity: %v", err)
	}
	return &Key{
		Recipient: identity.Recipient().String(),
		Identity:  identity.String(),
		Kind:      "age",
		open:      func(sealed string) ([]byte, error) { return openAge(sealed, identity) },
	}
}

// openAge opens sealed as age -d would an armored file, but insists on the
// armor: a binary age file is not what the seal promises.
func openAge(sealed string, identity *age.X25519Identity) ([]byte, error) {
	if !strings.HasPrefix(sealed, armor.Header+"\n") {
		return nil, fmt.Errorf("a value of %d characters does not start with the line %s", len(sealed), armor.Header)
	}
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(sealed)), identity)
	if err != nil {
		return nil, fmt.Errorf("the age file does not open with this identity: %w", err)
	}
	plaintext, err := io.ReadAll(r)
	if err != nil {
		// What was read so far is plaintext: drop it, keep only the error.
		return nil, fmt.Errorf("the age file does not decrypt: %w", err)
	}
	return plaintext, nil
}
