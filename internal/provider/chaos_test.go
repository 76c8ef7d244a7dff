package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// manyKeysConfig declares n keys with for_each; the first dup of them share
// identical attributes, so their create bodies are indistinguishable. The
// provider runs with its default settings.
func manyKeysConfig(env *testEnv, n, dup int, expiration string) string {
	return fmt.Sprintf(`
provider "domaintrust" {
  endpoint = %q
  api_key  = %q
}

locals {
  names = [for i in range(%d) : format("k%%03d", i)]
}

resource "domaintrust_api_key" "many" {
  for_each    = toset(local.names)
  environment = "testing"
  description = tonumber(substr(each.key, 1, 3)) < %d ? "duplicate" : "key ${each.key}"
  expiration  = %q
}
`, env.endpoint, env.boot.APIKey, n, dup, expiration)
}

// stateKeys reads the ids, expiries and secrets of every domaintrust_api_key
// instance in the CLI harness's state file.
type stateKey struct{ id, expiration, secret string }

func (c *tfCLI) stateKeys() []stateKey {
	c.t.Helper()
	raw, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		c.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					ID         string `json:"id"`
					Expiration string `json:"expiration"`
					Key        string `json:"key"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		c.t.Fatal(err)
	}
	var keys []stateKey
	for _, r := range state.Resources {
		if r.Type != "domaintrust_api_key" {
			continue
		}
		for _, in := range r.Instances {
			keys = append(keys, stateKey{in.Attributes.ID, in.Attributes.Expiration, in.Attributes.Key})
		}
	}
	return keys
}

// expectStateMatchesEmulator fails unless Terraform's state and the
// emulator hold exactly the same keys with the same expiries, and every key
// in state authenticates.
func expectStateMatchesEmulator(t *testing.T, env *testEnv, cli *tfCLI, wantCount int, step string) {
	t.Helper()
	inState := map[string]stateKey{}
	for _, k := range cli.stateKeys() {
		inState[k.id] = k
	}
	remote := map[string]emulator.Key{}
	for _, k := range env.emu.Keys() {
		if k.ID != env.boot.KeyID {
			remote[k.ID] = k
		}
	}
	if len(inState) != wantCount || len(remote) != wantCount {
		t.Fatalf("%s: state holds %d keys, emulator %d, want %d (orphans: %v; lost: %v)",
			step, len(inState), len(remote), wantCount, missing(remote, inState), missing(inState, remote))
	}
	for id, sk := range inState {
		rk, ok := remote[id]
		if !ok {
			t.Fatalf("%s: key %s is in state but not in the emulator", step, id)
		}
		exp, err := time.Parse(time.RFC3339, sk.expiration)
		if err != nil || !exp.Equal(rk.Expiry) {
			t.Fatalf("%s: key %s expires at %q in state, %s in the emulator", step, id, sk.expiration, rk.Expiry)
		}
		if !env.emu.Authenticates(sk.secret) {
			t.Fatalf("%s: the value in state of key %s does not authenticate (value withheld)", step, id)
		}
	}
}

func missing[A, B any](have map[string]A, in map[string]B) []string {
	var out []string
	for id := range have {
		if _, ok := in[id]; !ok {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// TestAccChaos creates 40 keys (half of them with identical attributes),
// updates every expiry and destroys them, against an emulator that refuses
// 30% of requests with 503, loses the answer of 15% of the writes it
// carries out, and adds latency. Each apply must succeed in one run with
// the provider's default retry settings (only the waits between attempts
// are shortened, which changes no outcome), and state and emulator must
// agree exactly after each.
//
// Every run draws its faults from a new seed, so `go test -count=20` is
// twenty different runs; CHAOS_SEED repeats one (goroutine scheduling still
// varies which request meets which fault).
func TestAccChaos(t *testing.T) {
	t.Parallel()
	seed := time.Now().UnixNano()
	if s := os.Getenv("CHAOS_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			t.Fatalf("CHAOS_SEED: %v", err)
		}
	}
	t.Logf("fault seed %d (CHAOS_SEED=%d repeats it)", seed, seed)
	env := newTestEnv(t, false, func(o *emulator.Options) {
		o.FaultRate = 0.30
		o.LostResponseRate = 0.15
		o.Latency = 5 * time.Millisecond
		o.Seed = seed
	})
	cli := newTFCLI(t, env)
	const n, dup = 40, 20
	started := time.Now()

	cli.write(manyKeysConfig(env, n, dup, env.future(30*day)))
	cli.mustRun("apply", "-auto-approve")
	expectStateMatchesEmulator(t, env, cli, n, "after create")

	cli.write(manyKeysConfig(env, n, dup, env.future(60*day)))
	out := cli.mustRun("apply", "-auto-approve")
	expectOutput(t, out, fmt.Sprintf("0 added, %d changed, 0 destroyed", n))
	expectStateMatchesEmulator(t, env, cli, n, "after update")

	cli.mustRun("destroy", "-auto-approve")
	expectStateMatchesEmulator(t, env, cli, 0, "after destroy")

	stats := env.emu.Stats()
	t.Logf("chaos run: %s, %d API requests, by route %v, by status %v",
		time.Since(started).Round(time.Millisecond), stats.Total, stats.ByRoute, stats.ByStatus)
	if stats.ByStatus["503"] == 0 || stats.ByStatus["502"] == 0 {
		t.Fatalf("no faults were injected (by status %v): this test proved nothing", stats.ByStatus)
	}
}

// TestAccParallelism runs 100 keys with -parallelism=20 under the race
// detector (make test uses -race): provider, client and emulator together.
func TestAccParallelism(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	const n = 100
	cli.write(manyKeysConfig(env, n, 30, env.future(30*day)))
	out := cli.mustRun("apply", "-auto-approve", "-parallelism=20")
	expectOutput(t, out, fmt.Sprintf("%d added, 0 changed, 0 destroyed", n))
	expectStateMatchesEmulator(t, env, cli, n, "after create")

	cli.write(manyKeysConfig(env, n, 30, env.future(45*day)))
	cli.mustRun("apply", "-auto-approve", "-parallelism=20")
	expectStateMatchesEmulator(t, env, cli, n, "after update")

	out = cli.mustRun("destroy", "-auto-approve", "-parallelism=20")
	if !strings.Contains(out, fmt.Sprintf("%d destroyed", n)) {
		t.Fatalf("destroy output:\n%s", out)
	}
	expectStateMatchesEmulator(t, env, cli, 0, "after destroy")
}
