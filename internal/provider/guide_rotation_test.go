package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const rotationGuideKey = "domaintrust_api_key.scoring"

// deleteObservation is what the emulator held at the moment a DELETE
// /keys/{id} reached it, before it acted on it.
type deleteObservation struct {
	id string
	// authenticated: the secret of the key being deleted still worked.
	authenticated bool
	// live: the ids of the keys that existed.
	live []string
	// delivered: the secret store stand-in's record at that moment.
	delivered string
}

// rotationObserver records every DELETE of a key as the emulator sees it.
type rotationObserver struct {
	mu      sync.Mutex
	env     *testEnv
	cli     *tfCLI
	secrets map[string]string // key id => secret, of the keys whose deletion is watched
	deletes []deleteObservation
}

// startRotationGuide applies config (the guide's example, or a variant) to
// an environment whose DELETEs obs watches, and watches the first key.
func startRotationGuide(t *testing.T, config string) (*rotationObserver, *testEnv, *tfCLI, stateInstance) {
	t.Helper()
	obs := &rotationObserver{secrets: map[string]string{}}
	env := newTestEnv(t, true)
	env.hook(obs.before)
	obs.env = env
	env.useEnvCredentials(t)
	cli := newTFCLI(t, env)
	obs.cli = cli
	cli.writeFile("main.tf", config)
	cli.writeScript("deliver-key.sh", deliverStub)
	cli.mustRun("apply", "-auto-approve", "-input=false")
	first := cli.stateInstance(rotationGuideKey)
	obs.watch(first.str("id"), first.key())
	return obs, env, cli, first
}

func (o *rotationObserver) before(r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/api/keys/")
	if r.Method != http.MethodDelete || !ok {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	obs := deleteObservation{id: id, live: o.env.liveKeyIDs()}
	if s, ok := o.secrets[id]; ok {
		obs.authenticated = o.env.emu.Authenticates(s)
	}
	if o.cli != nil {
		obs.delivered = o.cli.readFile("delivered.txt")
	}
	o.deletes = append(o.deletes, obs)
}

func (o *rotationObserver) watch(id, secret string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.secrets[id] = secret
	o.deletes = nil
}

// seamless returns nil when the rotation from oldID to newID had no moment
// without a working, delivered key: when the emulator received the DELETE of
// the old key, the old key still authenticated, the new key existed and
// authenticated, and the secret store already held the new key.
func (o *rotationObserver) seamless(t *testing.T, oldID, newID, newSecret string) error {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.deletes) != 1 || o.deletes[0].id != oldID {
		return fmt.Errorf("want exactly one DELETE, of the old key %s; got %+v", oldID, o.deletes)
	}
	d := o.deletes[0]
	if !d.authenticated {
		return fmt.Errorf("the old key %s no longer authenticated when it was deleted", oldID)
	}
	if !strings.Contains(strings.Join(d.live, " "), newID) {
		return fmt.Errorf("the new key %s did not exist yet when the old key %s was deleted (live: %v)", newID, oldID, d.live)
	}
	found := false
	for _, del := range parseDeliveries(t, d.delivered) {
		if del.id == newID && del.value == newSecret {
			found = true
		}
	}
	if !found {
		return fmt.Errorf("the new key %s had not been delivered when the old key %s was deleted", newID, oldID)
	}
	return nil
}

// TestAccGuideZeroDowntimeRotation proves the guide "Zero-downtime
// rotation" (examples/guides/zero-downtime-rotation) step by step: no change
// before the rotation window; inside it, a plan that replaces the key and
// says why; an apply that creates the new key, delivers it, and only then
// deletes the old one, which both exist and work until that DELETE and the
// old one never after; a failed delivery that keeps the old key working
// until an apply delivers the new one. The same example without
// create_before_destroy must fail the same check, so the check can fail.
func TestAccGuideZeroDowntimeRotation(t *testing.T) {
	skipWithoutTFAcc(t)
	example := readGuideExample(t, "zero-downtime-rotation/main.tf")
	cbd := regexp.MustCompile(`(?m)^\s*create_before_destroy\s*=\s*true\n`)
	if len(cbd.FindAllString(example, -1)) != 1 {
		t.Fatal("the rotation example no longer sets create_before_destroy = true exactly once")
	}

	t.Run("create_before_destroy", func(t *testing.T) {
		obs, env, cli, first := startRotationGuide(t, example)

		// Day 75: one day before the 14-day window of a 90-day key.
		env.clock.Advance(75 * day)
		cli.expectEmptyPlan()

		// Day 77: inside the window. The plan says what will happen and why.
		env.clock.Advance(2 * day)
		out := cli.mustRun("plan", "-input=false")
		expectOutput(t, out,
			"Warning: API key will be rotated",
			"Domain Trust API key "+first.str("id")+` ("Abuse scoring service") will be replaced by a new key`,
			"within rotate_before (336h) of now",
			"# domaintrust_api_key.scoring must be replaced",
			"+/- create replacement and then destroy",
			"Plan: 2 to add, 0 to change, 2 to destroy.")

		out = cli.mustRun("apply", "-auto-approve", "-input=false")
		second := cli.stateInstance(rotationGuideKey)
		if err := obs.seamless(t, first.str("id"), second.str("id"), second.key()); err != nil {
			t.Error(err)
		}
		if env.emu.Authenticates(first.key()) {
			t.Error("the old key still authenticates after the apply")
		}
		if !env.emu.Authenticates(second.key()) {
			t.Error("the new key does not authenticate")
		}
		if err := env.checkCreatedBeforeDeleted(first.str("id")); err != nil {
			t.Error(err)
		}
		if ids := env.liveKeyIDs(); len(ids) != 1 {
			t.Errorf("after the rotation the emulator holds %v, want only the new key", ids)
		}
		expectOutput(t, out, "domaintrust_api_key.scoring (deposed object", "Apply complete! Resources: 2 added, 0 changed, 2 destroyed.")
		cli.expectEmptyPlan()

		// The next window, with the secret store failing: the apply stops
		// after creating the new key, and the old key keeps working.
		obs.watch(second.str("id"), second.key())
		env.clock.Advance(77 * day)
		cli.writeFile("fail-delivery", "")
		if out, err := cli.run("apply", "-auto-approve", "-input=false"); err == nil {
			t.Fatalf("apply succeeded although the delivery failed:\n%s", out)
		} else {
			expectOutput(t, out, "Error: local-exec provisioner error")
		}
		if !env.emu.Authenticates(second.key()) {
			t.Error("after the failed delivery the old key no longer authenticates")
		}
		if len(obs.deletes) != 0 {
			t.Errorf("a key was deleted although the new one was not delivered: %+v", obs.deletes)
		}
		deposed := 0
		for _, s := range cli.stateInstances() {
			if s.Addr == rotationGuideKey && s.Deposed != "" && s.str("id") == second.str("id") {
				deposed++
			}
		}
		if deposed != 1 {
			t.Errorf("the old key is not kept in state as a deposed object: %+v", cli.stateInstances())
		}

		// Once the store works again, the next apply delivers the new key and
		// then deletes the old one.
		if err := os.Remove(filepath.Join(cli.dir, "fail-delivery")); err != nil {
			t.Fatal(err)
		}
		out = cli.mustRun("plan", "-input=false")
		expectOutput(t, out, "# domaintrust_api_key.scoring (deposed object", "will be destroyed", "# terraform_data.deliver_scoring_key "+taintedReplacement(t))
		cli.mustRun("apply", "-auto-approve", "-input=false")
		third := cli.stateInstance(rotationGuideKey)
		if err := obs.seamless(t, second.str("id"), third.str("id"), third.key()); err != nil {
			t.Error(err)
		}
		if env.emu.Authenticates(second.key()) || !env.emu.Authenticates(third.key()) {
			t.Error("after the retried apply, the old key should fail and the new one work")
		}
		cli.expectEmptyPlan()
		cli.mustRun("destroy", "-auto-approve", "-input=false")
		if err := env.checkNoKeysLeft(nil); err != nil {
			t.Error(err)
		}
	})

	// The control: without create_before_destroy Terraform deletes the old
	// key first, and the same check must say so.
	t.Run("without_create_before_destroy_the_check_fails", func(t *testing.T) {
		obs, env, cli, first := startRotationGuide(t, cbd.ReplaceAllString(example, ""))
		env.clock.Advance(77 * day)
		out := cli.mustRun("apply", "-auto-approve", "-input=false")
		expectOutput(t, out, "-/+ destroy and then create replacement")
		second := cli.stateInstance(rotationGuideKey)
		if err := obs.seamless(t, first.str("id"), second.str("id"), second.key()); err == nil {
			t.Error("without create_before_destroy the rotation still looked seamless: the check cannot fail")
		} else {
			t.Logf("as expected without create_before_destroy: %v", err)
		}
		cli.mustRun("destroy", "-auto-approve", "-input=false")
	})

	// The grace window, for consumers Terraform does not update: after the
	// rotation the old key still works, for 24 hours and no longer.
	t.Run("grace_window", func(t *testing.T) {
		env, cli := guideCLI(t, true, "zero-downtime-rotation/grace-window", "main.tf")
		cli.mustRun("apply", "-auto-approve", "-input=false")
		first := cli.stateInstance(rotationGuideKey)
		env.clock.Advance(77 * day)
		out := cli.mustRun("apply", "-auto-approve", "-input=false")
		expectOutput(t, out, "The old key is retired, not deleted: with retire_after = 24h it keeps working until about",
			"Warning: API key retired, not deleted")
		second := cli.stateInstance(rotationGuideKey)
		if !env.emu.Authenticates(first.key()) || !env.emu.Authenticates(second.key()) {
			t.Fatal("right after the rotation both keys must work")
		}
		env.clock.Advance(24*time.Hour - time.Minute)
		if !env.emu.Authenticates(first.key()) {
			t.Error("the old key stopped working inside its 24h window")
		}
		env.clock.Advance(time.Minute + time.Second)
		if env.emu.Authenticates(first.key()) {
			t.Error("the old key still works after its 24h window")
		}
		cli.expectEmptyPlan()
		cli.mustRun("destroy", "-auto-approve", "-input=false")
	})
}
