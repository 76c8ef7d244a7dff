package sealtest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/nacl/box"
)

// SealedBox makes a Curve25519 key pair, as a GitHub repository has; its
// Recipient is the public key in standard base64, as GitHub's API gives it.
func SealedBox(tb testing.TB) *Key {
	tb.Helper()
	public, private, err := box.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatalf("sealed box key: %v", err)
	}
	return &Key{
		Recipient: base64.StdEncoding.EncodeToString(public[:]),
		Identity:  base64.StdEncoding.EncodeToString(private[:]),
		Kind:      "sealed box",
		open:      func(sealed string) ([]byte, error) { return openBox(sealed, public, private) },
	}
}

// openBox opens sealed as GitHub would: one line of standard base64,
// padded, of a sealed box (crypto_box_seal_open).
func openBox(sealed string, public, private *[32]byte) ([]byte, error) {
	// Go's decoder skips line breaks; the value is to be one line.
	if strings.ContainsAny(sealed, "\r\n") {
		return nil, fmt.Errorf("a value of %d characters is not one line of standard base64", len(sealed))
	}
	data, err := base64.StdEncoding.Strict().DecodeString(sealed)
	if err != nil {
		return nil, fmt.Errorf("a value of %d characters is not standard base64: %w", len(sealed), err)
	}
	if len(data) < box.AnonymousOverhead {
		return nil, fmt.Errorf("%d bytes are too few for a sealed box (at least %d)", len(data), box.AnonymousOverhead)
	}
	plaintext, ok := box.OpenAnonymous(nil, data, public, private)
	if !ok {
		return nil, errors.New("the sealed box does not open with this key: sealed for another key, or altered")
	}
	return plaintext, nil
}
