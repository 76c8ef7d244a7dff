// Package sealtest stands in, in tests, for the consumers that package seal
// seals secrets for: it makes a key pair of either kind, hands out its
// recipient, and opens sealed values the way GitHub (a libsodium sealed box
// in standard base64) and age (an ASCII-armored file) do.
//
// It does not import package seal, so that a test of seal's output checks
// it against the consumers' libraries and formats, not against seal itself.
package sealtest

import (
	"testing"
)

// Key is a private key of one kind with its recipient, for a test to seal
// for and then open what was sealed.
type Key struct {
	// Recipient is the public half, in the form a configuration gives it:
	// the standard base64 of a Curve25519 key, or an age "age1..." recipient.
	Recipient string
	// Identity is the private half, in the form domaintrust_unsealed_api_key
	// takes it: an age identity (AGE-SECRET-KEY-1...), or the standard base64
	// of a Curve25519 private key. A test keeps it out of what it prints.
	Identity string
	// Kind names the format, as seal.Kind does: "sealed box" or "age".
	Kind string

	open func(sealed string) ([]byte, error)
}

// TryOpen decrypts sealed, which must be in the exact form the consumer
// takes. Its error describes the sealed value (its length, what failed),
// never a plaintext, so a test may print it.
func (k *Key) TryOpen(sealed string) (string, error) {
	plaintext, err := k.open(sealed)
	if err != nil {
		return "", err
	}
	return string(plaintext), nil
}

// Open is TryOpen that fails the test when sealed does not open.
func (k *Key) Open(tb testing.TB, sealed string) string {
	tb.Helper()
	plaintext, err := k.TryOpen(sealed)
	if err != nil {
		tb.Fatalf("%s: %v", k.Kind, err)
	}
	return plaintext
}
