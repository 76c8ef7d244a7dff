package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

const (
	ratioTarget     = 1.25
	ratioTargetMinN = 500
	rssTargetMiB    = 64
	rssTargetN      = 1000
	latencyFactor   = 1.2
)

// expectedRoutes is what one resource may cost in each step: exactly one
// request of each listed route.
func (b *bench) expectedRoutes(step string) []string {
	var routes []string
	if b.cfg.refresh && (step == stepUpdate || step == stepDestroy) {
		routes = append(routes, "GET /keys/{id}")
	}
	switch step {
	case stepCreate:
		routes = append(routes, "POST /keys")
	case stepRefresh:
		routes = append(routes, "GET /keys/{id}")
	case stepUpdate:
		routes = append(routes, "PATCH /keys/{id}")
	case stepDestroy:
		routes = append(routes, "DELETE /keys/{id}")
	}
	return routes
}

type point struct {
	step string
	n    int
}

// group returns the samples of one pass and side by (step, N), in step order
// and ascending N.
func (b *bench) group(pass, side string) (map[point][]sample, []point) {
	out := map[point][]sample{}
	for _, s := range b.samples {
		if s.pass == pass && s.side == side {
			p := point{s.step, s.n}
			out[p] = append(out[p], s)
		}
	}
	keys := slices.Collect(maps.Keys(out))
	slices.SortFunc(keys, func(a, c point) int {
		return cmp.Or(cmp.Compare(slices.Index(steps, a.step), slices.Index(steps, c.step)), cmp.Compare(a.n, c.n))
	})
	return out, keys
}

func median(ss []sample, f func(sample) time.Duration) time.Duration {
	if len(ss) == 0 {
		return 0
	}
	v := make([]time.Duration, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func wallOf(s sample) time.Duration  { return s.wall }
func tfCPUOf(s sample) time.Duration { return s.tfCPU }

func peakRSS(ss []sample) int64 {
	var m int64
	for _, s := range ss {
		m = max(m, s.provRSSKiB)
	}
	return m
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

func rssText(kib int64) string {
	if kib == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}

// routesText says how many requests per resource a step cost and of what kind,
// e.g. "1.00 (500 POST /keys)".
func routesText(routes map[string]int64, n int) string {
	var total int64
	names := slices.Collect(maps.Keys(routes))
	slices.SortFunc(names, func(a, c string) int { return cmp.Or(cmp.Compare(routes[c], routes[a]), cmp.Compare(a, c)) })
	parts := make([]string, 0, len(names))
	for _, r := range names {
		total += routes[r]
		parts = append(parts, fmt.Sprintf("%d %s", routes[r], r))
	}
	if total == 0 {
		return "0"
	}
	return fmt.Sprintf("%.2f (%s)", float64(total)/float64(n), strings.Join(parts, ", "))
}

// requestsCell summarises every run's requests; runs that agree are shown once.
func requestsCell(ss []sample) string {
	var texts []string
	for _, s := range ss {
		t := routesText(s.routes, s.n)
		if !slices.Contains(texts, t) {
			texts = append(texts, t)
		}
	}
	return strings.Join(texts, "; ")
}

func (b *bench) report() string {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }
	refresh := "`-refresh=false`"
	if b.cfg.refresh {
		refresh = "refresh (Terraform's default)"
	}

	p("## Benchmark: domaintrust provider vs Terraform's floor (`terraform_data`)")
	p("")
	p("%s; total wall time %s. %d run(s) per point, median reported; provider and floor steps interleaved "+
		"(alternating which side goes first); `-parallelism=%d`; update and destroy with %s.",
		b.machine.date, b.elapsed.Round(time.Second), b.cfg.runs, b.cfg.parallelism, refresh)
	if len(b.cfg.extraEnv) > 0 {
		p("Extra environment for terraform and the provider (BENCH_TF_ENV): `%s`.", strings.Join(b.cfg.extraEnv, " "))
	}
	p("")

	prov, keys := b.group(passMain, sideProvider)
	floor, _ := b.group(passMain, sideFloor)
	p("### Zero latency")
	p("")
	p("| Step | N | Provider median (s) | Floor median (s) | Ratio | API requests / resource | Provider peak RSS |")
	p("|---|---:|---:|---:|---:|---|---:|")
	for _, k := range keys {
		pm, fm := median(prov[k], wallOf), median(floor[k], wallOf)
		p("| %s | %d | %s | %s | %.2f | %s | %s |", k.step, k.n, secs(pm), secs(fm), ratio(pm, fm),
			requestsCell(prov[k]), rssText(peakRSS(prov[k])))
	}
	p("")
	p("CPU time of the same steps (median seconds, user + system), which other work on the machine disturbs less than wall time:")
	p("")
	p("| Step | N | terraform + provider CPU | floor terraform CPU | CPU ratio | of which provider process | emulator CPU | provider processes |")
	p("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, k := range keys {
		pc, fc := median(prov[k], tfCPUOf), median(floor[k], tfCPUOf)
		procs := prov[k][0].provProcs
		p("| %s | %d | %s | %s | %.2f | %s | %s | %d |", k.step, k.n, secs(pc), secs(fc), ratio(pc, fc),
			secs(median(prov[k], func(s sample) time.Duration { return s.provCPU })),
			secs(median(prov[k], func(s sample) time.Duration { return s.emuCPU })), procs)
	}
	p("")

	if b.cfg.latency > 0 {
		lp, lkeys := b.group(passLatency, sideProvider)
		lf, _ := b.group(passLatency, sideFloor)
		p("### Emulator latency %v", b.cfg.latency)
		p("")
		p("Bound: floor + %.1f × N × latency / parallelism (parallelism %d). %d run(s) per point, median reported.",
			latencyFactor, b.cfg.parallelism, b.cfg.latencyRuns)
		p("")
		p("| Step | N | Provider median (s) | Floor median (s) | N × latency / parallelism (s) | Bound (s) | Within bound | API requests / resource |")
		p("|---|---:|---:|---:|---:|---:|---|---|")
		for _, k := range lkeys {
			pm, fm := median(lp[k], wallOf), median(lf[k], wallOf)
			ideal := time.Duration(float64(k.n) * float64(b.cfg.latency) / float64(b.cfg.parallelism))
			bound := fm + time.Duration(latencyFactor*float64(ideal))
			p("| %s | %d | %s | %s | %s | %s | %s | %s |", k.step, k.n, secs(pm), secs(fm), secs(ideal), secs(bound),
				yesNo(pm <= bound), requestsCell(lp[k]))
		}
		p("")
	}

	b.reportTargets(p)
	b.reportCommands(p)
	b.reportMachine(p)
	b.reportRuns(p)
	return w.String()
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func metText(ok bool) string {
	if ok {
		return "met"
	}
	return "**MISSED**"
}

func (b *bench) reportTargets(p func(string, ...any)) {
	p("### Targets")
	p("")

	// One request per resource per step.
	var misses []string
	for _, s := range b.samples {
		if s.side == sideFloor {
			if s.requests != 0 {
				misses = append(misses, fmt.Sprintf("floor %s N=%d sent %d API requests", s.step, s.n, s.requests))
			}
			continue
		}
		var expected int64
		for _, r := range b.expectedRoutes(s.step) {
			expected += int64(s.n)
			if s.routes[r] != int64(s.n) {
				misses = append(misses, fmt.Sprintf("%s pass %s N=%d run %d: %d × %s, expected %d",
					s.pass, s.step, s.n, s.run, s.routes[r], r, s.n))
			}
		}
		if extra := s.requests - expected; extra > int64(s.provProcs) {
			misses = append(misses, fmt.Sprintf("%s pass %s N=%d run %d: %d extra requests for %d provider processes (%s)",
				s.pass, s.step, s.n, s.run, extra, s.provProcs, routesText(s.routes, s.n)))
		}
		for code, c := range s.statuses {
			if !strings.HasPrefix(code, "2") {
				misses = append(misses, fmt.Sprintf("%s pass %s N=%d run %d: %d answers with status %s", s.pass, s.step, s.n, s.run, c, code))
			}
		}
	}
	for _, c := range b.checks {
		if !c.ok {
			misses = append(misses, fmt.Sprintf("%s at N=%d: %d API requests (%s), exit %d %s", c.name, c.n, c.requests,
				routesText(c.routes, c.n), c.exit, c.note))
		}
	}
	misses = append(misses, b.warnings...)
	p("- **One API request per resource per step** (create 1 POST, refresh 1 GET, expiry change 1 PATCH, destroy 1 DELETE; "+
		"at most one extra per provider process; none during validate or a plan without refresh): %s.", metText(len(misses) == 0))
	for _, m := range misses {
		p("  - %s", m)
	}
	for _, c := range b.checks {
		p("  - %s with %d keys in state: %d API requests, exit %d.", c.name, c.n, c.requests, c.exit)
	}

	// Ratio.
	prov, keys := b.group(passMain, sideProvider)
	floor, _ := b.group(passMain, sideFloor)
	var worst float64
	var worstAt string
	var bad []string
	seen := false
	for _, k := range keys {
		if k.n < ratioTargetMinN {
			continue
		}
		seen = true
		r := ratio(median(prov[k], wallOf), median(floor[k], wallOf))
		if r > worst {
			worst, worstAt = r, fmt.Sprintf("%s at N=%d", k.step, k.n)
		}
		if r > ratioTarget {
			bad = append(bad, fmt.Sprintf("%s N=%d: %.2f", k.step, k.n, r))
		}
	}
	if seen {
		p("- **Wall-time ratio provider/floor ≤ %.2f at N ≥ %d**: %s (worst %.2f, %s).", ratioTarget, ratioTargetMinN,
			metText(len(bad) == 0), worst, worstAt)
		for _, x := range bad {
			p("  - %s", x)
		}
	} else {
		p("- **Wall-time ratio provider/floor ≤ %.2f at N ≥ %d**: not measured (no N ≥ %d in this run).", ratioTarget, ratioTargetMinN, ratioTargetMinN)
	}

	// Latency.
	if b.cfg.latency > 0 {
		lp, lkeys := b.group(passLatency, sideProvider)
		lf, _ := b.group(passLatency, sideFloor)
		var lbad []string
		for _, k := range lkeys {
			pm, fm := median(lp[k], wallOf), median(lf[k], wallOf)
			bound := fm + time.Duration(latencyFactor*float64(k.n)*float64(b.cfg.latency)/float64(b.cfg.parallelism))
			if pm > bound {
				lbad = append(lbad, fmt.Sprintf("%s N=%d: %.2f s > %.2f s", k.step, k.n, pm.Seconds(), bound.Seconds()))
			}
		}
		p("- **With %v latency, wall time ≤ floor + %.1f × N × latency / parallelism**: %s.", b.cfg.latency, latencyFactor, metText(len(lbad) == 0))
		for _, x := range lbad {
			p("  - %s", x)
		}
	}

	// RSS.
	var rss, rssAll int64
	rssSeen := false
	for _, s := range b.samples {
		rssAll = max(rssAll, s.provRSSKiB)
		if s.side == sideProvider && s.n >= rssTargetN {
			rss, rssSeen = max(rss, s.provRSSKiB), true
		}
	}
	if rssSeen {
		p("- **Provider peak RSS ≤ %d MiB at N = %d**: %s (%s; highest of any step in this run: %s).", rssTargetMiB, rssTargetN,
			metText(rss <= rssTargetMiB<<10), rssText(rss), rssText(rssAll))
	} else {
		p("- **Provider peak RSS ≤ %d MiB at N = %d**: not measured (no N ≥ %d in this run; highest seen %s).", rssTargetMiB, rssTargetN, rssTargetN, rssText(rssAll))
	}
	p("")
}

func (b *bench) reportCommands(p func(string, ...any)) {
	p("### How each step ran")
	p("")
	p("Both sides run the same commands in their own directory; the provider side's configuration has N `domaintrust_api_key` " +
		"resources (`count`, environment `testing`, a description per key, `expiration` from a variable), the floor's N " +
		"`terraform_data` resources whose `input` holds the same three values. No `terraform init`: a throw-away CLI " +
		"configuration (`TF_CLI_CONFIG_FILE`) points `dev_overrides` at the provider, and `terraform_data` is built in.")
	p("")
	for _, step := range steps {
		args := b.stepArgs(step, 0)
		// Show N and the expiration symbolically.
		cmdline := strings.Join(args, " ")
		cmdline = strings.Replace(cmdline, "n=0", "n=N", 1)
		cmdline = strings.Replace(cmdline, "expiration="+b.exp1, "expiration=E1", 1)
		cmdline = strings.Replace(cmdline, "expiration="+b.exp2, "expiration=E2", 1)
		p("- %s: `terraform %s`", step, cmdline)
	}
	p("")
	p("E1 = %s, E2 = %s (create with E1; the update step changes every key to E2). The refresh step is a plan that "+
		"reads every key (one GET each) and must propose no change.", b.exp1, b.exp2)
	if !b.cfg.refresh {
		p("The update and destroy steps run with `-refresh=false`, so they show the cost of the change alone: a default " +
			"`terraform apply` or `terraform destroy` adds the refresh step's one GET per resource in front of it. " +
			"`BENCH_REFRESH=true make bench` measures them with refresh.")
	}
	p("")
	p("Requests are counted by the emulator (`GET /_emulator/stats` before and after each command). Peak RSS is the " +
		"provider process's own high-water mark (wait4 `ru_maxrss` of the real binary, run by a pass-through wrapper that " +
		"`dev_overrides` finds), the highest over the provider processes Terraform starts for the step and over the runs.")
	p("")
}

func (b *bench) reportMachine(p func(string, ...any)) {
	m := b.machine
	p("### Machine")
	p("")
	p("- %d CPUs, %s, %s memory, Linux %s", m.cpus, m.cpuModel, m.memTotal, m.kernel)
	p("- Terraform %s; %s", m.terraformVersion, m.goVersion)
	p("- Load average at start %s, at end %s", m.loadStart, m.loadEnd)
	var bgP, wallP, bgF, wallF, steal time.Duration
	for _, s := range b.samples {
		steal += s.steal
		if s.side == sideProvider {
			bgP += s.bgCPU
			wallP += s.wall
		} else {
			bgF += s.bgCPU
			wallF += s.wall
		}
	}
	if wallP > 0 && wallF > 0 {
		p("- Other work on the machine (CPU busy time not used by terraform, the provider or the emulator): on average "+
			"%.2f of %d cores during provider steps, %.2f during floor steps; %s of CPU steal in all.",
			bgP.Seconds()/wallP.Seconds(), m.cpus, bgF.Seconds()/wallF.Seconds(), steal.Round(time.Millisecond))
	}
	p("")
}

func (b *bench) reportRuns(p func(string, ...any)) {
	p("<details><summary>Every run (wall seconds)</summary>")
	p("")
	p("| Pass | Step | N | Side | Runs |")
	p("|---|---|---:|---|---|")
	for _, pass := range []string{passMain, passLatency} {
		for _, side := range []string{sideProvider, sideFloor} {
			g, keys := b.group(pass, side)
			for _, k := range keys {
				var v []string
				for _, s := range g[k] {
					v = append(v, secs(s.wall))
				}
				p("| %s | %s | %d | %s | %s |", pass, k.step, k.n, side, strings.Join(v, ", "))
			}
		}
	}
	p("")
	p("</details>")
}
