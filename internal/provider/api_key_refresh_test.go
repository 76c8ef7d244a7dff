package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// Refresh through the real CLI: how many requests a plan sends, and that the
// keys served from a listing are warned about as GETs were.

// countedKeysConfig declares n keys with count.
func countedKeysConfig(env *testEnv, n int, expiration string) string {
	return env.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "n" {
  count       = %d
  environment = "testing"
  description = "refresh ${count.index}"
  expiration  = %q
}
`, n, expiration)
}

// TestAccAPIKey_refreshFromListingKeepsDriftWarnings: with every read served
// from a listing (threshold 1), a key deleted outside Terraform is still
// read on its own, warned about and removed from state, and a key changed
// outside Terraform is still warned about with the change; the plan costs
// the credentials check, one listing and the one GET.
func TestAccAPIKey_refreshFromListingKeepsDriftWarnings(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	env.providerOpts = []Option{WithKeyListing(1, 7)}
	cli := newTFCLI(t, env)
	exp := env.future(30 * day)
	cli.write(countedKeysConfig(env, 12, exp))
	cli.mustRun("apply", "-auto-approve")
	ids := map[string]string{}
	for _, in := range cli.stateInstances() {
		ids[in.Addr] = in.str("id")
	}
	deleted, changed := ids["domaintrust_api_key.n[3]"], ids["domaintrust_api_key.n[7]"]
	if err := env.emu.DeleteKeyOutOfBand(deleted); err != nil {
		t.Fatal(err)
	}
	other := "changed in the dashboard"
	newExpiry := env.clock.Now().Add(90 * day).UTC().Truncate(time.Second)
	if err := env.emu.UpdateKeyOutOfBand(changed, &other, &newExpiry); err != nil {
		t.Fatal(err)
	}

	count := env.countRequests()
	out := cli.mustRun("plan")
	expectOutput(t, out,
		"Warning: API key deleted outside Terraform",
		`Domain Trust API key `+deleted+` ("refresh 3") no longer exists in Domain Trust`,
		"Warning: API key changed outside Terraform",
		"Domain Trust API key "+changed+" was changed outside Terraform",
		`description "refresh 7" → "changed in the dashboard"`,
		"expiration "+exp+" → "+newExpiry.Format(time.RFC3339),
		"domaintrust_api_key.n[3] will be created",
		"Plan: 1 to add, 1 to change, 0 to destroy.")
	// 12 keys and the bootstrap key: two pages of seven.
	if lists, gets, checks := count.Of(emulator.RouteListKeys), count.Of(emulator.RouteGetKey), count.Of(emulator.RouteGetUser); lists != 2 || gets != 1 || checks != 1 {
		t.Errorf("plan: %d listing pages, %d GET /keys/{id}, %d GET /user; want 2, 1 (the deleted key) and 1", lists, gets, checks)
	}

	cli.mustRun("apply", "-refresh-only", "-auto-approve")
	for _, in := range cli.stateInstances() {
		if in.str("id") == deleted {
			t.Errorf("the deleted key %s is still in state as %s", deleted, in.Addr)
		}
	}
}

// TestAccAPIKey_refreshRequestCounts: with the provider's own policy, ten
// managed keys in an account of 5,000 cost ten GETs and the credentials
// check, and no listing; forty cost at most 20 requests, one of them the
// listing, and still propose no change.
func TestAccAPIKey_refreshRequestCounts(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	seedKeys(env, env.boot.UserID, "not managed", 4990)
	cli := newTFCLI(t, env)
	exp := env.future(30 * day)

	cli.write(countedKeysConfig(env, 10, exp))
	cli.mustRun("apply", "-auto-approve")
	count := env.countRequests()
	cli.expectEmptyPlan()
	if gets, lists, checks := count.Of(emulator.RouteGetKey), count.Of(emulator.RouteListKeys), count.Of(emulator.RouteGetUser); gets != 10 || lists != 0 || checks != 1 {
		t.Errorf("ten keys in an account of 5,000: %d GET /keys/{id}, %d GET /keys, %d GET /user; want 10, 0 and 1", gets, lists, checks)
	}

	cli.write(countedKeysConfig(env, 40, exp))
	cli.mustRun("apply", "-auto-approve")
	count = env.countRequests()
	cli.expectEmptyPlan()
	requests := count.Total()
	if lists := count.Of(emulator.RouteListKeys); requests > 20 || lists != 1 {
		t.Errorf("forty keys: %d requests (%d GET /keys/{id}, %d GET /keys), want at most 20 with one listing",
			requests, count.Of(emulator.RouteGetKey), lists)
	}
	if t.Failed() {
		t.Logf("requests by route: %v", strings.TrimSpace(fmt.Sprint(env.stats().ByRoute)))
	}
}
