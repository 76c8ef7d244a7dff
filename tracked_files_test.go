package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// maxTrackedFileSize bounds what a source repository should carry; the
// largest file we keep on purpose is a few hundred kilobytes.
const maxTrackedFileSize = 1 << 20

// executableMagic are the first bytes of the executable formats Go builds:
// ELF, Mach-O (32/64-bit, both byte orders, universal) and PE.
var executableMagic = [][]byte{
	{0x7f, 'E', 'L', 'F'},
	{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf},
	{0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe},
	{0xca, 0xfe, 0xba, 0xbe},
	{'M', 'Z'},
}

// TestNoBuildOutputsTracked fails when git tracks an executable binary or a
// file over 1 MiB: build outputs belong in .gitignore, not in every clone.
func TestNoBuildOutputsTracked(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout (git ls-files: %v)", err)
	}
	names := strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	if len(names) < 10 {
		t.Fatalf("git ls-files listed %d files; expected the repository's", len(names))
	}
	for _, name := range names {
		if problem := buildOutputProblem(name); problem != "" {
			t.Errorf("%s is tracked but %s: remove it (git rm --cached) and add it to .gitignore", name, problem)
		}
	}
}

// buildOutputProblem says why a file must not be tracked, or "" when it may.
func buildOutputProblem(name string) string {
	info, err := os.Lstat(name)
	if err != nil || !info.Mode().IsRegular() {
		return "" // deleted in the work tree, or a symlink
	}
	if info.Size() > maxTrackedFileSize {
		return "larger than 1 MiB"
	}
	f, err := os.Open(name)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := f.Read(head)
	for _, magic := range executableMagic {
		if n >= len(magic) && bytes.Equal(head[:len(magic)], magic) {
			return "an executable binary"
		}
	}
	return ""
}

func TestBuildOutputProblem(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, content []byte) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]struct {
		content []byte
		bad     bool
	}{
		"elf":    {append([]byte{0x7f, 'E', 'L', 'F'}, make([]byte, 100)...), true},
		"macho":  {[]byte{0xcf, 0xfa, 0xed, 0xfe, 0, 0}, true},
		"pe":     {[]byte("MZ\x90\x00"), true},
		"large":  {bytes.Repeat([]byte("a"), maxTrackedFileSize+1), true},
		"source": {[]byte("package main\n"), false},
		"empty":  {nil, false},
	}
	for name, c := range cases {
		if got := buildOutputProblem(write(name, c.content)); (got != "") != c.bad {
			t.Errorf("%s: buildOutputProblem = %q, want a problem: %v", name, got, c.bad)
		}
	}
}
