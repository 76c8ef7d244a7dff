package seal_test

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
	"golang.org/x/crypto/nacl/box"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// parseIdentity is seal.ParseIdentity of an identity the test made; an
// error fails the test.
func parseIdentity(t *testing.T, identity string) seal.Identity {
	t.Helper()
	id, err := seal.ParseIdentity(identity)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestOpenRoundTrip: for both kinds, what Seal made for a recipient opens
// with its identity to the plaintext, whatever its length, with the
// whitespace a file or a copy adds around it.
func TestOpenRoundTrip(t *testing.T) {
	t.Parallel()
	for _, key := range []*sealtest.Key{sealtest.SealedBox(t), sealtest.Age(t)} {
		id := parseIdentity(t, key.Identity)
		if string(id.Kind()) != key.Kind {
			t.Fatalf("identity of kind %q, want %q", id.Kind(), key.Kind)
		}
		for i, sealed := range sealEach(t, parseRecipient(t, key.Recipient), plaintexts) {
			for _, value := range []string{sealed, sealed + "\n", "\n" + sealed + "  \n"} {
				got, err := id.Open(value)
				if err != nil || string(got) != plaintexts[i] {
					t.Errorf("%s: %d bytes opened to %d bytes, %v", key.Kind, len(plaintexts[i]), len(got), err)
				}
			}
			if kind, err := seal.SealedKind(sealed); err != nil || string(kind) != key.Kind {
				t.Errorf("%s: SealedKind = %q, %v", key.Kind, kind, err)
			}
		}
	}
}

// TestOpenWhatTheLibrariesSeal: Open takes what the consumers' libraries
// make, not only what Seal makes: a sealed box from nacl/box
// (crypto_box_seal) in standard base64, and an armored file from age,
// opened with a key file holding another identity first.
func TestOpenWhatTheLibrariesSeal(t *testing.T) {
	t.Parallel()
	const secret = "dt_test_Ui3Lk0Vq8Rb2Nm5Ws7Xe1Pa9Dc4Fh6Jg"

	public, private, err := box.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sealedBox, err := box.SealAnonymous(nil, []byte(secret), public, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseIdentity(t, base64.StdEncoding.EncodeToString(private[:])).Open(base64.StdEncoding.EncodeToString(sealedBox))
	if err != nil || string(got) != secret {
		t.Errorf("sealed box: opened to %d bytes, %v", len(got), err)
	}

	identity := newAgeIdentity(t)
	var file strings.Builder
	armored := armor.NewWriter(&file)
	w, err := age.Encrypt(armored, identity.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(secret)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := armored.Close(); err != nil {
		t.Fatal(err)
	}
	keyFile := ageKeyFile(newAgeIdentity(t)) + ageKeyFile(identity)
	got, err = parseIdentity(t, keyFile).Open(file.String())
	if err != nil || string(got) != secret {
		t.Errorf("age: opened to %d bytes, %v", len(got), err)
	}
}

// TestOpenRefuses: a value sealed for another key, for the other kind,
// altered, cut short, or not sealed at all does not open; the error says
// which of the two values is at fault (errors.Is), and holds neither the
// plaintext, nor the identity, nor the sealed value.
func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	const secret = "dt_live_3Kq9Zb7xWm2Pf5Rt8Vy1Lc4Nh6Jd0GsX"
	boxKey, ageKey := sealtest.SealedBox(t), sealtest.Age(t)
	sealFor := func(key *sealtest.Key) string {
		return sealEach(t, parseRecipient(t, key.Recipient), []string{secret})[0]
	}
	sealedBox, sealedAge := sealFor(boxKey), sealFor(ageKey)
	rawBox := mustDecode(t, sealedBox)
	altered := append([]byte(nil), rawBox...)
	altered[len(altered)-1] ^= 1
	lines := strings.Split(strings.TrimSuffix(sealedAge, "\n"), "\n")
	std := base64.StdEncoding.EncodeToString

	for _, c := range []struct {
		name, identity, sealed string
		class                  error
		want                   string
	}{
		{"box, for another key", boxKey.Identity, sealFor(sealtest.SealedBox(t)), seal.ErrWrongIdentity,
			"the sealed box does not open with this identity: it was sealed for another public key than this private key's, or it was altered or cut short"},
		{"box, opened with its public key", boxKey.Recipient, sealedBox, seal.ErrWrongIdentity, "does not open with this identity"},
		{"box, altered", boxKey.Identity, std(altered), seal.ErrWrongIdentity, "or it was altered or cut short"},
		{"box, cut to 60 bytes", boxKey.Identity, std(rawBox[:60]), seal.ErrWrongIdentity, "or it was altered or cut short"},
		{"box, cut to 47 bytes", boxKey.Identity, std(rawBox[:47]), seal.ErrDamaged,
			"the sealed value decodes to 47 bytes, fewer than the 48 that every sealed box has: it was cut short"},
		{"box, cut mid-character", boxKey.Identity, sealedBox[:len(sealedBox)-3], seal.ErrDamaged,
			"the sealed value is neither an armored age file nor the standard base64 of a sealed box"},
		{"box, a character changed", boxKey.Identity, sealedBox[:10] + "!" + sealedBox[11:], seal.ErrDamaged,
			"(from character 11 on): it was altered or cut short, or is not a sealed value"},
		{"box, with an age identity", ageKey.Identity, sealedBox, seal.ErrOtherKind,
			"the identity is an age identity, but the sealed value is a sealed box, sealed for a Curve25519 public key: it opens only with the private key of that pair"},
		{"age, for another identity", ageKey.Identity, sealFor(sealtest.Age(t)), seal.ErrWrongIdentity,
			"the age file does not open with this identity: it was sealed for another recipient than this identity's"},
		{"age, with a sealed-box key", boxKey.Identity, sealedAge, seal.ErrOtherKind,
			"the identity is the private key of a sealed-box pair, but the sealed value is an age file: it opens only with the age identity"},
		{"age, no footer", ageKey.Identity, strings.Join(lines[:len(lines)-1], "\n"), seal.ErrDamaged,
			"the sealed value is not a whole age file: it was altered or cut short"},
		{"age, cut short", ageKey.Identity, strings.Join(lines[:len(lines)-2], "\n") + "\n" + armor.Footer, seal.ErrDamaged, "it was altered or cut short"},
		{"age, header only", ageKey.Identity, armor.Header + "\n", seal.ErrDamaged, "is not a whole age file"},
		{"empty", ageKey.Identity, " \n", seal.ErrDamaged, "the sealed value is empty"},
		{"the identity given as the sealed value", ageKey.Identity, ageKey.Identity, seal.ErrDamaged,
			"the sealed value is an age identity (AGE-SECRET-KEY-...), a private key, not a sealed value"},
		{"a PEM block", ageKey.Identity, "-----BEGIN PGP MESSAGE-----\n\nhF4D\n-----END PGP MESSAGE-----", seal.ErrDamaged,
			"is a PEM block other than an age file"},
	} {
		got, err := parseIdentity(t, c.identity).Open(c.sealed)
		expectRefused(t, c.name, got, err, c.class, c.want, secret, c.identity, c.sealed)
	}
}

// expectRefused fails unless Open refused (got, err) with an error of class
// that says want, returned nothing, and quotes none of the values.
func expectRefused(t *testing.T, name string, got []byte, err, class error, want string, values ...string) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s: opened to %d bytes", name, len(got))
		return
	case !errors.Is(err, class):
		t.Errorf("%s: %q is not %q", name, err, class)
	case !strings.Contains(err.Error(), want):
		t.Errorf("%s: %q lacks %q", name, err, want)
	}
	for _, v := range values {
		if got != nil || len(longestQuoted(err.Error(), v)) > 20 {
			t.Errorf("%s: the result or the error holds a value: %q", name, err)
		}
	}
}

// TestOpenTruncatedAgeDropsPlaintext: an age file cut short decrypts its
// first chunks before it fails; that part of the plaintext is neither
// returned nor put in the error.
func TestOpenTruncatedAgeDropsPlaintext(t *testing.T) {
	t.Parallel()
	key := sealtest.Age(t)
	plaintext := strings.Repeat("dt_live_3Kq9Zb7xWm2Pf5Rt", 10000) // over 3 age chunks of 64 KiB
	sealed := sealEach(t, parseRecipient(t, key.Recipient), []string{plaintext})[0]
	lines := strings.Split(strings.TrimSuffix(sealed, "\n"), "\n")
	truncated := strings.Join(lines[:len(lines)/2], "\n") + "\n" + armor.Footer + "\n"
	got, err := parseIdentity(t, key.Identity).Open(truncated)
	if err == nil || !errors.Is(err, seal.ErrDamaged) {
		t.Fatalf("a truncated file opened to %d bytes, %v", len(got), err)
	}
	if got != nil || strings.Contains(err.Error(), plaintext[:8]) {
		t.Errorf("part of the plaintext escaped: %d bytes, error %q", len(got), err)
	}
}

// TestSealedKind: the kind follows from the form alone, before any
// identity is at hand; a value of neither form is refused as Open refuses it.
func TestSealedKind(t *testing.T) {
	t.Parallel()
	for _, key := range []*sealtest.Key{sealtest.SealedBox(t), sealtest.Age(t)} {
		sealed := sealEach(t, parseRecipient(t, key.Recipient), plaintexts[:1])[0]
		if kind, err := seal.SealedKind(sealed); err != nil || string(kind) != key.Kind {
			t.Errorf("%s: SealedKind = %q, %v", key.Kind, kind, err)
		}
	}
	for _, value := range []string{"", "p@ssw0rd", base64.StdEncoding.EncodeToString(make([]byte, 47)), sealtest.Age(t).Identity} {
		if kind, err := seal.SealedKind(value); err == nil || !errors.Is(err, seal.ErrDamaged) {
			t.Errorf("%d characters: kind %q, %v", len(value), kind, err)
		}
	}
}

// TestZeroIdentity: the zero Identity refuses to open rather than return
// something.
func TestZeroIdentity(t *testing.T) {
	t.Parallel()
	key := sealtest.SealedBox(t)
	sealed := sealEach(t, parseRecipient(t, key.Recipient), plaintexts[:1])[0]
	var id seal.Identity
	if got, err := id.Open(sealed); err == nil || got != nil || id.Kind() != "" {
		t.Fatalf("opened to %d bytes, err %v, kind %q", len(got), err, id.Kind())
	}
}
