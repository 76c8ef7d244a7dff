package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

const (
	sideProvider = "provider"
	sideBaseline = "baseline"
	sideTFData   = "terraform_data" // Terraform's own floor: a built-in resource, no plugin at all

	stepCreate  = "create"
	stepRefresh = "refresh"
	stepUpdate  = "update"
	stepDestroy = "destroy"
)

var steps = []string{stepCreate, stepRefresh, stepUpdate, stepDestroy}

// sample is one terraform command of one step.
type sample struct {
	side, step string
	n, run     int
	wall, cpu  time.Duration // cpu: terraform and every process it started
	requests   int64         // API requests the emulator handled meanwhile
}

// driver runs the steps of every side against one emulator.
type driver struct {
	cfg        config
	work       string
	emu        *emulator.Emulator
	env        []string // terraform's environment, without the side's CLI configuration
	exp1, exp2 string   // created with exp1, updated to exp2
	log        func(format string, args ...any)
}

// measure runs every point and returns the report.
func measure(ctx context.Context, cfg config) (string, error) {
	work, err := os.MkdirTemp("", "domaintrust-bench-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(work) }()
	emu, endpoint, apiKey, stop, err := serveEmulator(ctx)
	if err != nil {
		return "", err
	}
	defer stop()
	now := time.Now().UTC().Truncate(time.Second)
	d := &driver{cfg: cfg, work: work, emu: emu,
		env:  terraformEnv(os.Environ(), endpoint, apiKey),
		exp1: now.Add(60 * 24 * time.Hour).Format(time.RFC3339), exp2: now.Add(90 * 24 * time.Hour).Format(time.RFC3339),
		log: func(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) },
	}
	started, load := time.Now(), loadAverage()
	samples, err := d.runAll(ctx)
	if err != nil {
		return "", err
	}
	return report(cfg, samples, machine{started: started, elapsed: time.Since(started), loadBefore: load,
		loadAfter: loadAverage(), terraform: terraformVersion(ctx, cfg.terraform)}), nil
}

// sides are the sides of cfg, the provider first.
func sides(cfg config) []string {
	if _, ok := cfg.binaries[sideBaseline]; ok {
		return []string{sideProvider, sideBaseline, sideTFData}
	}
	return []string{sideProvider, sideTFData}
}

// runAll runs, for each N and run, every step on every side, the sides in
// an order that rotates from run to run.
func (d *driver) runAll(ctx context.Context) ([]sample, error) {
	var samples []sample
	all := sides(d.cfg)
	for _, n := range d.cfg.ns {
		for run := 1; run <= d.cfg.runs; run++ {
			first := (run - 1) % len(all)
			order := append(slices.Clone(all[first:]), all[:first]...)
			for _, step := range steps {
				for _, side := range order {
					s, err := d.step(ctx, side, step, n, run)
					if err != nil {
						return nil, err
					}
					d.log("N=%d run %d/%d %-7s %-14s %6.2fs wall %6.2fs CPU %d API requests",
						n, run, d.cfg.runs, step, side, s.wall.Seconds(), s.cpu.Seconds(), s.requests)
					samples = append(samples, s)
				}
			}
		}
	}
	return samples, nil
}

// step runs one terraform command in side's directory.
func (d *driver) step(ctx context.Context, side, step string, n, run int) (sample, error) {
	dir, err := d.sideDir(side)
	if err != nil {
		return sample{}, err
	}
	args := stepArgs(step, n, d.cfg.parallelism, d.exp1, d.exp2)
	logPath := filepath.Join(d.work, fmt.Sprintf("%s-n%d-run%d-%s.log", side, n, run, step))
	before := d.emu.Stats().Total
	wall, cpu, exit, err := d.terraform(ctx, dir, logPath, args)
	if err != nil {
		return sample{}, err
	}
	if exit != 0 {
		return sample{}, fmt.Errorf("terraform %s (%s, N=%d) exited %d:\n%s", strings.Join(args, " "), side, n, exit, tail(logPath, 30))
	}
	return sample{side: side, step: step, n: n, run: run, wall: wall, cpu: cpu, requests: d.emu.Stats().Total - before}, nil
}

// stepArgs is the terraform command of a step. Update and destroy do not
// refresh, so that they show what the change itself costs; a refresh is a
// plan that must find nothing to do.
func stepArgs(step string, n, parallelism int, exp1, exp2 string) []string {
	var args []string
	exp := exp2
	switch step {
	case stepCreate:
		args, exp = []string{"apply", "-auto-approve"}, exp1
	case stepRefresh:
		args, exp = []string{"plan", "-detailed-exitcode"}, exp1
	case stepUpdate:
		args = []string{"apply", "-auto-approve", "-refresh=false"}
	case stepDestroy:
		args = []string{"destroy", "-auto-approve", "-refresh=false"}
	}
	return append(args, "-input=false", "-no-color", "-parallelism="+strconv.Itoa(parallelism),
		"-var", "n="+strconv.Itoa(n), "-var", "expiration="+exp)
}

// sideDir is side's working directory, made at its first use: the
// configuration, and for a provider side a CLI configuration whose
// dev_overrides point at that side's build (so no terraform init).
func (d *driver) sideDir(side string) (string, error) {
	dir := filepath.Join(d.work, side)
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o750); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configFor(side)), 0o600); err != nil {
		return "", err
	}
	if binary, ok := d.cfg.binaries[side]; ok {
		if err := os.Symlink(binary, filepath.Join(dir, "bin", "terraform-provider-domaintrust")); err != nil {
			return "", err
		}
	}
	cli := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"domaintrust/domaintrust\" = %q\n  }\n  direct {}\n}\n",
		filepath.Join(dir, "bin"))
	return dir, os.WriteFile(filepath.Join(dir, "cli.tfrc"), []byte(cli), 0o600)
}

// configFor is the configuration of a side: N keys, or N terraform_data
// with the same inputs.
func configFor(side string) string {
	const vars = "variable \"n\" {\n  type = number\n}\n\nvariable \"expiration\" {\n  type = string\n}\n"
	if side == sideTFData {
		return vars + `
resource "terraform_data" "bench" {
  count = var.n
  input = {
    environment = "testing"
    description = "bench key ${count.index}"
    expiration  = var.expiration
  }
}
`
	}
	return `terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}

provider "domaintrust" {}

` + vars + `
resource "domaintrust_api_key" "bench" {
  count       = var.n
  environment = "testing"
  description = "bench key ${count.index}"
  expiration  = var.expiration
}
`
}

// terraform runs terraform with args in dir, its output to logPath, and
// returns the wall time and the CPU time of terraform and every process it
// started and reaped (the provider among them).
func (d *driver) terraform(ctx context.Context, dir, logPath string, args []string) (wall, cpu time.Duration, exit int, err error) {
	out, err := os.Create(logPath) //nolint:gosec // below our own temporary directory
	if err != nil {
		return 0, 0, 0, err
	}
	defer func() { _ = out.Close() }()
	cmd := exec.CommandContext(ctx, d.cfg.terraform, args...) //nolint:gosec // the terraform the bench was given
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
	cmd.Env = append(slices.Clone(d.env), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.tfrc"))
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	before := childrenCPU()
	start := time.Now()
	err = cmd.Run()
	wall, cpu = time.Since(start), childrenCPU()-before
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && ctx.Err() == nil {
		return wall, cpu, exitErr.ExitCode(), nil
	}
	return wall, cpu, 0, err
}

// childrenCPU is the user and system time of every child this process has
// reaped, and of theirs.
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// terraformEnv is the caller's environment without its TF_* variables (a
// TF_LOG would change what is measured) nor credentials of its own, and
// with the emulator's.
func terraformEnv(environ []string, endpoint, apiKey string) []string {
	var env []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "DOMAINTRUST_") && !strings.HasPrefix(kv, "CHECKPOINT_") {
			env = append(env, kv)
		}
	}
	return append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"DOMAINTRUST_ENDPOINT="+endpoint, "DOMAINTRUST_API_KEY="+apiKey)
}

// serveEmulator serves an emulator with one organization on loopback.
func serveEmulator(ctx context.Context) (emu *emulator.Emulator, endpoint, apiKey string, stop func(), err error) {
	emu, err = emulator.New(emulator.Options{})
	if err != nil {
		return nil, "", "", nil, err
	}
	boot, err := emu.Bootstrap("", false)
	if err != nil {
		return nil, "", "", nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", "", nil, err
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return emu, "http://" + ln.Addr().String() + "/api", boot.APIKey, func() { _ = srv.Close() }, nil
}

// tail is the last n lines of the file at path, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path) //nolint:gosec // below our own temporary directory
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
