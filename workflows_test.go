package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	usesLine = regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s*(.*)$`)
	// pinnedAction is an action pinned to a full commit SHA, with the
	// release it is in a comment, as Dependabot updates them.
	pinnedAction = regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$`)
)

// TestWorkflowActionsPinned: every action the workflows use is pinned to a
// commit SHA (a tag can be moved to other code), with its version in a
// comment. actionlint (make actionlint) checks the rest of the workflows.
func TestWorkflowActionsPinned(t *testing.T) {
	files, err := filepath.Glob(".github/workflows/*.yml")
	if err != nil || len(files) < 2 {
		t.Fatalf("found %d workflows (%v); want release.yml and test.yml at least", len(files), err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		uses := usesLine.FindAllStringSubmatch(string(raw), -1)
		if len(uses) == 0 {
			t.Errorf("%s uses no action: the pattern is broken", file)
		}
		for _, m := range uses {
			if ref := strings.TrimSpace(m[1]); !strings.HasPrefix(ref, "./") && !pinnedAction.MatchString(ref) {
				t.Errorf("%s: uses: %s is not pinned as owner/action@<40-hex SHA> # vX.Y.Z", file, ref)
			}
		}
	}
}
