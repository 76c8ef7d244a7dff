package release

import (
	"archive/zip"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeWant is the release the fixtures make: GoReleaser's layout for three
// platforms.
var fakeWant = Expected{
	Type:      "domaintrust",
	Version:   "1.2.3",
	Platforms: []string{"darwin_arm64", "linux_amd64", "windows_amd64"},
	Protocols: []string{"6.0"},
}

// testKeyring returns a keyring of the test's own, in a short temporary
// path (gpg-agent's socket lives in it), whose agent stops with the test.
func testKeyring(t *testing.T) *Keyring {
	t.Helper()
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg is not on PATH (apt-get install gnupg): these tests sign and verify with it")
	}
	dir, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := NewKeyring(filepath.Join(dir, "h"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := keyring.Close(); err != nil {
			t.Error(err)
		}
		_ = os.RemoveAll(dir)
	})
	return keyring
}

func generateKey(t *testing.T, keyring *Keyring, name string) Key {
	t.Helper()
	key, err := keyring.GenerateKey(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// verifierOf returns a verify function for Check that trusts key alone.
func verifierOf(t *testing.T, key Key) func(sig, data string) error {
	t.Helper()
	verifying := testKeyring(t)
	if err := verifying.Import(t.Context(), key.PublicArmor); err != nil {
		t.Fatal(err)
	}
	return func(sig, data string) error { return verifying.Verify(t.Context(), sig, data) }
}

// fakeRelease writes a release as GoReleaser lays it out for want, signed
// by key: per platform a zip holding a stand-in binary (its OS's executable
// header), the license and the files of extra; the manifest; SHA256SUMS of
// the zips and the manifest; its detached signature.
func fakeRelease(t *testing.T, keyring *Keyring, key Key, want Expected, extra map[string]string) Files {
	t.Helper()
	dir := t.TempDir()
	files := Files{Version: want.Version, Paths: map[string]string{}}
	add := func(name string, content []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		files.Paths[name] = path
		return path
	}
	var sums strings.Builder
	for _, platform := range want.Platforms {
		goos, _, _ := strings.Cut(platform, "_")
		entries := map[string]string{want.binary(platform): string(executableMagic[goos]) + "provider", "LICENSE": "MPL-2.0"}
		for name, content := range extra {
			entries[name] = content
		}
		name := want.prefix() + platform + ".zip"
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(writeZip(t, add(name, nil), entries, want.binary(platform))), name)
	}
	manifest := `{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}` + "\n"
	add(want.prefix()+"manifest.json", []byte(manifest))
	fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256([]byte(manifest)), want.prefix()+"manifest.json")
	sumsPath := add(want.prefix()+"SHA256SUMS", []byte(sortLines(sums.String())))
	if err := keyring.Sign(t.Context(), key.Fingerprint, sumsPath); err != nil {
		t.Fatal(err)
	}
	files.Paths[want.prefix()+"SHA256SUMS.sig"] = sumsPath + ".sig"
	return files
}

// writeZip writes a zip of entries, the one named executable with mode
// 0755, to path and returns its bytes.
func writeZip(t *testing.T, path string, entries map[string]string, executable string) []byte {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	for _, name := range sortedKeys(entries) {
		header := &zip.FileHeader{Name: name, Method: zip.Deflate}
		header.SetMode(0o644)
		if name == executable {
			header.SetMode(0o755)
		}
		entry, err := w.CreateHeader(header)
		if err == nil {
			_, err = entry.Write([]byte(entries[name]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func sortLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}
