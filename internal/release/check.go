package release

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Expected is what a release of a provider must publish.
type Expected struct {
	// Type is the provider's type: "domaintrust".
	Type    string
	Version string
	// Platforms are the os_arch pairs built, such as linux_amd64.
	Platforms []string
	// Protocols are the plugin protocols its manifest must name.
	Protocols []string
}

func (e Expected) prefix() string { return "terraform-provider-" + e.Type + "_" + e.Version + "_" }

// binary is the name of the provider's executable in each zip.
func (e Expected) binary(platform string) string {
	name := "terraform-provider-" + e.Type + "_v" + e.Version
	if strings.HasPrefix(platform, "windows_") {
		name += ".exe"
	}
	return name
}

// Check returns every way the published files differ from the release the
// Terraform Registry accepts and the CLIs install
// (https://developer.hashicorp.com/terraform/registry/providers/publishing):
// the file names, each zip holding the binary and the license only,
// SHA256SUMS listing exactly the zips and the manifest with their checksums,
// its detached signature, and the manifest's protocols. verify checks a
// detached signature (its first argument) of a file (the second).
func Check(files Files, want Expected, verify func(sig, data string) error) []error {
	errs := checkNames(files, want)
	sumsName := want.prefix() + "SHA256SUMS"
	if path := files.Path(sumsName); path != "" {
		errs = append(errs, checkSums(files, want, path)...)
		if sig := files.Path(sumsName + ".sig"); sig != "" {
			if err := verify(sig, path); err != nil {
				errs = append(errs, fmt.Errorf("%s.sig is not a good signature of %s: %w", sumsName, sumsName, err))
			}
		}
	}
	for _, platform := range want.Platforms {
		if path := files.Path(want.prefix() + platform + ".zip"); path != "" {
			errs = append(errs, checkZip(path, want, platform)...)
		}
	}
	if path := files.Path(want.prefix() + "manifest.json"); path != "" {
		manifest, err := readManifest(path)
		if err == nil && (manifest.Version != 1 || !slices.Equal(manifest.Metadata.ProtocolVersions, want.Protocols)) {
			err = fmt.Errorf("version %d and protocol_versions %q, want version 1 and %q", manifest.Version, manifest.Metadata.ProtocolVersions, want.Protocols)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%smanifest.json: %w", want.prefix(), err))
		}
	}
	return errs
}

// expectedNames are the names of every file the release publishes.
func expectedNames(want Expected) []string {
	names := []string{want.prefix() + "SHA256SUMS", want.prefix() + "SHA256SUMS.sig", want.prefix() + "manifest.json"}
	for _, platform := range want.Platforms {
		names = append(names, want.prefix()+platform+".zip")
	}
	slices.Sort(names)
	return names
}

func checkNames(files Files, want Expected) []error {
	var errs []error
	expected := expectedNames(want)
	for _, name := range expected {
		if files.Path(name) == "" {
			errs = append(errs, fmt.Errorf("the release does not publish %s", name))
		}
	}
	for _, name := range sortedKeys(files.Paths) {
		if !slices.Contains(expected, name) {
			errs = append(errs, fmt.Errorf("the release publishes %s, which is none of %q", name, expected))
		}
	}
	return errs
}

// checkSums checks that SHA256SUMS lists exactly the zips and the manifest,
// each with its file's checksum.
func checkSums(files Files, want Expected, path string) []error {
	sums, err := readSums(path)
	if err != nil {
		return []error{err}
	}
	var errs []error
	listed := want.prefix() + "SHA256SUMS"
	var expected []string
	for _, name := range expectedNames(want) {
		if strings.HasSuffix(name, ".zip") || strings.HasSuffix(name, "_manifest.json") {
			expected = append(expected, name)
		}
	}
	if got := sortedKeys(sums); !slices.Equal(got, expected) {
		errs = append(errs, fmt.Errorf("%s lists %q, want exactly %q", listed, got, expected))
	}
	for _, name := range expected {
		if sums[name] == "" || files.Path(name) == "" {
			continue
		}
		got, err := fileSHA256(files.Path(name))
		if err != nil {
			errs = append(errs, err)
		} else if got != sums[name] {
			errs = append(errs, fmt.Errorf("%s gives %s for %s, but the file's SHA-256 is %s", listed, sums[name], name, got))
		}
	}
	return errs
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path) //nolint:gosec // a file of the release under test
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// executableMagic are the first bytes of each OS's executables.
var executableMagic = map[string][]byte{
	"linux":   {0x7f, 'E', 'L', 'F'},
	"freebsd": {0x7f, 'E', 'L', 'F'},
	"darwin":  {0xcf, 0xfa, 0xed, 0xfe}, // Mach-O 64-bit, little-endian
	"windows": {'M', 'Z'},
}

// checkZip checks that a zip holds the provider's binary for its platform,
// executable, and the license: nothing else (no README, CHANGELOG or test file).
func checkZip(path string, want Expected, platform string) []error {
	name := want.prefix() + platform + ".zip"
	r, err := zip.OpenReader(path)
	if err != nil {
		return []error{fmt.Errorf("%s: %w", name, err)}
	}
	defer r.Close()
	var errs []error
	binary := want.binary(platform)
	var entries []string
	for _, f := range r.File {
		entries = append(entries, f.Name)
		if f.Name == binary {
			errs = append(errs, checkBinary(name, f, platform)...)
		}
	}
	slices.Sort(entries)
	if wantEntries := []string{"LICENSE", binary}; !slices.Equal(entries, wantEntries) {
		errs = append(errs, fmt.Errorf("%s holds %q, want exactly %q", name, entries, wantEntries))
	}
	return errs
}

func checkBinary(zipName string, f *zip.File, platform string) []error {
	var errs []error
	goos, _, _ := strings.Cut(platform, "_")
	if goos != "windows" && f.Mode().Perm()&0o111 == 0 {
		errs = append(errs, fmt.Errorf("%s: %s is not executable (mode %v)", zipName, f.Name, f.Mode()))
	}
	rc, err := f.Open()
	if err != nil {
		return append(errs, fmt.Errorf("%s: %s: %w", zipName, f.Name, err))
	}
	defer rc.Close()
	head := make([]byte, 4)
	if _, err := io.ReadFull(rc, head); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return append(errs, fmt.Errorf("%s: %s: %w", zipName, f.Name, err))
	}
	if magic, known := executableMagic[goos]; known && !bytes.HasPrefix(head, magic) {
		errs = append(errs, fmt.Errorf("%s: %s is not a %s executable (starts % x)", zipName, f.Name, goos, head))
	}
	return errs
}

// manifest is terraform-registry-manifest.json, as published.
type manifest struct {
	Version  int `json:"version"`
	Metadata struct {
		ProtocolVersions []string `json:"protocol_versions"`
	} `json:"metadata"`
}

func readManifest(path string) (manifest, error) {
	var m manifest
	err := readJSON(path, &m)
	return m, err
}
