package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// testID names a test across packages.
type testID struct{ pkg, name string }

func (id testID) String() string { return id.name }

// report is what one `go test -json` run says: each test's outcome and
// output, and the packages that failed.
type report struct {
	passed, failed, skipped []testID
	output                  map[testID][]string
	failedPackages          []string
	packageOutput           map[string][]string
}

// readReport reads `go test -json` output. A line that is not an event (go
// test prints build failures that way) is kept as its package's output.
func readReport(r io.Reader) (*report, error) {
	rep := &report{output: map[testID][]string{}, packageOutput: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			rep.packageOutput[""] = append(rep.packageOutput[""], string(line)+"\n")
			continue
		}
		rep.add(ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading go test -json output: %w", err)
	}
	return rep, nil
}

func (rep *report) add(ev event) {
	id := testID{ev.Package, ev.Test}
	switch {
	case ev.Action == "output" && ev.Test != "":
		rep.output[id] = append(rep.output[id], ev.Output)
	case ev.Action == "output":
		rep.packageOutput[ev.Package] = append(rep.packageOutput[ev.Package], ev.Output)
	case ev.Test == "" && ev.Action == "fail":
		rep.failedPackages = append(rep.failedPackages, ev.Package)
	case ev.Test == "":
	case ev.Action == "pass":
		rep.passed = append(rep.passed, id)
	case ev.Action == "fail":
		rep.failed = append(rep.failed, id)
	case ev.Action == "skip":
		rep.skipped = append(rep.skipped, id)
	}
}

// fileLinePrefix is what t.Log and t.Skip put before a message.
var fileLinePrefix = regexp.MustCompile(`^\s*[\w.-]+\.go:\d+: `)

// skipReason is what a skipped test said: its own output, without the
// framework's === and --- lines and without file:line prefixes.
func (rep *report) skipReason(id testID) string {
	var parts []string
	for _, line := range rep.output[id] {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "=== ") || strings.HasPrefix(trimmed, "--- ") {
			continue
		}
		parts = append(parts, strings.TrimSpace(fileLinePrefix.ReplaceAllString(line, "")))
	}
	return strings.Join(parts, " ")
}

// unexpectedSkips lists the skipped tests, as "Name: reason", that no
// pattern of allowed matches.
func (rep *report) unexpectedSkips(allowed []*regexp.Regexp) []string {
	var out []string
	for _, id := range rep.skipped {
		line := id.name + ": " + rep.skipReason(id)
		if !matchesAny(allowed, line) {
			out = append(out, line)
		}
	}
	sort.Strings(out)
	return out
}

func matchesAny(patterns []*regexp.Regexp, s string) bool {
	for _, p := range patterns {
		if p.MatchString(s) {
			return true
		}
	}
	return false
}

// failures writes each failed test's output, and the output of each package
// that failed without a failed test (a build failure, a panic, a timeout).
func (rep *report) failures(w io.Writer) {
	withFailedTest := map[string]bool{}
	for _, id := range rep.failed {
		withFailedTest[id.pkg] = true
		fmt.Fprintf(w, "\n--- FAIL: %s (%s)\n%s", id.name, id.pkg, strings.Join(rep.output[id], ""))
	}
	for _, pkg := range rep.failedPackages {
		if !withFailedTest[pkg] {
			fmt.Fprintf(w, "\n--- FAIL: package %s\n%s", pkg, strings.Join(rep.packageOutput[pkg], ""))
		}
	}
	if len(rep.failedPackages) > 0 && len(rep.packageOutput[""]) > 0 {
		fmt.Fprintf(w, "\n--- go test printed:\n%s", strings.Join(rep.packageOutput[""], ""))
	}
}

// summary is the line CI prints for a run.
func (rep *report) summary() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", len(rep.passed), len(rep.failed), len(rep.skipped))
}
