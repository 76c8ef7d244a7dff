package sealtest_test

import (
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age/armor"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal/sealtest"
)

// secret is 40 bytes, so that its box (88 bytes) has padding in base64.
const secret = "dt_live_3Kq9Zb7xWm2Pf5Rt8Vy1Lc4Nh6Jd0GsX"

func sealFor(t *testing.T, key *sealtest.Key, plaintext string) string {
	t.Helper()
	r, err := seal.ParseRecipient(key.Recipient)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := r.Seal([]byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

// TestTryOpenRefuses: what is not exactly a value sealed for the key, in
// the consumer's format, does not open, and the error names no plaintext.
func TestTryOpenRefuses(t *testing.T) {
	t.Parallel()
	box, ageKey := sealtest.SealedBox(t), sealtest.Age(t)
	sealedAge := sealFor(t, ageKey, secret)
	// A box whose standard base64 holds a + or a /, so that its URL-safe
	// form differs from it: a box is random, and about 1 in 100 has neither.
	var sealedBox string
	for !strings.ContainsAny(sealedBox, "+/") {
		sealedBox = sealFor(t, box, secret)
	}
	rawBox, err := base64.StdEncoding.DecodeString(sealedBox)
	if err != nil {
		t.Fatal(err)
	}
	altered := append([]byte(nil), rawBox...)
	altered[len(altered)-1] ^= 1
	for _, c := range []struct {
		name   string
		key    *sealtest.Key
		sealed string
		want   string
	}{
		{"box, for another key", box, sealFor(t, sealtest.SealedBox(t), secret), "does not open with this key"},
		{"box, altered", box, base64.StdEncoding.EncodeToString(altered), "does not open with this key"},
		{"box, URL-safe base64", box, base64.URLEncoding.EncodeToString(rawBox), "is not standard base64"},
		{"box, unpadded", box, base64.RawStdEncoding.EncodeToString(rawBox), "is not standard base64"},
		{"box, a line break", box, sealedBox[:10] + "\n" + sealedBox[10:], "is not one line of standard base64"},
		{"box, too short", box, base64.StdEncoding.EncodeToString(rawBox[:47]), "47 bytes are too few for a sealed box (at least 48)"},
		{"box, an age file", box, sealedAge, "is not one line of standard base64"},
		{"age, for another identity", ageKey, sealFor(t, sealtest.Age(t), secret), "does not open with this identity"},
		{"age, not armored", ageKey, sealedBox, "does not start with the line " + armor.Header},
		{"age, leading space", ageKey, " " + sealedAge, "does not start with the line"},
		{"age, no footer", ageKey, strings.TrimSuffix(sealedAge, armor.Footer+"\n"), "the age file does not decrypt"},
	} {
		got, err := c.key.TryOpen(c.sealed)
		if err == nil {
			t.Errorf("%s: opened to %d bytes", c.name, len(got))
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %q lacks %q", c.name, err, c.want)
		}
		if strings.Contains(err.Error(), secret) || got != "" {
			t.Errorf("%s: the plaintext escaped", c.name)
		}
	}
}

// TestTryOpenTruncatedAge: an age file cut short decrypts its first chunks
// before it fails; that part of the plaintext is dropped, not returned or
// put in the error.
func TestTryOpenTruncatedAge(t *testing.T) {
	t.Parallel()
	key := sealtest.Age(t)
	plaintext := strings.Repeat(secret, 5000) // over 3 age chunks of 64 KiB
	sealed := sealFor(t, key, plaintext)
	lines := strings.Split(strings.TrimSuffix(sealed, "\n"), "\n")
	truncated := strings.Join(lines[:len(lines)/2], "\n") + "\n" + armor.Footer + "\n"
	got, err := key.TryOpen(truncated)
	if err == nil {
		t.Fatalf("a truncated file opened to %d bytes", len(got))
	}
	if got != "" || strings.Contains(err.Error(), secret[:8]) {
		t.Errorf("part of the plaintext escaped: %d bytes, error %q", len(got), err)
	}
}

// TestOpenFails: Open fails the test on a value that does not open, with a
// message that names the kind and no plaintext.
func TestOpenFails(t *testing.T) {
	t.Parallel()
	for _, key := range []*sealtest.Key{sealtest.SealedBox(t), sealtest.Age(t)} {
		other := sealtest.SealedBox(t)
		if key.Kind == "sealed box" {
			other = sealtest.Age(t)
		}
		sealed := sealFor(t, other, secret)
		rec := &recorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			rec.opened = key.Open(rec, sealed)
		}()
		<-done
		if !rec.failed || rec.opened != "" {
			t.Errorf("%s: Open of another kind's value did not fail the test", key.Kind)
		}
		if !strings.HasPrefix(rec.message, key.Kind+": ") || strings.Contains(rec.message, secret) {
			t.Errorf("%s: message %q", key.Kind, rec.message)
		}
	}
}

// recorder is a testing.TB whose Fatalf records the failure and ends the
// goroutine, as testing's does, instead of failing the real test.
type recorder struct {
	testing.TB
	failed  bool
	message string
	opened  string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.message = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}
