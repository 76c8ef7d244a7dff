package release

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const (
	repoRoot = "../.."
	// testVersion is the tag the release test builds: any plain version
	// works, as its copy of the repository has no other tag.
	testVersion = "0.1.0"
	// goreleaserModfile pins GoReleaser: the tools module of its own that
	// the release workflow and make release run it from.
	goreleaserModfile = "tools/goreleaser/go.mod"
)

// TestReleaseInstalls builds a release as the release workflow does, with
// the pinned GoReleaser and a throwaway signing key, short of publishing
// it; checks the files it would publish; serves them over the Provider
// Registry Protocol on loopback HTTPS; and installs them with each CLI of
// RELEASE_TEST_CLIS: signature verified, a tampered release refused, and
// the installed provider applying and destroying a key against the
// emulator. RELEASE_TARGETS limits the platforms built (os_arch, separated
// by spaces or commas; "all" or empty builds every one), for CI's time; the
// release workflow builds them all.
func TestReleaseInstalls(t *testing.T) {
	if os.Getenv("RELEASE_TEST") == "" {
		t.Skip("make release-check runs it (RELEASE_TEST=1): it builds a release with GoReleaser")
	}
	clis := releaseCLIs(t)
	work := t.TempDir()
	targets := releaseTargets(t)
	keyring := testKeyring(t)
	key := generateKey(t, keyring, "Domain Trust release test")
	other := generateKey(t, keyring, "Not the release key")

	src := copySource(t, filepath.Join(work, "src"), targets)
	files := buildRelease(t, src, keyring, key)
	want := Expected{Type: "domaintrust", Version: testVersion, Platforms: targets, Protocols: []string{"6.0"}}
	if errs := Check(files, want, verifierOf(t, key)); len(errs) > 0 {
		t.Fatalf("the release would not install:\n%v", errors.Join(errs...))
	}
	t.Logf("published, checked and signed by key ID %s: %q", key.KeyID, sortedKeys(files.Paths))
	checkSumsByHand(t, files, want)

	rel := releaseUnderTest{files: files, want: want, key: key, otherKey: other, emulator: startEmulator(t, work)}
	for _, c := range clis {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			started := time.Now()
			installCases(t, c, rel)
			t.Logf("%s: every install case in %s", c.label, time.Since(started).Round(time.Second))
		})
	}
}

// releaseTargets are the platforms to build: RELEASE_TARGETS, or every
// platform .goreleaser.yml builds when it is "all" or empty. They must
// include this machine's, which the CLIs install.
func releaseTargets(t *testing.T) []string {
	t.Helper()
	all := configTargets(t)
	targets := strings.FieldsFunc(os.Getenv("RELEASE_TARGETS"), func(r rune) bool { return r == ',' || r == ' ' })
	if len(targets) == 0 || slices.Equal(targets, []string{"all"}) {
		targets = all
	}
	for _, target := range targets {
		if !slices.Contains(all, target) {
			t.Fatalf("RELEASE_TARGETS names %s, which .goreleaser.yml does not build (it builds %q)", target, all)
		}
	}
	if here := runtime.GOOS + "_" + runtime.GOARCH; !slices.Contains(targets, here) {
		t.Fatalf("RELEASE_TARGETS %q lacks %s, this machine's platform, which the CLIs install", targets, here)
	}
	slices.Sort(targets)
	return targets
}

// copySource copies the work tree's files (tracked, and untracked but not
// ignored) to dst and makes it a repository of one commit tagged
// v<testVersion>: GoReleaser builds from a clean tagged checkout, and its
// dist/ stays in the test's own directory. With fewer targets than the
// configuration builds, the copy's .goreleaser.yml builds just those.
func copySource(t *testing.T, dst string, targets []string) string {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		copyFile(t, filepath.Join(repoRoot, name), filepath.Join(dst, name))
	}
	if !slices.Equal(targets, configTargets(t)) {
		limitTargets(t, filepath.Join(dst, ".goreleaser.yml"), targets)
	}
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dst}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Release test", "GIT_AUTHOR_EMAIL=release-test@example.invalid", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
			"GIT_COMMITTER_NAME=Release test", "GIT_COMMITTER_EMAIL=release-test@example.invalid", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "release test")
	git("tag", "v"+testVersion)
	// GoReleaser reads the GitHub repository from the remote's URL; it never connects.
	git("remote", "add", "origin", "https://github.com/domaintrust/terraform-provider-domaintrust.git")
	return dst
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	info, err := os.Lstat(src)
	if errors.Is(err, os.ErrNotExist) {
		return // deleted in the work tree
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if info.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(src)
		if err == nil {
			err = os.Symlink(target, dst)
		}
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(src)
	if err == nil {
		err = os.WriteFile(dst, raw, info.Mode().Perm())
	}
	if err != nil {
		t.Fatal(err)
	}
}

// limitTargets makes the configuration's build produce only targets
// (GoReleaser's builds.targets, which overrides goos, goarch and ignore).
func limitTargets(t *testing.T, config string, targets []string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(readFile(t, config), &doc); err != nil {
		t.Fatal(err)
	}
	build := mappingValue(doc.Content[0], "builds")
	if build == nil || len(build.Content) != 1 {
		t.Fatalf("%s: want exactly one build", config)
	}
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, target := range targets {
		list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: target})
	}
	build.Content[0].Content = append(build.Content[0].Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "targets"}, list)
	raw, err := yaml.Marshal(&doc)
	if err == nil {
		err = os.WriteFile(config, raw, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func mappingValue(mapping *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		if mapping.Content[i].Value == key {
			return mapping.Content[i+1]
		}
	}
	return nil
}

// buildRelease runs `goreleaser release --clean --skip=publish` in src, as
// the release workflow runs it (which publishes too), with the pinned
// GoReleaser, signing with key, and returns what it would publish.
func buildRelease(t *testing.T, src string, keyring *Keyring, key Key) Files {
	t.Helper()
	started := time.Now()
	cmd := exec.CommandContext(t.Context(), "go", "tool", "-modfile="+goreleaserModfile, "goreleaser", "release", "--clean", "--skip=publish")
	cmd.Dir = src
	tmp := filepath.Join(filepath.Dir(src), "goreleaser-tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "GNUPGHOME="+keyring.Home(), "GPG_FINGERPRINT="+key.Fingerprint, "TMPDIR="+tmp)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("goreleaser release: %v\n%s", err, out)
	}
	version, _ := exec.Command("go", "list", "-modfile="+filepath.Join(src, goreleaserModfile), "-m", "-f", "{{.Version}}", "github.com/goreleaser/goreleaser/v2").Output()
	t.Logf("GoReleaser %s built and signed the release in %s", strings.TrimSpace(string(version)), time.Since(started).Round(time.Second))
	files, err := Published(filepath.Join(src, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	if files.Version != testVersion {
		t.Fatalf("GoReleaser built version %q, want %q", files.Version, testVersion)
	}
	return files
}

// checkSumsByHand runs the checksum command .github/RELEASING.md gives
// users, in the directory of the zips: each zip must be OK.
func checkSumsByHand(t *testing.T, files Files, want Expected) {
	t.Helper()
	sums := files.Path(want.prefix() + "SHA256SUMS")
	cmd := exec.Command("sha256sum", "-c", "--ignore-missing", sums)
	cmd.Dir = filepath.Dir(files.Path(want.prefix() + want.Platforms[0] + ".zip"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sha256sum -c --ignore-missing %s: %v\n%s", filepath.Base(sums), err, out)
	}
	for _, platform := range want.Platforms {
		if line := want.prefix() + platform + ".zip: OK"; !strings.Contains(string(out), line) {
			t.Errorf("sha256sum -c does not say %q:\n%s", line, out)
		}
	}
}

// emulatorProcess is the emulator command, running.
type emulatorProcess struct {
	endpoint, apiKey string
}

// startEmulator builds internal/cmd/domaintrust-emulator and starts it on
// a loopback port of its own until the test ends.
func startEmulator(t *testing.T, work string) emulatorProcess {
	t.Helper()
	bin := filepath.Join(work, "domaintrust-emulator")
	build := exec.Command("go", "build", "-o", bin, "./internal/cmd/domaintrust-emulator")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build the emulator: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	lines := readLines(stdout, 2, 30*time.Second)
	var emu emulatorProcess
	for _, line := range lines {
		if v, ok := strings.CutPrefix(line, "DOMAINTRUST_ENDPOINT="); ok {
			emu.endpoint = v
		}
		if v, ok := strings.CutPrefix(line, "DOMAINTRUST_API_KEY="); ok {
			emu.apiKey = v
		}
	}
	if emu.endpoint == "" || emu.apiKey == "" {
		t.Fatalf("the emulator did not print DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY (it printed %d lines)", len(lines))
	}
	return emu
}
