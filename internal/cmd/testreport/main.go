// Command testreport reads the output of `go test -json` (make test
// TESTFLAGS=-json) and says what CI needs to know of it: the output of every
// failed test, each skipped test with its reason, and one line of counts.
// It fails when a test failed, a package failed without a failed test (a
// build failure, a panic, a timeout), or a test skipped for a reason that no
// -allow-skip pattern matches: on a CLI that has every feature, a skip for
// want of one is a test that proves nothing.
//
//	testreport -label "Terraform 1.16.4" -allow-skip '^TestAccReal_' < test.json
//
// Each -allow-skip is a regular expression matched against "TestName: reason"
// (the reason being what the test gave t.Skip).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// patterns is a repeatable regular-expression flag.
type patterns []*regexp.Regexp

func (p *patterns) String() string { return fmt.Sprint(*p) }

func (p *patterns) Set(s string) error {
	re, err := regexp.Compile(s)
	if err != nil {
		return err
	}
	*p = append(*p, re)
	return nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("testreport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	label := fs.String("label", "make test", "what the run was, for the summary line")
	var allowed patterns
	fs.Var(&allowed, "allow-skip", `a regular expression; a skip whose "TestName: reason" it matches is expected (repeatable)`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rep, err := readReport(stdin)
	if err != nil {
		fmt.Fprintln(stderr, "testreport:", err)
		return 2
	}
	rep.failures(stdout)
	unexpected := rep.unexpectedSkips(allowed)
	for _, id := range rep.skipped {
		fmt.Fprintf(stdout, "skipped: %s: %s\n", id.name, rep.skipReason(id))
	}
	fmt.Fprintf(stdout, "%s: %s\n", *label, rep.summary())
	code := 0
	if len(rep.failed) > 0 || len(rep.failedPackages) > 0 {
		fmt.Fprintf(stderr, "testreport: %s: %d tests and %d packages failed\n", *label, len(rep.failed), len(rep.failedPackages))
		code = 1
	}
	if len(rep.passed) == 0 {
		fmt.Fprintf(stderr, "testreport: %s: no test passed: is this go test -json output?\n", *label)
		code = 1
	}
	for _, s := range unexpected {
		fmt.Fprintf(stderr, "testreport: %s: unexpected skip (this CLI should run it): %s\n", *label, s)
		code = 1
	}
	return code
}
