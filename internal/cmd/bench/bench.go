package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	sideProvider  = "provider"
	sideTFData    = "terraform_data" // Terraform's own floor: a built-in resource, no plugin at all
	sideFramework = "framework"      // the framework floor: see floor.go

	passMain    = "main"
	passLatency = "latency"
	passAccount = "account" // N managed keys in an account of BENCH_ACCOUNT_KEYS

	stepCreate  = "create"
	stepRefresh = "refresh"
	stepUpdate  = "update"
	stepDestroy = "destroy"

	providerBinaryName = "terraform-provider-domaintrust"
	providerSource     = "domaintrust/domaintrust"

	// terraformStopGrace is how long a terraform run interrupted by Ctrl-C
	// may take to finish its in-flight operations before it is killed.
	terraformStopGrace = 20 * time.Second
)

var (
	steps = []string{stepCreate, stepRefresh, stepUpdate, stepDestroy}
	sides = []string{sideProvider, sideTFData, sideFramework}
)

type bench struct {
	cfg      config
	self     string // this program, for the wrapper script
	work     string // temporary work directory
	binDir   string // what dev_overrides points at
	usageLog string
	cliConf  string
	machine  machineInfo

	exp1, exp2 string // the two expirations: created with exp1, updated to exp2

	samples  []sample
	checks   []check
	warnings []string
	started  time.Time
	elapsed  time.Duration
}

// sample is one terraform command of one step.
type sample struct {
	pass, side, step string
	n, run           int
	command          string

	wall    time.Duration
	tfCPU   time.Duration // terraform and every process it reaped (the provider included)
	provCPU time.Duration
	emuCPU  time.Duration
	bgCPU   time.Duration // CPU used by the rest of the machine meanwhile
	steal   time.Duration

	provProcs  int
	provRSSKiB int64

	routes   map[string]int64
	statuses map[string]int64
	requests int64
}

// check is an untimed assertion about API requests, e.g. none during validate.
type check struct {
	name     string
	n        int
	requests int64
	routes   map[string]int64
	exit     int
	ok       bool
	note     string
}

func newBench(cfg config) (*bench, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	for _, p := range []*string{&cfg.provider, &cfg.emulator} {
		if *p, err = filepath.Abs(*p); err != nil {
			return nil, err
		}
		if _, err := os.Stat(*p); err != nil {
			return nil, err
		}
	}
	if cfg.terraform, err = exec.LookPath(cfg.terraform); err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	work, err := os.MkdirTemp("", "domaintrust-bench-")
	if err != nil {
		return nil, err
	}
	b := &bench{
		cfg:      cfg,
		self:     self,
		work:     work,
		binDir:   filepath.Join(work, "bin"),
		usageLog: filepath.Join(work, "provider-usage.log"),
		cliConf:  filepath.Join(work, "cli.tfrc"),
	}
	if err := b.prepare(); err != nil {
		_ = os.RemoveAll(work)
		return nil, err
	}
	return b, nil
}

// prepare writes the wrappers that dev_overrides finds (the provider, and
// this program in its framework-floor mode) and the throw-away CLI
// configuration; the user's own ~/.terraformrc is never read.
func (b *bench) prepare() error {
	if err := os.MkdirAll(b.binDir, 0o750); err != nil {
		return err
	}
	for name, script := range map[string]string{
		providerBinaryName: wrapperScript(b.self, b.cfg.provider, "", b.usageLog),
		floorBinaryName:    wrapperScript(b.self, b.self, floorCommand, b.usageLog),
	} {
		if err := os.WriteFile(filepath.Join(b.binDir, name), []byte(script), wrapperExecBit); err != nil { //nolint:gosec // must be executable
			return err
		}
	}
	conf := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
    %q = %q
  }
  direct {}
}
`, providerSource, b.binDir, floorSource, b.binDir)
	if err := os.WriteFile(b.cliConf, []byte(conf), 0o600); err != nil {
		return err
	}
	// Far enough ahead that no run reaches it; whole seconds, as the API keeps them.
	exp := time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Hour)
	b.exp1, b.exp2 = exp.Format(time.RFC3339), exp.Add(24*time.Hour).Format(time.RFC3339)
	return nil
}

func (b *bench) cleanup() error {
	if b.cfg.keep {
		fmt.Fprintln(os.Stderr, "bench: work directory kept:", b.work)
		return nil
	}
	return os.RemoveAll(b.work) //nolint:gosec // our own temporary directory
}

func (b *bench) run(ctx context.Context) (string, error) {
	b.started = time.Now()
	b.machine = collectMachineInfo(ctx, b.cfg)
	b.logf("work directory %s; terraform %s; %d CPUs", b.work, b.machine.terraformVersion, b.machine.cpus)

	if err := b.runPass(ctx, passMain, 0, b.cfg.ns, b.cfg.runs, 0); err != nil {
		return "", err
	}
	if b.cfg.latency > 0 {
		if err := b.runPass(ctx, passLatency, b.cfg.latency, b.cfg.latencyNs, b.cfg.latencyRuns, 0); err != nil {
			return "", err
		}
	}
	if b.cfg.accountKeys > 0 {
		// The account holds BENCH_ACCOUNT_KEYS keys while the largest N is
		// managed; the bootstrap key is the emulator's own.
		unmanaged := b.cfg.accountKeys - slices.Max(b.cfg.accountNs)
		if err := b.runPass(ctx, passAccount, b.cfg.latency, b.cfg.accountNs, b.cfg.latencyRuns, unmanaged); err != nil {
			return "", err
		}
	}
	b.elapsed = time.Since(b.started)
	b.machine.loadEnd = readLoadAvg()
	return b.report(), nil
}

// runPass runs every N runs times against one emulator with latency, which
// first gets unmanaged keys that Terraform does not manage.
func (b *bench) runPass(ctx context.Context, pass string, latency time.Duration, ns []int, runs, unmanaged int) error {
	emu, err := startEmulator(ctx, b.cfg.emulator, latency, filepath.Join(b.work, "emulator-"+pass+".log"))
	if err != nil {
		return err
	}
	defer func() {
		if err := emu.stop(); err != nil {
			b.logf("stopping the emulator: %v", err)
		}
	}()
	b.logf("%s pass: emulator at %s (latency %v)", pass, emu.endpoint, latency)
	if unmanaged > 0 {
		start := time.Now()
		if err := emu.seedKeys(ctx, unmanaged, b.exp1); err != nil {
			return err
		}
		b.logf("%s pass: %d keys Terraform does not manage created in %v", pass, unmanaged, time.Since(start).Round(time.Millisecond))
	}
	// Runs outermost: a burst of noise from other work is spread over every
	// N instead of spoiling all runs of one.
	for run := 1; run <= runs; run++ {
		for _, n := range ns {
			if err := b.runPoint(ctx, pass, emu, n, run); err != nil {
				return err
			}
		}
	}
	return nil
}

// runPoint runs the four steps for N resources on every side, taking turns
// at every step (and rotating which side goes first from run to run).
func (b *bench) runPoint(ctx context.Context, pass string, emu *emulatorProc, n, run int) error {
	point := filepath.Join(b.work, pass, fmt.Sprintf("n%d-run%d", n, run))
	dirs := map[string]string{}
	for _, side := range sides {
		dir := filepath.Join(point, side)
		dirs[side] = dir
		if err := os.MkdirAll(dir, 0o750); err != nil { //nolint:gosec // below our own temporary directory
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configFor(side)), 0o600); err != nil { //nolint:gosec // below our own temporary directory
			return err
		}
	}
	first := (run - 1) % len(sides)
	order := append(slices.Clone(sides[first:]), sides[:first]...)
	for _, step := range b.cfg.steps {
		for _, side := range order {
			s, err := b.runStep(ctx, pass, emu, side, dirs[side], step, n, run)
			if err != nil {
				return err
			}
			b.samples = append(b.samples, s)
			b.logf("[%s N=%d run %d/%d] %-7s %-14s %7.2fs  %s  rss %s", pass, n, run, b.runsOf(pass), step, side,
				s.wall.Seconds(), routesText(s.routes, n), rssText(s.provRSSKiB))
		}
		if step == stepCreate && run == 1 && pass == passMain {
			if err := b.runChecks(ctx, emu, dirs[sideProvider], n); err != nil {
				return err
			}
		}
	}
	if !b.cfg.keep {
		return os.RemoveAll(point) //nolint:gosec // below our own temporary directory
	}
	return nil
}

func (b *bench) runsOf(pass string) int {
	if pass == passLatency || pass == passAccount {
		return b.cfg.latencyRuns
	}
	return b.cfg.runs
}

func configFor(side string) string {
	const vars = `variable "n" {
  type = number
}

variable "expiration" {
  type = string
}
`
	switch side {
	case sideTFData:
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
	case sideFramework:
		return providerConfig(floorType, floorSource) + vars + resourceConfig(floorType)
	}
	return providerConfig("domaintrust", providerSource) + vars + resourceConfig("domaintrust")
}

func providerConfig(name, source string) string {
	return `terraform {
  required_providers {
    ` + name + ` = {
      source = "` + source + `"
    }
  }
}

provider "` + name + `" {}

`
}

func resourceConfig(provider string) string {
	return `
resource "` + provider + `_api_key" "bench" {
  count       = var.n
  environment = "testing"
  description = "bench key ${count.index}"
  expiration  = var.expiration
}
`
}

func (b *bench) stepArgs(step string, n int) []string {
	exp := b.exp1
	var args []string
	switch step {
	case stepCreate:
		args = []string{"apply", "-auto-approve"}
	case stepRefresh:
		args = []string{"plan", "-detailed-exitcode"}
	case stepUpdate:
		args = []string{"apply", "-auto-approve", "-refresh=" + strconv.FormatBool(b.cfg.refresh)}
		exp = b.exp2
	case stepDestroy:
		args = []string{"destroy", "-auto-approve", "-refresh=" + strconv.FormatBool(b.cfg.refresh)}
		exp = b.exp2
	}
	return append(args, "-input=false", "-no-color", "-parallelism="+strconv.Itoa(b.cfg.parallelism),
		"-var", "n="+strconv.Itoa(n), "-var", "expiration="+exp)
}

func (b *bench) runStep(ctx context.Context, pass string, emu *emulatorProc, side, dir, step string, n, run int) (sample, error) {
	args := b.stepArgs(step, n)
	s := sample{pass: pass, side: side, step: step, n: n, run: run, command: "terraform " + strings.Join(args, " ")}
	logPath := filepath.Join(b.work, "logs", fmt.Sprintf("%s-n%d-run%d-%s-%s.log", pass, n, run, step, side))
	m, err := b.measure(ctx, emu, dir, logPath, args)
	if err != nil {
		return s, err
	}
	s.wall, s.tfCPU, s.emuCPU, s.bgCPU, s.steal = m.wall, m.tfCPU, m.emuCPU, m.bgCPU, m.steal
	s.provProcs, s.provRSSKiB, s.provCPU = m.usage.processes, m.usage.peakRSSKiB, m.usage.cpu
	s.routes, s.statuses, s.requests = m.routes, m.statuses, m.requests
	switch {
	case m.exit == 0:
	case step == stepRefresh && m.exit == 2:
		b.warnings = append(b.warnings, fmt.Sprintf("%s pass, %s, N=%d, run %d: the plan after create is not empty "+
			"(terraform plan -detailed-exitcode exited 2); see %s", pass, side, n, run, s.command))
	default:
		return s, fmt.Errorf("%s (%s side, N=%d) exited %d:\n%s", s.command, side, n, m.exit, tail(logPath, 30))
	}
	return s, nil
}

// runChecks asserts, untimed, that validate sends no API request at all and
// a plan without refresh none but one credentials check per provider process.
func (b *bench) runChecks(ctx context.Context, emu *emulatorProc, dir string, n int) error {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"terraform validate", []string{"validate", "-no-color"}},
		{"terraform plan -refresh=false", []string{"plan", "-refresh=false", "-detailed-exitcode", "-input=false", "-no-color",
			"-parallelism=" + strconv.Itoa(b.cfg.parallelism), "-var", "n=" + strconv.Itoa(n), "-var", "expiration=" + b.exp1}},
	} {
		logPath := filepath.Join(b.work, "logs", fmt.Sprintf("check-n%d-%s.log", n, c.args[0]))
		m, err := b.measure(ctx, emu, dir, logPath, c.args)
		if err != nil {
			return err
		}
		ck := check{name: c.name, n: n, requests: m.requests, routes: m.routes, exit: m.exit}
		allowed := int64(m.usage.processes) // one credentials check each
		if c.args[0] == "validate" {
			allowed = 0 // validate never configures the provider
		}
		checks := m.routes[credentialsCheck]
		ck.ok = m.exit == 0 && m.requests == checks && checks <= allowed
		if m.exit != 0 {
			ck.note = fmt.Sprintf("exit %d: %s", m.exit, tail(logPath, 5))
		}
		b.checks = append(b.checks, ck)
		b.logf("[check N=%d] %s: %d API requests, exit %d", n, c.name, m.requests, m.exit)
	}
	return nil
}

type measurement struct {
	wall, tfCPU, emuCPU, bgCPU, steal time.Duration
	exit                              int
	usage                             providerUsage
	routes, statuses                  map[string]int64
	requests                          int64
}

// measure runs one terraform command and records everything around it.
func (b *bench) measure(ctx context.Context, emu *emulatorProc, dir, logPath string, args []string) (measurement, error) {
	var m measurement
	if err := os.WriteFile(b.usageLog, nil, 0o600); err != nil { //nolint:gosec // below our own temporary directory
		return m, err
	}
	before, err := emu.stats(ctx)
	if err != nil {
		return m, err
	}
	emu0 := emu.cpu()
	sys0 := readSystemCPU()

	res, err := b.terraform(ctx, dir, logPath, emu, args)
	if err != nil {
		return m, err
	}

	sys1 := readSystemCPU()
	emu1 := emu.cpu()
	after, err := emu.stats(ctx)
	if err != nil {
		return m, err
	}
	if m.usage, err = readUsage(b.usageLog); err != nil {
		return m, err
	}
	m.wall, m.tfCPU, m.exit = res.wall, res.cpu, res.exit
	m.emuCPU = emu1 - emu0
	m.bgCPU = max(sys1.busy-sys0.busy-m.tfCPU-m.emuCPU, 0)
	m.steal = sys1.steal - sys0.steal
	m.routes, m.statuses, m.requests = after.minus(before)
	return m, nil
}

type tfResult struct {
	wall time.Duration
	cpu  time.Duration
	exit int
}

// terraform runs terraform in its own process group (so that it and its
// plugins can be stopped together), with an environment that holds nothing
// of the caller's Terraform settings.
func (b *bench) terraform(ctx context.Context, dir, logPath string, emu *emulatorProc, args []string) (tfResult, error) {
	var r tfResult
	if err := os.MkdirAll(filepath.Dir(logPath), 0o750); err != nil { //nolint:gosec // below our own temporary directory
		return r, err
	}
	logFile, err := os.Create(logPath) //nolint:gosec // path chosen by the benchmark
	if err != nil {
		return r, err
	}
	defer logFile.Close()

	cmd := exec.CommandContext(ctx, b.cfg.terraform, args...) //nolint:gosec // the terraform binary and arguments the benchmark chose
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(cleanEnv(os.Environ()),
		"CHECKPOINT_DISABLE=1",
		"TF_CLI_CONFIG_FILE="+b.cliConf,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"DOMAINTRUST_ENDPOINT="+emu.endpoint,
		"DOMAINTRUST_API_KEY="+emu.apiKey,
	)
	cmd.Env = append(cmd.Env, b.cfg.extraEnv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Ctrl-C: let terraform finish what is in flight and write its state, as
	// it does for a user; kill it if it takes too long.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = terraformStopGrace

	start := time.Now()
	err = cmd.Run()
	r.wall = time.Since(start)
	if cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		r.exit = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		// Whatever terraform left behind (plugins) goes with it.
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
		return r, fmt.Errorf("interrupted during terraform %s: %w", args[0], ctx.Err())
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return r, fmt.Errorf("running terraform %s: %w", args[0], err)
	}
	return r, nil
}

// cleanEnv drops the caller's Terraform and Domain Trust settings (TF_LOG,
// TF_CLI_ARGS, TF_VAR_..., TF_PLUGIN_CACHE_DIR, credentials) so that they
// cannot change what is measured.
func cleanEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "DOMAINTRUST_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func tail(path string, lines int) string {
	data, err := os.ReadFile(path) //nolint:gosec // path chosen by the benchmark
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
