package seal

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"golang.org/x/crypto/nacl/box"
)

// What went wrong when a sealed value did not open, for errors.Is: which of
// the two values, the sealed one or the identity, is at fault. Every error
// of SealedKind and Open wraps one of them.
var (
	// ErrDamaged: the sealed value is not one Seal makes, or it was altered
	// or cut short.
	ErrDamaged = errors.New("the sealed value is damaged")
	// ErrOtherKind: the identity is of the other kind than the sealed value
	// (an age identity for a sealed box, or the reverse).
	ErrOtherKind = errors.New("the identity is of the other kind")
	// ErrWrongIdentity: the value was sealed for another recipient than the
	// identity's. Where the format cannot tell the two apart (a sealed box
	// that was altered), this includes a value altered since it was sealed.
	ErrWrongIdentity = errors.New("the sealed value does not open with this identity")
)

// openError is an error of SealedKind or Open: its text, which never holds
// the plaintext, the identity or the sealed value, and its class.
type openError struct {
	class error
	text  string
}

func (e *openError) Error() string { return e.text }
func (e *openError) Unwrap() error { return e.class }

func damaged(problem string) error { return &openError{ErrDamaged, "the sealed value " + problem} }

// SealedKind says which kind of recipient the sealed value was sealed for,
// from its form: an ASCII-armored age file is Age, the standard base64 of
// at least a sealed box's overhead is SealedBox. Surrounding whitespace is
// ignored. Anything else is an error that wraps ErrDamaged and says what the
// value looks like instead.
func SealedKind(sealed string) (Kind, error) {
	kind, _, err := sealedForm(sealed)
	return kind, err
}

// sealedForm is SealedKind with the value to open: for a sealed box the
// box's bytes, for age the armored file with its final newline.
func sealedForm(sealed string) (Kind, []byte, error) {
	s := strings.TrimSpace(sealed)
	switch {
	case s == "":
		return "", nil, damaged("is empty")
	case strings.HasPrefix(s, armor.Header):
		return Age, []byte(s + "\n"), nil
	case hasPrefixFold(s, "AGE-SECRET-KEY-"):
		return "", nil, damaged("is an age identity (AGE-SECRET-KEY-...), a private key, not a sealed value")
	case strings.HasPrefix(s, "-----BEGIN"):
		return "", nil, damaged("is a PEM block other than an age file (" + armor.Header + ")")
	}
	data, err := base64.StdEncoding.Strict().DecodeString(s)
	var corrupt base64.CorruptInputError
	switch {
	case errors.As(err, &corrupt):
		return "", nil, damaged(fmt.Sprintf("is neither an armored age file nor the standard base64 of a sealed "+
			"box (from character %d on): it was altered or cut short, or is not a sealed value", int64(corrupt)+1))
	case err != nil:
		return "", nil, damaged("is neither an armored age file nor the standard base64 of a sealed box")
	case len(data) < box.AnonymousOverhead:
		return "", nil, damaged(fmt.Sprintf("decodes to %d bytes, fewer than the %d that every sealed box has: "+
			"it was cut short", len(data), box.AnonymousOverhead))
	}
	return SealedBox, data, nil
}

// Open decrypts sealed, as Seal made it for the recipient of i, and returns
// the plaintext. The error, which wraps ErrDamaged, ErrOtherKind or
// ErrWrongIdentity, never holds the plaintext, the identity or the sealed
// value; a plaintext read in part before a failure is dropped.
func (i Identity) Open(sealed string) ([]byte, error) {
	kind, data, err := sealedForm(sealed)
	if err != nil {
		return nil, err
	}
	if err := i.CanOpen(kind); err != nil {
		return nil, err
	}
	if kind == SealedBox {
		return openBox(i.box, data)
	}
	return openAge(i.age, data)
}

// CanOpen says, as Open would, whether i is of the kind that opens values
// sealed for a recipient of kind (SealedKind tells it): nil, or an error
// that wraps ErrOtherKind.
func (i Identity) CanOpen(kind Kind) error {
	switch {
	case i.kind == "":
		return errNoIdentity
	case kind != i.kind:
		return otherKind(i.kind)
	}
	return nil
}

var errNoIdentity = errors.New("seal: no identity (the zero Identity); use ParseIdentity")

// otherKind is the error for an identity of kind given a value sealed for
// the other kind.
func otherKind(identity Kind) error {
	text := "the identity is an age identity, but the sealed value is a sealed box, sealed for a Curve25519 " +
		"public key: it opens only with the private key of that pair"
	if identity == SealedBox {
		text = "the identity is the private key of a sealed-box pair, but the sealed value is an age file: " +
			"it opens only with the age identity (AGE-SECRET-KEY-1...) of the recipient it was sealed for"
	}
	return &openError{ErrOtherKind, text}
}

// openBox opens a libsodium sealed box (crypto_box_seal_open). A box sealed
// for another key and one altered since fail alike: the box's MAC does not
// tell them apart.
func openBox(pair *boxPair, data []byte) ([]byte, error) {
	plaintext, ok := box.OpenAnonymous(nil, data, &pair.public, &pair.private)
	if !ok {
		return nil, &openError{ErrWrongIdentity, "the sealed box does not open with this identity: it was " +
			"sealed for another public key than this private key's, or it was altered or cut short"}
	}
	return plaintext, nil
}

// openAge opens an ASCII-armored age file with any of ids.
func openAge(ids []age.Identity, armored []byte) ([]byte, error) {
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(string(armored))), ids...)
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch):
		return nil, &openError{ErrWrongIdentity, "the age file does not open with this identity: it was " +
			"sealed for another recipient than this identity's (or its header was altered)"}
	case err != nil:
		// age's and the armor's messages may quote lines of the file; none
		// is repeated.
		return nil, damaged("is not a whole age file: it was altered or cut short")
	}
	plaintext, err := io.ReadAll(r)
	if err != nil {
		// What was read so far is plaintext: drop it, keep only the error.
		return nil, damaged("is not a whole age file: it was altered or cut short")
	}
	return plaintext, nil
}
