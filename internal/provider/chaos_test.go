package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

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

	stats := env.stats()
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
