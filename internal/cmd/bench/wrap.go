package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	wrapCommand    = "wrap-provider"
	envRealBinary  = "BENCH_REAL_PROVIDER"
	envRealCommand = "BENCH_REAL_COMMAND"
	envUsageLog    = "BENCH_USAGE_LOG"
	wrapperExecBit = 0o755
)

// wrapperScript is what dev_overrides finds under a provider's name: it
// hands over to this program, which runs the real provider (realBinary, with
// realCommand as its first argument when not empty).
func wrapperScript(self, realBinary, realCommand, usageLog string) string {
	return fmt.Sprintf("#!/bin/sh\n%s=%s %s=%s %s=%s exec %s %s \"$@\"\n",
		envRealBinary, shellQuote(realBinary), envRealCommand, shellQuote(realCommand), envUsageLog, shellQuote(usageLog),
		shellQuote(self), wrapCommand)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// wrapProvider runs the real provider with this process's standard streams
// (go-plugin reads the handshake from stdout) and appends one line to the
// usage log when it exits: pid, peak RSS in KiB, user and system CPU in µs.
func wrapProvider(args []string) int {
	realBinary, logPath := os.Getenv(envRealBinary), os.Getenv(envUsageLog)
	if realBinary == "" || logPath == "" {
		fmt.Fprintln(os.Stderr, "bench wrap-provider: "+envRealBinary+" and "+envUsageLog+" must be set")
		return 1
	}
	if c := os.Getenv(envRealCommand); c != "" {
		args = append([]string{c}, args...)
	}
	// No cancellation: the provider decides when to exit, as without the wrapper.
	cmd := exec.CommandContext(context.Background(), realBinary, args...) //nolint:gosec // runs the provider binary the benchmark was told to measure
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Terraform signals the plugin, not its children: pass signals on and let
	// the provider decide what they mean.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench wrap-provider:", err)
		return 1
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait()
	state := cmd.ProcessState
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		line := fmt.Sprintf("%d %d %d %d\n", state.Pid(), ru.Maxrss,
			time.Duration(ru.Utime.Nano()).Microseconds(), time.Duration(ru.Stime.Nano()).Microseconds())
		// O_APPEND writes of one short line are atomic, so concurrent
		// provider processes do not interleave.
		f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600) //nolint:gosec // path chosen by the benchmark
		if err == nil {
			_, _ = f.WriteString(line)
			_ = f.Close()
		}
	}
	if code := state.ExitCode(); code >= 0 {
		return code
	}
	return 1
}

// providerUsage is what the wrapper recorded for the provider processes of
// one step.
type providerUsage struct {
	processes  int
	peakRSSKiB int64
	cpu        time.Duration
}

func readUsage(path string) (providerUsage, error) {
	var u providerUsage
	data, err := os.ReadFile(path) //nolint:gosec // path chosen by the benchmark
	if err != nil {
		if os.IsNotExist(err) {
			return u, nil
		}
		return u, err
	}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) != 4 {
			continue
		}
		rss, err1 := strconv.ParseInt(f[1], 10, 64)
		ut, err2 := strconv.ParseInt(f[2], 10, 64)
		st, err3 := strconv.ParseInt(f[3], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return u, fmt.Errorf("malformed usage line %q", strings.TrimSpace(line))
		}
		u.processes++
		u.peakRSSKiB = max(u.peakRSSKiB, rss)
		u.cpu += time.Duration(ut+st) * time.Microsecond
	}
	return u, nil
}
