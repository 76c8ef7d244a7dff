package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// The targets the report checks (median wall times of the same run).
const (
	ratioTarget          = 1.25 // create, update, destroy: provider / terraform_data
	refreshTarget        = 1.0  // refresh: provider / framework floor
	latencyRefreshTarget = 1.2  // refresh with latency: provider / framework floor
	ratioTargetMinN      = 500
	rssTargetMiB         = 48
	rssTargetN           = 1000
	latencyFactor        = 1.2
	// refreshRequestBudget bounds the requests of one refresh, the
	// credentials check included: the provider reads the first keys with a
	// GET each and then lists them (internal/keys/key_reader.go).
	refreshRequestBudget = 20
)

// writeRoute is the request a step sends once per resource; "" for refresh.
func writeRoute(step string) string {
	switch step {
	case stepCreate:
		return emulator.RouteCreateKey
	case stepUpdate:
		return emulator.RouteUpdateKey
	case stepDestroy:
		return emulator.RouteDeleteKey
	}
	return ""
}

// refreshes says whether a step reads every resource: the refresh step, and
// update and destroy when they run with refresh.
func (b *bench) refreshes(step string) bool {
	return step == stepRefresh || b.cfg.refresh && (step == stepUpdate || step == stepDestroy)
}

// readRequests is what the reads of a step cost.
func readRequests(s sample) int64 {
	return s.routes[emulator.RouteGetKey] + s.routes[emulator.RouteListKeys]
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

func provCPUOf(s sample) time.Duration { return s.provCPU }
func emuCPUOf(s sample) time.Duration  { return s.emuCPU }

// sideGroups holds one pass's samples of every side by (step, N).
type sideGroups struct {
	prov, tfdata, fw map[point][]sample
	keys             []point
}

func (b *bench) sides(pass string) sideGroups {
	var g sideGroups
	g.prov, g.keys = b.group(pass, sideProvider)
	g.tfdata, _ = b.group(pass, sideTFData)
	g.fw, _ = b.group(pass, sideFramework)
	return g
}

func (b *bench) report() string {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }
	b.reportHeader(p)
	b.reportZeroLatency(p)
	if b.cfg.latency > 0 {
		b.reportLatency(p)
	}
	if b.cfg.accountKeys > 0 {
		b.reportAccount(p)
	}
	b.reportTargets(p)
	b.reportCommands(p)
	b.reportMachine(p)
	b.reportRuns(p)
	return w.String()
}

// reportHeader is the title and how the runs were made.
func (b *bench) reportHeader(p func(string, ...any)) {
	refresh := "`-refresh=false`"
	if b.cfg.refresh {
		refresh = "refresh (Terraform's default)"
	}

	p("## Benchmark: domaintrust provider vs `terraform_data` and the framework floor")
	p("")
	p("%s; total wall time %s. %d run(s) per point, median reported; the steps of the three sides (provider, "+
		"`terraform_data`, framework floor) interleaved, rotating which side goes first; `-parallelism=%d`; update and "+
		"destroy with %s.", b.machine.date, b.elapsed.Round(time.Second), b.cfg.runs, b.cfg.parallelism, refresh)
	if len(b.cfg.extraEnv) > 0 {
		p("Extra environment for terraform and the provider (BENCH_TF_ENV): `%s`.", strings.Join(b.cfg.extraEnv, " "))
	}
	p("")
}

// reportZeroLatency is the main pass: wall time, peak RSS and CPU time of each side.
func (b *bench) reportZeroLatency(p func(string, ...any)) {
	g := b.sides(passMain)
	p("### Zero latency")
	p("")
	p("Wall time (median seconds) and peak RSS of the plugin process (provider or framework floor):")
	p("")
	p("| Step | N | Provider | `terraform_data` | Framework floor | Provider / `terraform_data` | Provider / framework floor | API requests / resource | Provider peak RSS | Framework floor peak RSS |")
	p("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
	for _, k := range g.keys {
		pm, tm, fm := median(g.prov[k], wallOf), median(g.tfdata[k], wallOf), median(g.fw[k], wallOf)
		p("| %s | %d | %s | %s | %s | %.2f | %.2f | %s | %s | %s |", k.step, k.n, secs(pm), secs(tm), secs(fm),
			ratio(pm, tm), ratio(pm, fm), requestsCell(g.prov[k]), rssText(peakRSS(g.prov[k])), rssText(peakRSS(g.fw[k])))
	}
	p("")
	p("CPU time of the same steps (median seconds, user + system; terraform and every process it started), which " +
		"other work on the machine disturbs less than wall time:")
	p("")
	p("| Step | N | Provider side | `terraform_data` | Framework side | CPU ratio to `terraform_data` | CPU ratio to framework | Provider process | Framework floor process | Emulator | Provider processes |")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, k := range g.keys {
		pc, tc, fc := median(g.prov[k], tfCPUOf), median(g.tfdata[k], tfCPUOf), median(g.fw[k], tfCPUOf)
		p("| %s | %d | %s | %s | %s | %.2f | %.2f | %s | %s | %s | %d |", k.step, k.n, secs(pc), secs(tc), secs(fc),
			ratio(pc, tc), ratio(pc, fc), secs(median(g.prov[k], provCPUOf)), secs(median(g.fw[k], provCPUOf)),
			secs(median(g.prov[k], emuCPUOf)), g.prov[k][0].provProcs)
	}
	p("")
}

// reportLatency is the pass with emulator latency, against its bound.
func (b *bench) reportLatency(p func(string, ...any)) {
	lg := b.sides(passLatency)
	p("### Emulator latency %v", b.cfg.latency)
	p("")
	p("Bound: `terraform_data` + %.1f × N × latency / parallelism (parallelism %d). %d run(s) per point, median reported.",
		latencyFactor, b.cfg.parallelism, b.cfg.latencyRuns)
	p("")
	p("| Step | N | Provider (s) | `terraform_data` (s) | Framework floor (s) | N × latency / parallelism (s) | Bound (s) | Within bound | API requests / resource | Provider peak RSS |")
	p("|---|---:|---:|---:|---:|---:|---:|---|---|---:|")
	for _, k := range lg.keys {
		pm, tm, fm := median(lg.prov[k], wallOf), median(lg.tfdata[k], wallOf), median(lg.fw[k], wallOf)
		ideal, bound := b.latencyBound(k.n, tm)
		p("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |", k.step, k.n, secs(pm), secs(tm), secs(fm), secs(ideal),
			secs(bound), yesNo(pm <= bound), requestsCell(lg.prov[k]), rssText(peakRSS(lg.prov[k])))
	}
	p("")
}

// reportAccount is the pass with managed keys among many that Terraform does not manage.
func (b *bench) reportAccount(p func(string, ...any)) {
	ag := b.sides(passAccount)
	p("### N managed keys in an account of %d keys, emulator latency %v", b.cfg.accountKeys, b.cfg.latency)
	p("")
	p("Before the runs, %d keys that Terraform does not manage are created in the account, so that it holds %d "+
		"keys when the largest N is managed. %d run(s) per point, median reported.",
		b.cfg.accountKeys-slices.Max(b.cfg.accountNs), b.cfg.accountKeys, b.cfg.latencyRuns)
	p("")
	p("| Step | N | Provider (s) | `terraform_data` (s) | Framework floor (s) | Provider / framework floor | API requests / resource | Provider peak RSS |")
	p("|---|---:|---:|---:|---:|---:|---|---:|")
	for _, k := range ag.keys {
		pm, tm, fm := median(ag.prov[k], wallOf), median(ag.tfdata[k], wallOf), median(ag.fw[k], wallOf)
		p("| %s | %d | %s | %s | %s | %.2f | %s | %s |", k.step, k.n, secs(pm), secs(tm), secs(fm), ratio(pm, fm),
			requestsCell(ag.prov[k]), rssText(peakRSS(ag.prov[k])))
	}
	p("")
}

// latencyBound is what a step with emulator latency may take: the time
// spent waiting for the API at full parallelism, with some slack, on top of
// terraform_data's time.
func (b *bench) latencyBound(n int, tfdata time.Duration) (ideal, bound time.Duration) {
	ideal = time.Duration(float64(n) * float64(b.cfg.latency) / float64(b.cfg.parallelism))
	return ideal, tfdata + time.Duration(latencyFactor*float64(ideal))
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
	b.reportRequestTarget(p)
	b.reportRSSTarget(p)

	g := b.sides(passMain)
	reportRatioTarget(p, fmt.Sprintf("Refresh wall time ≤ %.2f × the framework floor at N ≥ %d", refreshTarget, ratioTargetMinN),
		g.keys, g.prov, g.fw, refreshTarget, func(k point) bool { return k.step == stepRefresh })
	reportRatioTarget(p, fmt.Sprintf("Create, update and destroy wall time ≤ %.2f × `terraform_data` at N ≥ %d", ratioTarget, ratioTargetMinN),
		g.keys, g.prov, g.tfdata, ratioTarget, func(k point) bool { return k.step != stepRefresh })

	b.reportRefreshRequestTarget(p)
	if b.cfg.latency > 0 {
		lg := b.sides(passLatency)
		reportRatioTarget(p, fmt.Sprintf("With %v latency, refresh wall time ≤ %.1f × the framework floor at N ≥ %d",
			b.cfg.latency, latencyRefreshTarget, ratioTargetMinN),
			lg.keys, lg.prov, lg.fw, latencyRefreshTarget, func(k point) bool { return k.step == stepRefresh })
		var lbad []string
		for _, k := range lg.keys {
			pm := median(lg.prov[k], wallOf)
			if _, bound := b.latencyBound(k.n, median(lg.tfdata[k], wallOf)); pm > bound {
				lbad = append(lbad, fmt.Sprintf("%s N=%d: %.2f s > %.2f s", k.step, k.n, pm.Seconds(), bound.Seconds()))
			}
		}
		p("- **With %v latency, wall time ≤ `terraform_data` + %.1f × N × latency / parallelism**: %s.", b.cfg.latency,
			latencyFactor, metText(len(lbad) == 0))
		for _, x := range lbad {
			p("  - %s", x)
		}
	}
	p("")
}

// credentialsCheck is the request the provider may send once per process, to
// check its endpoint and key when it is configured: the "one extra per
// provider process" the budget allows.
const credentialsCheck = emulator.RouteGetUser

// reportRequestTarget: one write request per resource in every write step;
// reads only where the step refreshes; at most one credentials check per
// provider process; none from the other sides; none during validate, and
// only the checks during a plan without refresh.
func (b *bench) reportRequestTarget(p func(string, ...any)) {
	var misses []string
	for _, s := range b.samples {
		if s.side != sideProvider {
			if s.requests != 0 {
				misses = append(misses, fmt.Sprintf("%s side %s N=%d sent %d API requests", s.side, s.step, s.n, s.requests))
			}
			continue
		}
		var writes int64
		if w := writeRoute(s.step); w != "" {
			writes = s.routes[w]
			if writes != int64(s.n) {
				misses = append(misses, fmt.Sprintf("%s pass %s N=%d run %d: %d × %s, expected %d",
					s.pass, s.step, s.n, s.run, writes, w, s.n))
			}
		}
		reads := readRequests(s)
		if !b.refreshes(s.step) && reads != 0 {
			misses = append(misses, fmt.Sprintf("%s pass %s N=%d run %d: %d reads in a step without refresh",
				s.pass, s.step, s.n, s.run, reads))
		}
		checks := s.routes[credentialsCheck]
		if checks > int64(s.provProcs) {
			misses = append(misses, fmt.Sprintf("%s pass %s N=%d run %d: %d × %s from %d provider processes, expected at most one each",
				s.pass, s.step, s.n, s.run, checks, credentialsCheck, s.provProcs))
		}
		if extra := s.requests - writes - reads - checks; extra != 0 {
			misses = append(misses, fmt.Sprintf("%s pass %s N=%d run %d: %d requests more than expected (%s)",
				s.pass, s.step, s.n, s.run, extra, routesText(s.routes, s.n)))
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
	p("- **API requests: one write per resource** in each write step (create 1 POST, expiry change 1 PATCH, destroy "+
		"1 DELETE), reads (`GET /keys/{id}`, `GET /keys`) only in steps that refresh, at most one credentials check "+
		"(`GET /user`) per provider process; none from `terraform_data` or the framework floor; none during validate, "+
		"and only the credentials checks during a plan without refresh: %s.", metText(len(misses) == 0))
	for _, m := range misses {
		p("  - %s", m)
	}
	for _, c := range b.checks {
		p("  - %s with %d keys in state: %d API requests, exit %d.", c.name, c.n, c.requests, c.exit)
	}
}

// reportRefreshRequestTarget: every refresh costs at most
// refreshRequestBudget requests, the credentials check included; in the
// account pass, at most one GET per managed key plus the check, and no
// listing of the account.
func (b *bench) reportRefreshRequestTarget(p func(string, ...any)) {
	type key struct {
		pass string
		n    int
	}
	worst := map[key]sample{}
	var order []key
	ok := true
	for _, s := range b.samples {
		if s.side != sideProvider || !b.refreshes(s.step) || s.pass == passAccount {
			continue
		}
		k := key{s.pass, s.n}
		if _, seen := worst[k]; !seen {
			order = append(order, k)
		}
		if w, seen := worst[k]; !seen || readRequests(s)+s.routes[credentialsCheck] > readRequests(w)+w.routes[credentialsCheck] {
			worst[k] = s
		}
		ok = ok && readRequests(s)+s.routes[credentialsCheck] <= refreshRequestBudget
	}
	cells := make([]string, 0, len(order))
	for _, k := range order {
		s := worst[k]
		cells = append(cells, fmt.Sprintf("%s N=%d: %d (%d GET /keys/{id}, %d GET /keys, %d GET /user)", k.pass, k.n,
			readRequests(s)+s.routes[credentialsCheck], s.routes[emulator.RouteGetKey], s.routes[emulator.RouteListKeys], s.routes[credentialsCheck]))
	}
	if len(cells) == 0 {
		p("- **Requests per refresh ≤ %d, counting the credentials check**: not measured.", refreshRequestBudget)
	} else {
		p("- **Requests per refresh ≤ %d, counting the credentials check** (the most of any run): %s (%s).",
			refreshRequestBudget, metText(ok), strings.Join(cells, "; "))
	}

	if b.cfg.accountKeys == 0 {
		return
	}
	ok = true
	cells = cells[:0]
	for _, s := range b.samples {
		if s.side != sideProvider || s.pass != passAccount || !b.refreshes(s.step) {
			continue
		}
		good := readRequests(s) <= int64(s.n) && s.routes[credentialsCheck] <= 1 && s.routes[emulator.RouteListKeys] == 0
		ok = ok && good
		cell := fmt.Sprintf("N=%d run %d: %d requests (%d GET /keys/{id}, %d GET /keys, %d GET /user)", s.n, s.run,
			readRequests(s)+s.routes[credentialsCheck], s.routes[emulator.RouteGetKey], s.routes[emulator.RouteListKeys], s.routes[credentialsCheck])
		if !good {
			cell = "**" + cell + "**"
		}
		cells = append(cells, cell)
	}
	p("- **N managed keys in an account of %d: at most N + 1 requests per refresh, and no listing of the account**: %s (%s).",
		b.cfg.accountKeys, metText(ok), strings.Join(cells, "; "))
}

// reportRSSTarget: the provider's peak RSS at N = rssTargetN, step by step.
func (b *bench) reportRSSTarget(p func(string, ...any)) {
	g, keys := b.group(passMain, sideProvider)
	var cells []string
	ok := true
	for _, k := range keys {
		if k.n != rssTargetN {
			continue
		}
		rss := peakRSS(g[k])
		ok = ok && rss <= rssTargetMiB<<10
		cells = append(cells, fmt.Sprintf("%s %s", k.step, rssText(rss)))
	}
	var all int64
	for _, s := range b.samples {
		if s.side == sideProvider {
			all = max(all, s.provRSSKiB)
		}
	}
	if len(cells) == 0 {
		p("- **Provider peak RSS ≤ %d MiB at N = %d in every step**: not measured (no N = %d in this run; highest seen %s).",
			rssTargetMiB, rssTargetN, rssTargetN, rssText(all))
		return
	}
	p("- **Provider peak RSS ≤ %d MiB at N = %d in every step**: %s (%s; highest of any provider step in this run: %s).",
		rssTargetMiB, rssTargetN, metText(ok), strings.Join(cells, ", "), rssText(all))
}

// reportRatioTarget compares the provider's median wall time with another
// side's at every selected point with N ≥ ratioTargetMinN.
func reportRatioTarget(p func(string, ...any), name string, keys []point, prov, other map[point][]sample,
	target float64, selected func(point) bool,
) {
	var results []string
	ok := true
	for _, k := range keys {
		if k.n < ratioTargetMinN || !selected(k) {
			continue
		}
		r := ratio(median(prov[k], wallOf), median(other[k], wallOf))
		cell := fmt.Sprintf("%s N=%d: %.2f", k.step, k.n, r)
		if r > target {
			ok = false
			cell = "**" + cell + "**"
		}
		results = append(results, cell)
	}
	if len(results) == 0 {
		p("- **%s**: not measured (no N ≥ %d in this run).", name, ratioTargetMinN)
		return
	}
	p("- **%s**: %s (%s).", name, metText(ok), strings.Join(results, "; "))
}

func (b *bench) reportCommands(p func(string, ...any)) {
	p("### How each step ran")
	p("")
	p("The three sides run the same commands, each in its own directory. The provider side's configuration has N " +
		"`domaintrust_api_key` resources (`count`, environment `testing`, a description per key, `expiration` from a " +
		"variable); the `terraform_data` side N `terraform_data` resources whose `input` holds the same three values; the " +
		"framework floor N `frameworkfloor_api_key` resources with the same arguments. The framework floor is a " +
		"terraform-plugin-framework provider inside the benchmark driver (`bench serve-framework-floor`): one resource " +
		"with `domaintrust_api_key`'s attributes, flags and built-in plan modifiers, no API call, SDK logging off and " +
		"served through `internal/ctxrelease` as the provider is, so that it shows what any framework provider costs " +
		"and the difference is the provider's own code. No `terraform init`: a throw-away CLI configuration " +
		"(`TF_CLI_CONFIG_FILE`) points `dev_overrides` at the provider and at the framework floor, and `terraform_data` " +
		"is built in.")
	p("")
	for _, step := range b.cfg.steps {
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
		"reads every key and must propose no change.", b.exp1, b.exp2)
	if !b.cfg.refresh {
		p("The update and destroy steps run with `-refresh=false`, so they show the cost of the change alone: a default " +
			"`terraform apply` or `terraform destroy` adds the refresh step's reads in front of it. " +
			"`BENCH_REFRESH=true make bench` measures them with refresh.")
	}
	p("")
	p("Requests are counted by the emulator (`GET /_emulator/stats` before and after each command). Peak RSS is the " +
		"plugin process's own high-water mark (wait4 `ru_maxrss` of the provider or framework floor, run by a " +
		"pass-through wrapper that `dev_overrides` finds), the highest over the plugin processes Terraform starts for " +
		"the step and over the runs.")
	p("")
}

func (b *bench) reportMachine(p func(string, ...any)) {
	m := b.machine
	p("### Machine")
	p("")
	p("- %d CPUs, %s, %s memory, Linux %s", m.cpus, m.cpuModel, m.memTotal, m.kernel)
	p("- Terraform %s; %s", m.terraformVersion, m.goVersion)
	p("- Load average at start %s, at end %s", m.loadStart, m.loadEnd)
	bg, wall := map[string]time.Duration{}, map[string]time.Duration{}
	var steal time.Duration
	for _, s := range b.samples {
		steal += s.steal
		bg[s.side] += s.bgCPU
		wall[s.side] += s.wall
	}
	if wall[sideProvider] > 0 && wall[sideTFData] > 0 && wall[sideFramework] > 0 {
		cores := func(side string) float64 { return bg[side].Seconds() / wall[side].Seconds() }
		p("- Other work on the machine (CPU busy time not used by terraform, its plugins or the emulator): on average "+
			"%.2f of %d cores during provider steps, %.2f during `terraform_data` steps, %.2f during framework floor steps; "+
			"%s of CPU steal in all.", cores(sideProvider), m.cpus, cores(sideTFData), cores(sideFramework),
			steal.Round(time.Millisecond))
	}
	p("")
}

func (b *bench) reportRuns(p func(string, ...any)) {
	p("<details><summary>Every run (wall seconds)</summary>")
	p("")
	p("| Pass | Step | N | Side | Runs |")
	p("|---|---|---:|---|---|")
	for _, pass := range []string{passMain, passLatency, passAccount} {
		for _, side := range sides {
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
