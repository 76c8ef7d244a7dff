// Command domaintrust-emulator serves a local emulator of the Domain Trust API.
//
// Once listening it prints two shell-sourceable lines to stdout,
//
//	DOMAINTRUST_ENDPOINT=http://127.0.0.1:PORT/api
//	DOMAINTRUST_API_KEY=<bootstrap key>
//
// prints the address of its dashboard (a web page to see and change keys) and
// its logs to stderr, and serves until SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2

	shutdownGrace = 10 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type config struct {
	addr             string
	apiKey           string
	productionAccess bool
	statePath        string
	faultRate        float64
	lostResponseRate float64
	latency          time.Duration
	variants         []emulator.Variant
	role             emulator.Role
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("domaintrust-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8580", "listen address `HOST:PORT` (port 0 picks a free port)")
	fs.StringVar(&c.apiKey, "api-key", "", "`VALUE` of the bootstrap admin's API key (default: random)")
	fs.BoolVar(&c.productionAccess, "production-access", true, "whether the bootstrap organization may create production keys")
	fs.StringVar(&c.statePath, "state", "", "persist all data to `FILE` (atomic write after every change; loaded at start)")
	fs.Float64Var(&c.faultRate, "fault-rate", 0, "share `F` of API requests refused with 503 + Retry-After: 1 before anything changes")
	fs.Float64Var(&c.lostResponseRate, "lost-response-rate", 0, "share `F` of POST/PATCH/DELETE requests carried out whose answer is then replaced by a 502")
	fs.DurationVar(&c.latency, "latency", 0, "delay `D` added to every request (Go duration)")
	variants := fs.String("variant", "", "emulate other readings of the API: comma-separated `NAME`s of "+variantNames()+
		" (see CONTRACT.md)")
	role := fs.String("role", string(emulator.RoleAdmin), "the bootstrap user's `ROLE`: admin, member or trial")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.variants, err = emulator.ParseVariants(*variants); err != nil {
		return c, fmt.Errorf("-variant: %w", err)
	}
	if c.role, err = emulator.ParseRole(*role); err != nil {
		return c, fmt.Errorf("-role: %w", err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for name, v := range map[string]float64{"-fault-rate": c.faultRate, "-lost-response-rate": c.lostResponseRate} {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return c, fmt.Errorf("%s must be between 0 and 1, got %v", name, v)
		}
	}
	if c.latency < 0 {
		return c, fmt.Errorf("-latency must not be negative, got %v", c.latency)
	}
	return c, nil
}

// run is main without the process: it returns the exit code, so tests can drive it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "domaintrust-emulator:", err)
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	emu, apiKey, ln, err := open(ctx, cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, "domaintrust-emulator:", err)
		return exitError
	}
	srv := newServer(emu, cfg.latency, logger)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	announce(stdout, stderr, logger, cfg, ln.Addr(), apiKey)
	if err := serveUntilDone(ctx, srv, served, logger); err != nil {
		fmt.Fprintln(stderr, "domaintrust-emulator:", err)
		return exitError
	}
	return exitOK
}

// open makes the emulator the flags describe, with its bootstrap admin, and
// listens; it returns the bootstrap admin's API key.
func open(ctx context.Context, cfg config, logger *slog.Logger) (*emulator.Emulator, string, net.Listener, error) {
	emu, err := emulator.New(emulator.Options{
		StatePath:        cfg.statePath,
		FaultRate:        cfg.faultRate,
		LostResponseRate: cfg.lostResponseRate,
		Latency:          cfg.latency,
		Logger:           logger,
		Variants:         cfg.variants,
		BootstrapRole:    cfg.role,
	})
	if err != nil {
		return nil, "", nil, err
	}
	boot, err := emu.Bootstrap(cfg.apiKey, cfg.productionAccess)
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return nil, "", nil, err
	}
	return emu, boot.APIKey, ln, nil
}

// announce tells scripts, on stdout, and people, on stderr and in the log,
// where the emulator listens and with which key.
func announce(stdout, stderr io.Writer, logger *slog.Logger, cfg config, addr net.Addr, apiKey string) {
	// One write, so a reader never sees the endpoint without the key. os.Stdout is unbuffered.
	fmt.Fprintf(stdout, "DOMAINTRUST_ENDPOINT=http://%s/api\nDOMAINTRUST_API_KEY=%s\n", endpointHost(addr), apiKey)
	// The dashboard's address goes to stderr, for people: scripts read stdout's two lines.
	dashboardURL := "http://" + endpointHost(addr) + emulator.DashboardPath
	fmt.Fprintf(stderr, "Dashboard: %s (sign in with the DOMAINTRUST_API_KEY value)\n", dashboardURL)
	logger.Info("serving the Domain Trust API emulator", "addr", addr.String(), "dashboard", dashboardURL, "state", cfg.statePath,
		"faultRate", cfg.faultRate, "lostResponseRate", cfg.lostResponseRate, "latency", cfg.latency,
		"variants", fmt.Sprint(cfg.variants), "role", cfg.role)
}

// variantNames lists the variants for -h.
func variantNames() string {
	var names []string
	for _, v := range emulator.AllVariants() {
		names = append(names, string(v))
	}
	return strings.Join(names, ", ")
}

// serveUntilDone waits until the server fails (served) or ctx is done, and
// then shuts the server down within the grace period.
func serveUntilDone(ctx context.Context, srv *http.Server, served <-chan error, logger *slog.Logger) error {
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	// ctx is already done; the grace period needs a live context that keeps its values.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func newServer(handler http.Handler, latency time.Duration, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// WriteTimeout must leave room for the injected latency.
		WriteTimeout:   30*time.Second + latency,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// endpointHost is the address clients should dial: a wildcard listen address
// (":8580", "0.0.0.0:0") is reachable on loopback, which the printed endpoint promises.
func endpointHost(addr net.Addr) string {
	tcp, isTCP := addr.(*net.TCPAddr)
	if !isTCP || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}
