package seal

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"
)

// keyEncoding reads and writes a sealed-box public key: standard base64 with
// padding, as GitHub's API gives it. Strict refuses a last character whose
// unused bits are set, so that every accepted key has one spelling (String).
var keyEncoding = base64.StdEncoding.Strict()

// parseSealedBox reads s as the standard base64 of a 32-byte Curve25519
// public key.
func parseSealedBox(s string) (Recipient, error) {
	key, problem := decodeSealedBoxKey(s)
	if problem != "" {
		return Recipient{}, invalid(problem)
	}
	return Recipient{kind: SealedBox, box: key}, nil
}

func decodeSealedBoxKey(s string) (*[32]byte, string) {
	data, problem := decodeKeyBase64(s)
	if problem != "" {
		return nil, problem
	}
	if isSSHWireKey(data) {
		return nil, "is the base64 of an SSH public key, which is neither form"
	}
	if len(data) != 32 {
		return nil, fmt.Sprintf("decodes to %d bytes, want 32", len(data))
	}
	key := new([32]byte)
	copy(key[:], data)
	// box.SealAnonymous does not refuse a low-order point (all zeros, among
	// others): every sender then derives the same shared key, and anyone
	// could open the box. curve25519.X25519 refuses such points, and with any
	// scalar (it clamps them) refuses only those.
	if _, err := curve25519.X25519(lowOrderProbe[:], key[:]); err != nil {
		return nil, "is not a usable Curve25519 public key (a low-order point, such as all zeros)"
	}
	return key, ""
}

// decodeKeyBase64 reads s as the standard base64 of a 32-byte key, the form
// of both halves of a sealed-box pair, and says what else it looks like when
// it is not base64; the length is the caller's to check.
func decodeKeyBase64(s string) ([]byte, string) {
	if len(s) == 2*32 && isHex(s) {
		// 64 hexadecimal digits are valid base64 too (of 48 bytes): say what
		// they most likely are.
		return nil, "is 64 hexadecimal digits, a key in hex: give it in standard base64 " +
			"(xxd -r -p | base64 converts it)"
	}
	data, err := keyEncoding.DecodeString(s)
	if err != nil {
		if decodesTo32(base64.RawStdEncoding, s) {
			return nil, "lacks the = that ends the standard base64 of 32 bytes: copy the whole key"
		}
		if decodesTo32(base64.URLEncoding, s) || decodesTo32(base64.RawURLEncoding, s) {
			return nil, "is URL-safe base64 (with - or _), not standard base64 (with + and / instead)"
		}
		var corrupt base64.CorruptInputError
		if errors.As(err, &corrupt) {
			return nil, fmt.Sprintf("is not standard base64 (from character %d on)", int64(corrupt)+1)
		}
		return nil, "is not standard base64"
	}
	return data, ""
}

// lowOrderProbe is the scalar decodeSealedBoxKey multiplies a key by; which
// one does not matter (see there), as long as it is fixed.
var lowOrderProbe = [32]byte{1}

func decodesTo32(enc *base64.Encoding, s string) bool {
	data, err := enc.DecodeString(s)
	return err == nil && len(data) == 32
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// isSSHWireKey recognizes the base64 part of an OpenSSH public key alone
// ("AAAAC3NzaC1lZDI1NTE5..."): it starts with the length-prefixed name of
// its algorithm.
func isSSHWireKey(data []byte) bool {
	if len(data) < 4 {
		return false
	}
	n := int(data[0])<<24 | int(data[1])<<16 | int(data[2])<<8 | int(data[3])
	if n <= 0 || n > 64 || len(data) < 4+n {
		return false
	}
	return isSSHKey(string(data[4 : 4+n]))
}

func sealedBoxString(key *[32]byte) string { return keyEncoding.EncodeToString(key[:]) }

// sealBox seals plaintext for key as a libsodium sealed box
// (crypto_box_seal) and returns its standard base64, what GitHub's
// encrypted_value takes: len(plaintext)+box.AnonymousOverhead bytes.
func sealBox(key *[32]byte, plaintext []byte) (string, error) {
	sealed, err := box.SealAnonymous(nil, plaintext, key, rand.Reader)
	if err != nil {
		return "", fmt.Errorf("seal: sealed box: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sealed), nil
}
