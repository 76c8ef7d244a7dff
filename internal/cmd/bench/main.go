// Command bench measures the provider against two floors: the same four steps
// (create N keys, refresh them with a plan, change every expiration, destroy)
// on N domaintrust_api_key resources, on N built-in terraform_data resources
// with equivalent inputs (Terraform's own floor) and on N resources of a
// minimal terraform-plugin-framework provider (the framework floor, see
// floor.go), interleaved step by step so that noise from other work on the
// machine hits every side alike.
//
// It is driven by scripts/bench.sh (make bench), which builds the provider,
// the emulator and this program. Settings come from the environment:
//
//	BENCH_NS            resource counts of the main pass       (default "100 500 1000")
//	BENCH_RUNS          runs per point; the median is reported  (default 3)
//	BENCH_PARALLELISM   terraform -parallelism                  (default 10, Terraform's default)
//	BENCH_REFRESH       refresh during the update and destroy steps (default false)
//	BENCH_LATENCY       emulator latency of the second pass; 0 skips it (default 50ms)
//	BENCH_LATENCY_NS    resource counts of the latency pass     (default "500 1000")
//	BENCH_LATENCY_RUNS  runs per point of the latency pass      (default BENCH_RUNS)
//	BENCH_ACCOUNT_KEYS  keys in the account of the account pass: N managed keys
//	                    among keys Terraform does not manage; 0 skips it (default 5000)
//	BENCH_ACCOUNT_NS    managed keys of the account pass        (default "10")
//	BENCH_STEPS         the steps to run, in order (default "create refresh update
//	                    destroy"); create and destroy are needed
//	BENCH_KEEP          keep the work directory (logs, states) for inspection
//	BENCH_TF_ENV        extra NAME=VALUE pairs for terraform and the provider, for
//	                    experiments (e.g. "TF_LOG_SDK=off"); the caller's own TF_*
//	                    variables are otherwise dropped
//
// The Markdown report goes to stdout, progress to stderr.
//
// Invoked as "bench wrap-provider", it is the dev_overrides stand-in for a
// plugin binary: it runs the real plugin as its child with the same standard
// streams and records the child's peak RSS and CPU time from wait4. Invoked
// as "bench serve-framework-floor", it is the framework floor's plugin.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case wrapCommand:
			os.Exit(wrapProvider(os.Args[2:]))
		case floorCommand:
			os.Exit(serveFloor())
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

type config struct {
	terraform, provider, emulator string
	goVersion                     string

	ns          []int
	runs        int
	parallelism int
	refresh     bool
	latency     time.Duration
	latencyNs   []int
	latencyRuns int
	accountKeys int
	accountNs   []int
	steps       []string
	keep        bool
	extraEnv    []string
}

func run(ctx context.Context, args []string) int {
	cfg, err := parseConfig(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	b, err := newBench(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	report, err := b.run(ctx)
	cleanupErr := b.cleanup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		if ctx.Err() != nil {
			return 130
		}
		return 1
	}
	if cleanupErr != nil {
		fmt.Fprintln(os.Stderr, "bench: cleanup:", cleanupErr)
	}
	fmt.Print(report)
	return 0
}

func parseConfig(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&c.terraform, "terraform", "terraform", "terraform binary")
	fs.StringVar(&c.provider, "provider", "", "provider binary to measure (required)")
	fs.StringVar(&c.emulator, "emulator", "", "domaintrust-emulator binary (required)")
	fs.StringVar(&c.goVersion, "go-version", "", "Go version the binaries were built with, for the report")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.provider == "" || c.emulator == "" {
		return c, errors.New("-provider and -emulator are required")
	}
	err := c.readEnv()
	return c, err
}

// readEnv reads the BENCH_* environment variables into c and checks them.
func (c *config) readEnv() error {
	var err error
	if c.ns, err = envInts("BENCH_NS", "100 500 1000"); err != nil {
		return err
	}
	if c.runs, err = envInt("BENCH_RUNS", 3); err != nil {
		return err
	}
	if c.parallelism, err = envInt("BENCH_PARALLELISM", 10); err != nil {
		return err
	}
	if c.refresh, err = envBool("BENCH_REFRESH", false); err != nil {
		return err
	}
	if c.latency, err = envDuration("BENCH_LATENCY", 50*time.Millisecond); err != nil {
		return err
	}
	if c.latencyNs, err = envInts("BENCH_LATENCY_NS", "500 1000"); err != nil {
		return err
	}
	if c.latencyRuns, err = envInt("BENCH_LATENCY_RUNS", c.runs); err != nil {
		return err
	}
	if c.accountKeys, err = envInt("BENCH_ACCOUNT_KEYS", 5000); err != nil {
		return err
	}
	if c.accountNs, err = envInts("BENCH_ACCOUNT_NS", "10"); err != nil {
		return err
	}
	if c.steps, err = envSteps("BENCH_STEPS"); err != nil {
		return err
	}
	if c.accountKeys > 0 && c.accountKeys < slices.Max(c.accountNs) {
		return errors.New("BENCH_ACCOUNT_KEYS must be at least the largest of BENCH_ACCOUNT_NS")
	}
	if c.keep, err = envBool("BENCH_KEEP", false); err != nil {
		return err
	}
	for _, kv := range strings.Fields(os.Getenv("BENCH_TF_ENV")) {
		if name, _, ok := strings.Cut(kv, "="); !ok || name == "" {
			return fmt.Errorf("BENCH_TF_ENV: %q is not NAME=VALUE", kv)
		}
		c.extraEnv = append(c.extraEnv, kv)
	}
	if c.runs < 1 || c.latencyRuns < 1 || c.parallelism < 1 {
		return errors.New("BENCH_RUNS, BENCH_LATENCY_RUNS and BENCH_PARALLELISM must be at least 1")
	}
	return nil
}

func envInts(name, def string) ([]int, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		v = def
	}
	var out []int
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive integer", name, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// envSteps reads a list of steps: known, in their order, with create (what
// the others work on) and destroy (which leaves the account as it was for
// the next run).
func envSteps(name string) ([]string, error) {
	v := strings.Fields(os.Getenv(name))
	if len(v) == 0 {
		return slices.Clone(steps), nil
	}
	last := -1
	for _, step := range v {
		i := slices.Index(steps, step)
		if i <= last {
			return nil, fmt.Errorf("%s: %q is not a step or out of order (steps: %s)", name, step, strings.Join(steps, " "))
		}
		last = i
	}
	if !slices.Contains(v, stepCreate) || !slices.Contains(v, stepDestroy) {
		return nil, fmt.Errorf("%s: create and destroy are needed", name)
	}
	return v, nil
}

func envInt(name string, def int) (int, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an integer", name, v)
	}
	return n, nil
}

func envBool(name string, def bool) (bool, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %q is not a boolean", name, v)
	}
	return b, nil
}

func envDuration(name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(name))
	switch v {
	case "":
		return def, nil
	case "0":
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: %q is not a non-negative Go duration", name, v)
	}
	return d, nil
}
