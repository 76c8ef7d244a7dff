package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of CPU times in /proc on Linux (USER_HZ, 100 on every
// architecture Go supports there).
const userHZ = 100

func ticks(n int64) time.Duration { return time.Duration(n) * time.Second / userHZ }

type machineInfo struct {
	cpus             int
	cpuModel         string
	memTotal         string
	kernel           string
	terraformVersion string
	goVersion        string
	loadStart        string
	loadEnd          string
	date             string
}

func collectMachineInfo(ctx context.Context, cfg config) machineInfo {
	m := machineInfo{
		cpus:      runtime.NumCPU(),
		cpuModel:  "unknown",
		memTotal:  "unknown",
		kernel:    strings.TrimSpace(readFile("/proc/sys/kernel/osrelease")),
		goVersion: cfg.goVersion,
		loadStart: readLoadAvg(),
		date:      time.Now().UTC().Format("2006-01-02 15:04 MST"),
	}
	if m.goVersion == "" {
		m.goVersion = runtime.Version()
	}
	for line := range strings.Lines(readFile("/proc/cpuinfo")) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			m.cpuModel = strings.TrimSpace(v)
			break
		}
	}
	for line := range strings.Lines(readFile("/proc/meminfo")) {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(v)
			if kib, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				m.memTotal = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
			}
		}
	}
	m.terraformVersion = "unknown"
	out, err := exec.CommandContext(ctx, cfg.terraform, "version", "-json").Output() //nolint:gosec // the terraform binary the benchmark runs
	if err == nil {
		var v struct {
			Version  string `json:"terraform_version"`
			Platform string `json:"platform"`
		}
		if json.Unmarshal(out, &v) == nil && v.Version != "" {
			m.terraformVersion = v.Version + " (" + v.Platform + ")"
		}
	}
	return m
}

func readFile(path string) string {
	data, err := os.ReadFile(path) //nolint:gosec // fixed /proc paths
	if err != nil {
		return ""
	}
	return string(data)
}

func readLoadAvg() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

type systemCPU struct {
	busy, steal time.Duration
}

// readSystemCPU sums the machine's busy CPU time (all cores) from /proc/stat.
func readSystemCPU() systemCPU {
	var s systemCPU
	for line := range strings.Lines(readFile("/proc/stat")) {
		f := strings.Fields(line)
		if len(f) < 9 || f[0] != "cpu" {
			continue
		}
		v := make([]int64, len(f))
		for i := 1; i < len(f); i++ {
			v[i], _ = strconv.ParseInt(f[i], 10, 64)
		}
		// user nice system idle iowait irq softirq steal ...
		s.busy = ticks(v[1] + v[2] + v[3] + v[6] + v[7])
		s.steal = ticks(v[8])
		break
	}
	return s
}

// processCPU is a process's user and system CPU time so far.
func processCPU(pid int) time.Duration {
	stat := readFile(fmt.Sprintf("/proc/%d/stat", pid))
	// The command name (field 2) may hold spaces; fields after it are fixed.
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ticks(ut + st)
}
