// Command bench measures what N domaintrust_api_key resources cost Terraform
// against N of its built-in terraform_data with the same inputs, and, given
// a baseline build of the provider, against that build: the same four steps
// (create, refresh with a plan, change every expiration, destroy) on each
// side, interleaved step by step so that other work on the machine hits every
// side alike. It serves the emulator itself, on loopback.
//
// It is driven by scripts/bench.sh (make bench), which builds the provider
// (and, with BENCH_BASELINE, the baseline) and this program. Settings come
// from the environment:
//
//	BENCH_NS           resource counts                       (default "100 500 1000")
//	BENCH_RUNS         runs per point; the median is reported (default 3)
//	BENCH_PARALLELISM  terraform -parallelism                (default 10, Terraform's default)
//
// The Markdown report goes to stdout, progress to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Getenv)
	stop()
	os.Exit(code)
}

// config is what one run measures.
type config struct {
	terraform string
	// binaries are the provider builds to measure by side name: "provider",
	// and "baseline" when one is given.
	binaries    map[string]string
	baseline    string // what the baseline was built from, for the report
	ns          []int
	runs        int
	parallelism int
}

func run(ctx context.Context, args []string, getenv func(string) string) int {
	cfg, err := parseConfig(args, getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	report, err := measure(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		if ctx.Err() != nil {
			return 130
		}
		return 1
	}
	fmt.Print(report)
	return 0
}

func parseConfig(args []string, getenv func(string) string) (config, error) {
	c := config{binaries: map[string]string{}}
	var provider, baseline string
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&c.terraform, "terraform", "terraform", "terraform binary")
	fs.StringVar(&provider, "provider", "", "provider binary to measure (required)")
	fs.StringVar(&baseline, "baseline", "", "a baseline build of the provider to compare with")
	fs.StringVar(&c.baseline, "baseline-name", "", "what the baseline was built from, for the report")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if provider == "" {
		return c, errors.New("-provider is required")
	}
	c.binaries[sideProvider] = provider
	if baseline != "" {
		c.binaries[sideBaseline] = baseline
	}
	var err error
	if c.ns, err = intsFrom(getenv("BENCH_NS"), []int{100, 500, 1000}); err != nil {
		return c, fmt.Errorf("BENCH_NS: %w", err)
	}
	runs, err := intsFrom(getenv("BENCH_RUNS"), []int{3})
	if err != nil || len(runs) != 1 {
		return c, fmt.Errorf("BENCH_RUNS: want one positive number, got %q", getenv("BENCH_RUNS"))
	}
	parallelism, err := intsFrom(getenv("BENCH_PARALLELISM"), []int{10})
	if err != nil || len(parallelism) != 1 {
		return c, fmt.Errorf("BENCH_PARALLELISM: want one positive number, got %q", getenv("BENCH_PARALLELISM"))
	}
	c.runs, c.parallelism = runs[0], parallelism[0]
	return c, nil
}

// intsFrom parses space-separated positive numbers; "" is def.
func intsFrom(s string, def []int) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return def, nil
	}
	var out []int
	for _, f := range strings.Fields(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}
