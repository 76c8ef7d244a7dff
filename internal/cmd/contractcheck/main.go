// Command contractcheck settles, against a real Domain Trust account, the
// questions internal/emulator/CONTRACT.md leaves open, and names the
// emulator variant (domaintrust-emulator -variant NAME) that matches each
// answer.
//
//	DOMAINTRUST_API_KEY=... [DOMAINTRUST_ENDPOINT=...] go run ./internal/cmd/contractcheck
//
// It reads what it can; for the rest it creates one testing key that lives
// for -key-lifetime (90 s), updates, lists and deletes it, and deletes it on
// any exit, Ctrl-C included. It never prints a secret. The expiry question
// waits for that key to expire, so a run takes about two minutes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2

	envAPIKey   = "DOMAINTRUST_API_KEY"
	envEndpoint = "DOMAINTRUST_ENDPOINT"

	defaultKeyLifetime = 90 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, wallClock{})
	stop()
	os.Exit(code)
}

type config struct {
	endpoint, apiKey string
	keyLifetime      time.Duration
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	c := config{apiKey: getenv(envAPIKey), endpoint: getenv(envEndpoint)}
	fs := flag.NewFlagSet("contractcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&c.keyLifetime, "key-lifetime", defaultKeyLifetime,
		"how long the testing key lives (`D`); the expiry question waits that long")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s=... [%s=...] go run ./internal/cmd/contractcheck [flags]\n\n", envAPIKey, envEndpoint)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	case c.apiKey == "":
		return c, fmt.Errorf("set %s to an API key of your Domain Trust account (and %s to check another endpoint than %s)",
			envAPIKey, envEndpoint, client.DefaultEndpoint)
	case c.keyLifetime < time.Second || c.keyLifetime > 10*time.Minute:
		return c, fmt.Errorf("-key-lifetime must lie between 1s and 10m, got %v", c.keyLifetime)
	}
	if c.endpoint == "" {
		c.endpoint = client.DefaultEndpoint
	}
	return c, nil
}

// run is main without the process, for tests: the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, clk timeSource) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "contractcheck:", err)
		return exitUsage
	}
	// Whatever is printed, no secret is: the API key and the testing key's
	// secret are replaced wherever they would appear.
	out := newScrubber(stdout, cfg.apiKey)
	c, err := newChecker(cfg, out, clk)
	if err != nil {
		fmt.Fprintln(stderr, "contractcheck:", scrub(err.Error(), cfg.apiKey))
		return exitUsage
	}
	if err := c.check(ctx); err != nil {
		fmt.Fprintln(out, "\ncontractcheck stopped:", err)
		return exitError
	}
	return exitOK
}
