package release

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// appendSignatureSum does what GoReleaser v2.15.0 and v2.15.1 did (their
// issue 6514): add a line for the signature to SHA256SUMS after signing it,
// so that the signature no longer matches the file the CLIs download.
func appendSignatureSum(t *testing.T, files Files, want Expected) {
	t.Helper()
	sums := files.Path(want.prefix() + "SHA256SUMS")
	sig, err := os.ReadFile(sums + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(sums, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "%x  %sSHA256SUMS.sig\n", sha256.Sum256(sig), want.prefix()); err != nil {
		t.Fatal(err)
	}
}

func TestCheck_goodRelease(t *testing.T) {
	t.Parallel()
	keyring := testKeyring(t)
	key := generateKey(t, keyring, "Release")
	files := fakeRelease(t, keyring, key, fakeWant, nil)
	if errs := Check(files, fakeWant, verifierOf(t, key)); len(errs) > 0 {
		t.Fatalf("a release in the registry's layout failed the check:\n%v", errors.Join(errs...))
	}
}

// checkDefect is a release with a defect, and what the check must say of it.
type checkDefect struct {
	extraInZips map[string]string
	signer      Key
	change      func(t *testing.T, files Files)
	want        []string
}

// checkDefects are the defects a release has had, or could have; other is
// a key that is not the release key.
func checkDefects(other Key) map[string]checkDefect {
	rewriteZip := func(platform string, entries map[string]string, executable string) func(*testing.T, Files) {
		return func(t *testing.T, files Files) {
			writeZip(t, files.Path(fakeWant.prefix()+platform+".zip"), entries, executable)
		}
	}
	bin := fakeWant.binary("linux_amd64")
	return map[string]checkDefect{
		"GoReleaser 2.15: SHA256SUMS changed after signing": {
			change: func(t *testing.T, files Files) { appendSignatureSum(t, files, fakeWant) },
			want:   []string{"SHA256SUMS.sig is not a good signature", "lists"},
		},
		"GoReleaser's default archive files: readme_test.go in every zip": {
			extraInZips: map[string]string{"readme_test.go": "package main", "README.md": "#", "CHANGELOG.md": "#"},
			want:        []string{"linux_amd64.zip holds", "windows_amd64.zip holds", "darwin_arm64.zip holds"},
		},
		"signed by another key": {signer: other, want: []string{"is not a good signature"}},
		"a zip changed after its checksum": {
			change: rewriteZip("linux_amd64", map[string]string{"LICENSE": "", bin: "\x7fELF"}, bin),
			want:   []string{"for terraform-provider-domaintrust_1.2.3_linux_amd64.zip, but the file's SHA-256 is"},
		},
		"a platform missing, a file too many": {
			change: func(t *testing.T, files Files) {
				files.Paths[fakeWant.prefix()+"SHA256SUMS.pem"] = files.Path(fakeWant.prefix() + "manifest.json")
				delete(files.Paths, fakeWant.prefix()+"windows_amd64.zip")
			},
			want: []string{"does not publish terraform-provider-domaintrust_1.2.3_windows_amd64.zip", "publishes terraform-provider-domaintrust_1.2.3_SHA256SUMS.pem"},
		},
		"a manifest of protocol 5": {
			change: func(t *testing.T, files Files) {
				manifest := `{"version": 1, "metadata": {"protocol_versions": ["5.0"]}}`
				if err := os.WriteFile(files.Path(fakeWant.prefix()+"manifest.json"), []byte(manifest), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{`protocol_versions ["5.0"]`},
		},
		"a linux binary that is not executable": {
			change: rewriteZip("linux_amd64", map[string]string{"LICENSE": "", bin: "\x7fELF"}, ""),
			want:   []string{"terraform-provider-domaintrust_v1.2.3 is not executable"},
		},
		"a binary of another OS": {
			change: rewriteZip("darwin_arm64", map[string]string{"LICENSE": "", bin: "\x7fELF"}, bin),
			want:   []string{"terraform-provider-domaintrust_v1.2.3 is not a darwin executable"},
		},
	}
}

// TestCheck_defects: each defect fails the check with an error that names it.
func TestCheck_defects(t *testing.T) {
	t.Parallel()
	keyring := testKeyring(t)
	key := generateKey(t, keyring, "Release")
	verify := verifierOf(t, key)
	for name, c := range checkDefects(generateKey(t, keyring, "Someone else")) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			signer := key
			if c.signer.Fingerprint != "" {
				signer = c.signer
			}
			files := fakeRelease(t, keyring, signer, fakeWant, c.extraInZips)
			if c.change != nil {
				c.change(t, files)
			}
			got := errors.Join(Check(files, fakeWant, verify)...)
			if got == nil {
				t.Fatal("the check passed")
			}
			for _, want := range c.want {
				if !strings.Contains(got.Error(), want) {
					t.Errorf("no error says %q; the errors:\n%v", want, got)
				}
			}
		})
	}
}
