package release

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// cli is a Terraform or OpenTofu binary the release test installs with.
type cli struct {
	path, label string
	openTofu    bool
}

// versionLine is how a CLI names itself in its version command's output.
var versionLine = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v[0-9][^\s]*`)

// releaseCLIs are the CLIs of RELEASE_TEST_CLIS (paths separated by spaces).
func releaseCLIs(t *testing.T) []cli {
	t.Helper()
	var clis []cli
	for _, path := range strings.Fields(os.Getenv("RELEASE_TEST_CLIS")) {
		out, err := exec.Command(path, "version").Output()
		name := versionLine.FindString(string(out))
		if err != nil || name == "" {
			t.Fatalf("RELEASE_TEST_CLIS: %s version: %v: %s", path, err, out)
		}
		clis = append(clis, cli{path: path, label: strings.ReplaceAll(name, " ", "_"), openTofu: strings.HasPrefix(name, "OpenTofu")})
	}
	if len(clis) == 0 {
		t.Fatal("RELEASE_TEST_CLIS names no Terraform or OpenTofu binary to install the release with")
	}
	return clis
}

// releaseUnderTest is what each CLI's cases install and use.
type releaseUnderTest struct {
	files         Files
	want          Expected
	key, otherKey Key
	emulator      emulatorProcess
}

// installCases installs the release with c, and refuses it tampered.
func installCases(t *testing.T, c cli, rel releaseUnderTest) {
	t.Run("installs, locks every platform, applies and destroys", func(t *testing.T) {
		installAndApply(t, c, rel)
	})
	sums := rel.want.prefix() + "SHA256SUMS"
	sigLine := fmt.Sprintf("%x  %s.sig\n", sha256.Sum256(readFile(t, rel.files.Path(sums+".sig"))), sums)
	here := rel.want.prefix() + runtime.GOOS + "_" + runtime.GOARCH + ".zip"
	refusals := map[string]struct {
		registry *Registry
		says     string
	}{
		"a zip changed after signing": {
			registry: &Registry{Alter: map[string]func([]byte) []byte{here: func(b []byte) []byte { return append(b, 0) }}},
			says:     "archive has incorrect checksum",
		},
		"a signature by a key other than the registry's": {
			registry: &Registry{SigningKey: rel.otherKey},
			says:     "authentication signature from unknown issuer",
		},
		"SHA256SUMS changed after signing (GoReleaser 2.15.0 and 2.15.1)": {
			registry: &Registry{Alter: map[string]func([]byte) []byte{sums: func(b []byte) []byte { return append(b, sigLine...) }}},
			says:     "openpgp: invalid signature",
		},
	}
	for name, r := range refusals {
		t.Run("refuses "+name, func(t *testing.T) {
			refuse(t, c, rel, r.registry, r.says)
		})
	}
}

// workspace is a configuration that requires the provider from the
// registry at host, with a CLI configuration of its own (no dev_overrides,
// no plugin cache) and a TMPDIR of its own.
type workspace struct {
	dir string
	env []string
}

func newWorkspace(t *testing.T, host string, certPEM []byte, rel releaseUnderTest) workspace {
	t.Helper()
	root := t.TempDir()
	ws := workspace{dir: filepath.Join(root, "config")}
	for _, dir := range []string{ws.dir, filepath.Join(root, "home"), filepath.Join(root, "tmp")} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	config := fmt.Sprintf(`terraform {
  required_providers {
    domaintrust = {
      source  = "%s/domaintrust/domaintrust"
      version = "%s"
    }
  }
}

provider "domaintrust" {}

resource "domaintrust_api_key" "release" {
  environment = "testing"
  description = "Installed from a release"
  rotation = {
    period        = "2160h"
    rotate_before = "336h"
  }
}

output "id" {
  value = domaintrust_api_key.release.id
}
`, host, rel.want.Version)
	writeFile(t, filepath.Join(ws.dir, "main.tf"), config)
	writeFile(t, filepath.Join(root, "cli.tfrc"), "")
	writeFile(t, filepath.Join(root, "registry.pem"), string(certPEM))
	ws.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(root, "home"),
		"TMPDIR=" + filepath.Join(root, "tmp"),
		"TF_CLI_CONFIG_FILE=" + filepath.Join(root, "cli.tfrc"),
		"SSL_CERT_FILE=" + filepath.Join(root, "registry.pem"),
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"DOMAINTRUST_ENDPOINT=" + rel.emulator.endpoint,
		"DOMAINTRUST_API_KEY=" + rel.emulator.apiKey,
	}
	return ws
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// run runs the CLI in the workspace, within five minutes, and returns what
// it printed. The output never holds a secret: the emulator's key is in the
// environment only, and the created key's value is sensitive.
func (ws workspace) run(t *testing.T, c cli, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.path, args...)
	cmd.Dir, cmd.Env = ws.dir, ws.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (ws workspace) mustRun(t *testing.T, c cli, args ...string) string {
	t.Helper()
	out, err := ws.run(t, c, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", c.label, strings.Join(args, " "), err, out)
	}
	return out
}

// startRegistry serves the release as r says (its SigningKey and Alter), at
// a port of its own.
func startRegistry(t *testing.T, rel releaseUnderTest, r *Registry) (string, []byte) {
	t.Helper()
	served := *r
	served.Namespace, served.Type, served.Files = "domaintrust", rel.want.Type, rel.files
	if served.SigningKey.KeyID == "" {
		served.SigningKey = rel.key
	}
	return serveRegistry(t, &served)
}

// readLines reads up to n lines from r, for at most timeout.
func readLines(r io.Reader, n int, timeout time.Duration) []string {
	got := make(chan []string, 1)
	go func() {
		var lines []string
		scanner := bufio.NewScanner(r)
		for len(lines) < n && scanner.Scan() {
			lines = append(lines, scanner.Text())
		}
		got <- lines
	}()
	select {
	case lines := <-got:
		return lines
	case <-time.After(timeout):
		return nil
	}
}

// refuse checks that init fails on the release r serves, saying why, and
// installs nothing.
func refuse(t *testing.T, c cli, rel releaseUnderTest, r *Registry, says string) {
	t.Helper()
	host, certPEM := startRegistry(t, rel, r)
	ws := newWorkspace(t, host, certPEM, rel)
	out, err := ws.run(t, c, "init", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("%s init installed the provider:\n%s", c.label, out)
	}
	if !strings.Contains(out, says) {
		t.Errorf("%s init failed without saying %q:\n%s", c.label, says, out)
	}
	if binary := ws.installed(host, rel.want); fileExists(binary) {
		t.Errorf("%s init left the provider installed: %s", c.label, binary)
	}
	t.Logf("%s refused it:\n%s", c.label, lastLines(out, 8))
}

// installed is where init installs the provider's binary for this machine.
func (ws workspace) installed(host string, want Expected) string {
	platform := runtime.GOOS + "_" + runtime.GOARCH
	return filepath.Join(ws.dir, ".terraform", "providers", host, "domaintrust", want.Type, want.Version, platform, want.binary(platform))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// installAndApply installs the release from the registry, checks that the
// CLI verified its signature and runs the very binary of the zip, locks
// every platform built, and applies and destroys a key with it.
func installAndApply(t *testing.T, c cli, rel releaseUnderTest) {
	host, certPEM := startRegistry(t, rel, &Registry{})
	ws := newWorkspace(t, host, certPEM, rel)
	out := ws.mustRun(t, c, "init", "-input=false", "-no-color")
	installed := fmt.Sprintf("Installed %s/domaintrust/domaintrust v%s (", host, rel.want.Version)
	if !strings.Contains(out, installed) || !strings.Contains(out, "key ID "+rel.key.KeyID) {
		t.Fatalf("%s init does not say %q ... key ID %s):\n%s", c.label, installed, rel.key.KeyID, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, installed) {
			t.Logf("%s: %s", c.label, strings.TrimSpace(line))
		}
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	binary := ws.installed(host, rel.want)
	if !bytes.Equal(readFile(t, binary), zipEntry(t, rel.files.Path(rel.want.prefix()+platform+".zip"), rel.want.binary(platform))) {
		t.Fatalf("%s installed %s, which is not the binary of the release's zip", c.label, binary)
	}

	args := []string{"providers", "lock"}
	for _, p := range rel.want.Platforms {
		args = append(args, "-platform="+p)
	}
	ws.mustRun(t, c, args...)
	lock := string(readFile(t, filepath.Join(ws.dir, ".terraform.lock.hcl")))
	sums, err := readSums(rel.files.Path(rel.want.prefix() + "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rel.want.Platforms {
		if zh := "zh:" + sums[rel.want.prefix()+p+".zip"]; !strings.Contains(lock, zh) {
			t.Errorf("%s providers lock: .terraform.lock.hcl lacks %s (%s):\n%s", c.label, zh, p, lock)
		}
	}

	ws.mustRun(t, c, "apply", "-input=false", "-no-color", "-auto-approve")
	id := strings.TrimSpace(ws.mustRun(t, c, "output", "-raw", "id"))
	expectKey(t, rel.emulator, id, http.StatusOK)
	ws.mustRun(t, c, "destroy", "-input=false", "-no-color", "-auto-approve")
	expectKey(t, rel.emulator, id, http.StatusNotFound)
}

// expectKey checks the emulator's answer to GET /keys/{id}.
func expectKey(t *testing.T, emu emulatorProcess, id string, want int) {
	t.Helper()
	if id == "" {
		t.Fatal("the configuration's id output is empty")
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, emu.endpoint+"/keys/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+emu.apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Errorf("the emulator answers GET /keys/%s with %d, want %d", id, resp.StatusCode, want)
	}
}

func zipEntry(t *testing.T, path, name string) []byte {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := r.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
