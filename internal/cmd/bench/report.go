package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// machine is what the report says about the run's circumstances.
type machine struct {
	started               time.Time
	elapsed               time.Duration
	loadBefore, loadAfter string
	terraform             string
}

// loadAverage is the 1, 5 and 15 minute load averages, or "" where the
// system does not tell.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func terraformVersion(ctx context.Context, terraform string) string {
	out, err := exec.CommandContext(ctx, terraform, "version").Output() //nolint:gosec // the terraform the bench was given
	if err != nil {
		return "unknown"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return first
}

// point is the runs of one step at one N on one side.
type point struct {
	wall, cpu []time.Duration
	requests  int64 // of the first run
}

func points(samples []sample) map[string]*point {
	out := map[string]*point{}
	for _, s := range samples {
		k := pointKey(s.side, s.step, s.n)
		p := out[k]
		if p == nil {
			p = &point{requests: s.requests}
			out[k] = p
		}
		p.wall, p.cpu = append(p.wall, s.wall), append(p.cpu, s.cpu)
	}
	return out
}

func pointKey(side, step string, n int) string { return fmt.Sprintf("%s/%s/%d", side, step, n) }

// median of ds, which is not empty.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// spread is how far apart the runs of a point are, relative to their median.
func spread(ds []time.Duration) float64 {
	m := median(ds)
	if m == 0 {
		return 0
	}
	return float64(slices.Max(ds)-slices.Min(ds)) / float64(m)
}

// report is the Markdown report of samples.
func report(cfg config, samples []sample, m machine) string {
	var b strings.Builder
	ps := points(samples)
	fmt.Fprintf(&b, "# make bench\n\n%s, %d run(s) per point (median), -parallelism=%d; %s; %s/%s, %d CPUs; "+
		"load average %s at the start, %s at the end; %s in all.\n\n", m.started.UTC().Format(time.RFC3339), cfg.runs,
		cfg.parallelism, m.terraform, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), orUnknown(m.loadBefore),
		orUnknown(m.loadAfter), m.elapsed.Round(time.Second))
	if cfg.baseline != "" {
		fmt.Fprintf(&b, "Baseline: the provider built from %s.\n\n", cfg.baseline)
	}
	for _, what := range []string{"wall", "cpu"} {
		writeTable(&b, cfg, ps, what)
	}
	b.WriteString("Spread is (slowest − fastest) / median of a point's runs, the largest of its sides: how much the " +
		"machine's other work moved the runs. API requests are the provider's, of its first run.\n")
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// writeTable writes one table of medians and ratios, of wall time or of
// CPU time.
func writeTable(b *strings.Builder, cfg config, ps map[string]*point, what string) {
	all := sides(cfg)
	title := "Wall time"
	if what == "cpu" {
		title = "CPU time (terraform and every process it started)"
	}
	fmt.Fprintf(b, "## %s, median seconds\n\n| Step | N |", title)
	for _, side := range all {
		fmt.Fprintf(b, " %s |", side)
	}
	ratios := ratioColumns(all)
	for _, r := range ratios {
		fmt.Fprintf(b, " %s / %s |", r[0], r[1])
	}
	b.WriteString(" Spread | API requests / resource |\n|---|---:|" + strings.Repeat("---:|", len(all)+len(ratios)+2) + "\n")
	for _, step := range steps {
		for _, n := range cfg.ns {
			writeRow(b, ps, all, ratios, what, step, n)
		}
	}
	b.WriteString("\n")
}

// ratioColumns are the ratios a table shows: each provider build to
// terraform_data, and the provider to the baseline.
func ratioColumns(all []string) [][2]string {
	out := [][2]string{{sideProvider, sideTFData}}
	if slices.Contains(all, sideBaseline) {
		out = append(out, [2]string{sideBaseline, sideTFData}, [2]string{sideProvider, sideBaseline})
	}
	return out
}

func writeRow(b *strings.Builder, ps map[string]*point, all []string, ratios [][2]string, what, step string, n int) {
	med := map[string]time.Duration{}
	worst := 0.0
	for _, side := range all {
		p := ps[pointKey(side, step, n)]
		if p == nil {
			return
		}
		runs := p.wall
		if what == "cpu" {
			runs = p.cpu
		}
		med[side], worst = median(runs), max(worst, spread(runs))
	}
	fmt.Fprintf(b, "| %s | %d |", step, n)
	for _, side := range all {
		fmt.Fprintf(b, " %.2f |", med[side].Seconds())
	}
	for _, r := range ratios {
		fmt.Fprintf(b, " %s |", ratio(med[r[0]], med[r[1]]))
	}
	fmt.Fprintf(b, " %.0f%% | %.2f |\n", 100*worst, float64(ps[pointKey(sideProvider, step, n)].requests)/float64(n))
}

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}
