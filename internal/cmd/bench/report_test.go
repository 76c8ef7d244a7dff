package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// targetsBench has one run at N = 1000 on every side in which the provider
// meets every target, for a test to spoil one of them.
func targetsBench() *bench {
	b := &bench{cfg: config{ns: []int{1000}, runs: 1, parallelism: 10}}
	const n = 1000
	for _, step := range steps {
		for _, side := range sides {
			s := sample{pass: passMain, side: side, step: step, n: n, run: 1, wall: 10 * time.Second}
			if side != sideTFData {
				s.provProcs, s.provRSSKiB = 3, 30<<10
			}
			if side == sideProvider {
				s.routes, s.statuses = map[string]int64{}, map[string]int64{"200": n}
				if w := writeRoute(step); w != "" {
					s.routes[w], s.requests = n, n
				} else {
					s.routes[emulator.RouteGetKey], s.routes[emulator.RouteListKeys], s.requests = 15, 1, 16
				}
			}
			b.samples = append(b.samples, s)
		}
	}
	return b
}

func (b *bench) sample(side, step string) *sample {
	for i := range b.samples {
		if s := &b.samples[i]; s.side == side && s.step == step {
			return s
		}
	}
	panic("no sample " + side + " " + step)
}

// targetLine is the report's line for the target whose name starts with
// prefix.
func targetLine(t *testing.T, b *bench, prefix string) string {
	t.Helper()
	var out strings.Builder
	b.reportTargets(func(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) })
	for line := range strings.Lines(out.String()) {
		if strings.HasPrefix(line, "- **"+prefix) {
			return line
		}
	}
	t.Fatalf("no target line starting %q in:\n%s", prefix, out.String())
	return ""
}

func TestReportTargets(t *testing.T) {
	targets := []string{"API requests", "Provider peak RSS", "Refresh wall time", "Create, update and destroy", "Requests per refresh"}
	cases := []struct {
		name   string
		spoil  func(b *bench)
		missed string // the target that must be missed; "" = none
		says   string // what its line must name
	}{
		{name: "all met"},
		{"RSS over 48 MiB in one step", func(b *bench) { b.sample(sideProvider, stepUpdate).provRSSKiB = 50 << 10 },
			"Provider peak RSS", "update 50.0 MiB"},
		{"refresh slower than the framework floor", func(b *bench) { b.sample(sideProvider, stepRefresh).wall = 11 * time.Second },
			"Refresh wall time", "refresh N=1000: 1.10"},
		{"create over 1.25 × terraform_data", func(b *bench) { b.sample(sideProvider, stepCreate).wall = 13 * time.Second },
			"Create, update and destroy", "create N=1000: 1.30"},
		{"framework floor sent a request", func(b *bench) { b.sample(sideFramework, stepRefresh).requests = 1 },
			"API requests", ""},
		{"an extra request", func(b *bench) { b.sample(sideProvider, stepDestroy).requests++ },
			"API requests", ""},
		{"a refresh over 20 requests", func(b *bench) {
			s := b.sample(sideProvider, stepRefresh)
			s.routes[emulator.RouteGetKey], s.routes[credentialsCheck], s.requests = 19, 1, 21
		}, "Requests per refresh", "main N=1000: 21 (19 GET /keys/{id}, 1 GET /keys, 1 GET /user)"},
		{"a read in a step without refresh", func(b *bench) {
			s := b.sample(sideProvider, stepUpdate)
			s.routes[emulator.RouteGetKey], s.requests = 1, s.requests+1
		}, "API requests", ""},
		{"a credentials check per provider process", func(b *bench) {
			s := b.sample(sideProvider, stepRefresh)
			s.routes[credentialsCheck], s.requests = int64(s.provProcs), s.requests+int64(s.provProcs)
		}, "", ""},
		{"more credentials checks than provider processes", func(b *bench) {
			s := b.sample(sideProvider, stepRefresh)
			s.routes[credentialsCheck], s.requests = int64(s.provProcs)+1, s.requests+int64(s.provProcs)+1
		}, "API requests", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := targetsBench()
			if c.spoil != nil {
				c.spoil(b)
			}
			for _, target := range targets {
				line := targetLine(t, b, target)
				missed := strings.Contains(line, "**MISSED**")
				if want := target == c.missed; missed != want || !missed && !strings.Contains(line, ": met") {
					t.Errorf("%s: missed = %t, want %t: %s", target, missed, want, line)
				}
				if target == c.missed && !strings.Contains(line, c.says) {
					t.Errorf("%s does not name %q: %s", target, c.says, line)
				}
			}
		})
	}
}
