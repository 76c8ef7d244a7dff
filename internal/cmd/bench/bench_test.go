package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	c, err := parseConfig([]string{"-provider", "/p", "-baseline", "/b", "-baseline-name", "75656b0"},
		env(map[string]string{"BENCH_NS": "10 20", "BENCH_RUNS": "5"}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.ns, []int{10, 20}) || c.runs != 5 || c.parallelism != 10 || c.baseline != "75656b0" ||
		c.binaries[sideProvider] != "/p" || c.binaries[sideBaseline] != "/b" {
		t.Errorf("config %+v", c)
	}
	if got := sides(c); !slices.Equal(got, []string{sideProvider, sideBaseline, sideTFData}) {
		t.Errorf("sides %v", got)
	}
	d, err := parseConfig([]string{"-provider", "/p"}, env(nil))
	if err != nil || !slices.Equal(d.ns, []int{100, 500, 1000}) || d.runs != 3 || len(sides(d)) != 2 {
		t.Errorf("defaults %+v, %v", d, err)
	}
	for _, bad := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "-provider is required"},
		{[]string{"-provider", "/p"}, map[string]string{"BENCH_NS": "100 x"}, `BENCH_NS: "x" is not a positive number`},
		{[]string{"-provider", "/p"}, map[string]string{"BENCH_RUNS": "0"}, "BENCH_RUNS"},
		{[]string{"-provider", "/p"}, map[string]string{"BENCH_PARALLELISM": "4 5"}, "BENCH_PARALLELISM"},
	} {
		if _, err := parseConfig(bad.args, env(bad.env)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v %v: err %v, want %q", bad.args, bad.env, err, bad.want)
		}
	}
}

func TestStepArgs(t *testing.T) {
	t.Parallel()
	for step, want := range map[string]string{
		stepCreate:  "apply -auto-approve -input=false -no-color -parallelism=10 -var n=5 -var expiration=E1",
		stepRefresh: "plan -detailed-exitcode -input=false -no-color -parallelism=10 -var n=5 -var expiration=E1",
		stepUpdate:  "apply -auto-approve -refresh=false -input=false -no-color -parallelism=10 -var n=5 -var expiration=E2",
		stepDestroy: "destroy -auto-approve -refresh=false -input=false -no-color -parallelism=10 -var n=5 -var expiration=E2",
	} {
		if got := strings.Join(stepArgs(step, 5, 10, "E1", "E2"), " "); got != want {
			t.Errorf("%s: %q, want %q", step, got, want)
		}
	}
}

// TestConfigsHaveTheSameInputs: both sides declare N resources with the
// same environment, description and expiration.
func TestConfigsHaveTheSameInputs(t *testing.T) {
	t.Parallel()
	for _, side := range []string{sideProvider, sideTFData} {
		c := configFor(side)
		for _, want := range []string{"count = var.n", `environment = "testing"`, `"bench key ${count.index}"`, "var.expiration"} {
			if !strings.Contains(strings.Join(strings.Fields(c), " "), want) {
				t.Errorf("%s configuration lacks %q:\n%s", side, want, c)
			}
		}
	}
	if !strings.Contains(configFor(sideBaseline), `resource "domaintrust_api_key"`) {
		t.Error("the baseline does not manage keys")
	}
}

func TestTerraformEnv(t *testing.T) {
	t.Parallel()
	got := terraformEnv([]string{"PATH=/bin", "TF_LOG=trace", "DOMAINTRUST_API_KEY=mine", "CHECKPOINT_DISABLE=", "HOME=/h"},
		"http://127.0.0.1:1/api", "dtk_x")
	want := []string{"PATH=/bin", "HOME=/h", "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"DOMAINTRUST_ENDPOINT=http://127.0.0.1:1/api", "DOMAINTRUST_API_KEY=dtk_x"}
	if !slices.Equal(got, want) {
		t.Errorf("env %v, want %v", got, want)
	}
}

// TestSideDir: a provider side's CLI configuration points dev_overrides at
// a directory that holds its build under the provider's binary name.
func TestSideDir(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	binary := filepath.Join(work, "build")
	if err := os.WriteFile(binary, []byte("#!/bin/sh\n"), 0o700); err != nil { //nolint:gosec // a test's own file
		t.Fatal(err)
	}
	d := &driver{cfg: config{binaries: map[string]string{sideBaseline: binary}}, work: work}
	dir, err := d.sideDir(sideBaseline)
	if err != nil {
		t.Fatal(err)
	}
	target, err := os.Readlink(filepath.Join(dir, "bin", "terraform-provider-domaintrust"))
	if err != nil || target != binary {
		t.Errorf("the override's binary is %q (%v), want %q", target, err, binary)
	}
	cli, err := os.ReadFile(filepath.Join(dir, "cli.tfrc")) //nolint:gosec // a test's own file
	if err != nil || !strings.Contains(string(cli), `"domaintrust/domaintrust" = "`+filepath.Join(dir, "bin")+`"`) {
		t.Errorf("cli.tfrc %s (%v)", cli, err)
	}
	if again, err := d.sideDir(sideBaseline); err != nil || again != dir {
		t.Errorf("second call: %q, %v", again, err)
	}
}

func TestMedianAndSpread(t *testing.T) {
	t.Parallel()
	s := time.Second
	if m := median([]time.Duration{3 * s, 1 * s, 2 * s}); m != 2*s {
		t.Errorf("median %v", m)
	}
	if m := median([]time.Duration{4 * s, 1 * s, 2 * s, 3 * s}); m != 2500*time.Millisecond {
		t.Errorf("median of four %v", m)
	}
	if sp := spread([]time.Duration{2 * s, 1 * s, 3 * s}); sp != 1 {
		t.Errorf("spread %v", sp)
	}
}

// TestReport: medians, ratios to terraform_data and to the baseline, the
// spread and the provider's requests per resource.
func TestReport(t *testing.T) {
	t.Parallel()
	cfg := config{ns: []int{100}, runs: 3, parallelism: 10, baseline: "75656b0",
		binaries: map[string]string{sideProvider: "/p", sideBaseline: "/b"}}
	var samples []sample
	for run, walls := range [][3]float64{{1.2, 1.0, 1.1}, {1.0, 1.1, 1.0}, {1.1, 1.0, 0.9}} {
		for _, step := range steps {
			for i, side := range sides(cfg) {
				w := time.Duration(walls[i] * float64(time.Second))
				samples = append(samples, sample{side: side, step: step, n: 100, run: run + 1, wall: w, cpu: 2 * w, requests: 101})
			}
		}
	}
	out := report(cfg, samples, machine{started: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), terraform: "Terraform v1.11.4"})
	for _, want := range []string{
		"Baseline: the provider built from 75656b0.",
		"| Step | N | provider | baseline | terraform_data | provider / terraform_data | baseline / terraform_data | provider / baseline | Spread | API requests / resource |",
		// provider 1.1, baseline 1.0, terraform_data 1.0 (medians); spread (1.2-1.0)/1.1 = 18%
		"| refresh | 100 | 1.10 | 1.00 | 1.00 | 1.10 | 1.00 | 1.10 | 20% | 1.01 |",
		"| destroy | 100 | 2.20 | 2.00 | 2.00 | 1.10 | 1.00 | 1.10 | 20% | 1.01 |",
		"load average unknown at the start",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchAgainstTerraform runs one point end to end with the installed
// Terraform and a provider built for the test. It needs TF_ACC, as every
// test that starts Terraform.
func TestBenchAgainstTerraform(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		terraform = "terraform"
	}
	provider := filepath.Join(t.TempDir(), "terraform-provider-domaintrust")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", provider, "../../..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cfg := config{terraform: terraform, binaries: map[string]string{sideProvider: provider}, ns: []int{3}, runs: 1, parallelism: 10}
	out, err := measure(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| create | 3 |", "| refresh | 3 |", "| update | 3 |", "| destroy | 3 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// A refresh reads the three keys with a GET each, and checks the
	// credentials once: 4 requests for 3 keys.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| refresh | 3 |") && !strings.HasSuffix(line, "| 1.33 |") {
			t.Errorf("refresh: %s, want 1.33 API requests per resource", line)
		}
	}
}
