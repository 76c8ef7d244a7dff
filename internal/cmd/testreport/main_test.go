package main

import (
	"bytes"
	"strings"
	"testing"
)

// events builds go test -json lines.
func events(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

const (
	passA       = `{"Action":"pass","Package":"p","Test":"TestA"}`
	runFeature  = `{"Action":"output","Package":"p","Test":"TestFeature","Output":"=== RUN   TestFeature\n"}`
	whyFeature  = `{"Action":"output","Package":"p","Test":"TestFeature","Output":"    feature_test.go:12: Terraform 1.11.4 has no actions (needs 1.14.0 or later)\n"}`
	skipFeature = `{"Action":"skip","Package":"p","Test":"TestFeature"}`
	whyReal     = `{"Action":"output","Package":"p","Test":"TestAccReal_lifecycle","Output":"    real_test.go:24: set DOMAINTRUST_ACC_REAL=1\n"}`
	skipReal    = `{"Action":"skip","Package":"p","Test":"TestAccReal_lifecycle"}`
	passPackage = `{"Action":"pass","Package":"p"}`
)

func runReport(t *testing.T, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(input), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSkipsMustBeAllowed(t *testing.T) {
	input := events(passA, runFeature, whyFeature, skipFeature, whyReal, skipReal, passPackage)
	cases := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"every skip allowed", []string{"-allow-skip", "^TestAccReal_", "-allow-skip", ": Terraform [0-9.]+ has no "}, 0, nil},
		{"a feature skip on a CLI that has it", []string{"-label", "Terraform 1.16.4", "-allow-skip", "^TestAccReal_"}, 1,
			[]string{"Terraform 1.16.4: unexpected skip (this CLI should run it): TestFeature: Terraform 1.11.4 has no actions (needs 1.14.0 or later)"}},
		{"no pattern", nil, 1, []string{"unexpected skip (this CLI should run it): TestAccReal_lifecycle: set DOMAINTRUST_ACC_REAL=1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runReport(t, input, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
			}
			for _, w := range c.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if !strings.Contains(stdout, "1 passed, 0 failed, 2 skipped") {
				t.Errorf("stdout lacks the counts:\n%s", stdout)
			}
		})
	}
}

func TestFailuresAreShownAndFail(t *testing.T) {
	input := events(passA,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:3: want 1, got 2\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestB"}`,
		`{"Action":"fail","Package":"p"}`)
	checkFailsShowing(t, input, "--- FAIL: TestB (p)", "want 1, got 2", "1 passed, 1 failed, 0 skipped")
}

// checkFailsShowing runs the report on input and fails unless it exits 1
// with each of wants in its output.
func checkFailsShowing(t *testing.T, input string, wants ...string) {
	t.Helper()
	code, stdout, _ := runReport(t, input)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, w := range wants {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout)
		}
	}
}

// A package that fails without a failed test (build failure, panic in
// TestMain, timeout) fails the report and shows what go test printed.
func TestPackageFailureWithoutFailedTest(t *testing.T) {
	input := events(passA,
		`{"Action":"output","Package":"q","Output":"panic: test timed out after 40m0s\n"}`,
		`{"Action":"fail","Package":"q"}`,
		"# q [q.test]", "q/x_test.go:1:1: syntax error")
	checkFailsShowing(t, input, "--- FAIL: package q", "panic: test timed out", "syntax error")
}

func TestNoTestsIsAFailure(t *testing.T) {
	if code, _, stderr := runReport(t, "not json at all\n"); code != 1 || !strings.Contains(stderr, "no test passed") {
		t.Errorf("exit %d, stderr %q; want 1 and a complaint", code, stderr)
	}
}

func TestSubtestSkipReason(t *testing.T) {
	input := events(passA,
		`{"Action":"output","Package":"p","Test":"TestX/no_permission","Output":"=== RUN   TestX/no_permission\n"}`,
		`{"Action":"output","Package":"p","Test":"TestX/no_permission","Output":"    state_file_test.go:111: root reads any file\n"}`,
		`{"Action":"output","Package":"p","Test":"TestX/no_permission","Output":"--- SKIP: TestX/no_permission (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestX/no_permission"}`)
	code, stdout, stderr := runReport(t, input, "-allow-skip", `^TestX/no_permission: root reads any file$`)
	if code != 0 {
		t.Errorf("exit %d:\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "skipped: TestX/no_permission: root reads any file\n") {
		t.Errorf("stdout lacks the skip and its reason:\n%s", stdout)
	}
}

func TestBadPattern(t *testing.T) {
	if code, _, _ := runReport(t, "", "-allow-skip", "("); code != 2 {
		t.Errorf("exit %d, want 2 for a pattern that does not compile", code)
	}
}
