package provider

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// Without page tokens (no-key-paging), GET /keys answers the first `limit`
// keys and nothing says there are more: every listing must still reach every
// key, in a bounded number of requests (client.KeyPages).

// TestAccVariantNoKeyPaging_refresh: a refresh served from listings of
// seven keys a page stays correct: the full, tokenless first page is listed
// again with the largest page, a deleted key is still read on its own and
// warned about, and a plan costs the credentials check, two listings and
// that one GET. With the provider's defaults, N managed keys cost at most
// about N requests: 15 GETs, one listing and the check for N >= 16.
func TestAccVariantNoKeyPaging_refresh(t *testing.T) {
	t.Parallel()
	t.Run("listing of seven a page", func(t *testing.T) {
		t.Parallel()
		env := newTestEnv(t, false, withVariants(emulator.VariantNoKeyPaging))
		env.providerOpts = []Option{WithKeyListing(1, 7)}
		cli := newTFCLI(t, env)
		cli.write(countedKeysConfig(env, 12, env.future(30*day)))
		cli.mustRun("apply", "-auto-approve")
		deleted := cli.stateInstance("domaintrust_api_key.n[5]").str("id")
		if err := env.emu.DeleteKeyOutOfBand(deleted); err != nil {
			t.Fatal(err)
		}
		count := env.countRequests()
		out := cli.mustRun("plan")
		expectOutput(t, out, "Warning: API key deleted outside Terraform", "Domain Trust API key "+deleted,
			"Plan: 1 to add, 0 to change, 0 to destroy.")
		if lists, gets, checks := count.Of(emulator.RouteListKeys), count.Of(emulator.RouteGetKey), count.Of(emulator.RouteGetUser); lists != 2 || gets != 1 || checks != 1 {
			t.Errorf("plan: %d GET /keys, %d GET /keys/{id}, %d GET /user; want 2, 1 and 1", lists, gets, checks)
		}
		cli.mustRun("destroy", "-auto-approve")
	})
	t.Run("provider defaults", func(t *testing.T) {
		t.Parallel()
		n := 40
		if v, err := strconv.Atoi(os.Getenv("DOMAINTRUST_TEST_REFRESH_KEYS")); err == nil && v > 0 {
			n = v // make measurements: DOMAINTRUST_TEST_REFRESH_KEYS=500
		}
		env := newTestEnv(t, false, withVariants(emulator.VariantNoKeyPaging))
		seedKeys(env, env.boot.UserID, "not managed", 990)
		cli := newTFCLI(t, env)
		cli.write(countedKeysConfig(env, n, env.future(30*day)))
		cli.mustRun("apply", "-auto-approve", "-parallelism=20")
		count := env.countRequests()
		cli.expectEmptyPlan()
		total, lists, gets := count.Total(), count.Of(emulator.RouteListKeys), count.Of(emulator.RouteGetKey)
		t.Logf("refresh of %d keys (in an account of %d) without page tokens: %d requests (%d GET /keys, %d GET /keys/{id})",
			n, n+991, total, lists, gets)
		if total > int64(min(n, 15)+2) || lists > 1 {
			t.Errorf("%d keys: %d requests (%d GET /keys, %d GET /keys/{id}); want at most %d, one listing",
				n, total, lists, gets, min(n, 15)+2)
		}
		cli.mustRun("destroy", "-auto-approve", "-parallelism=20")
	})
}

// TestAccVariantNoKeyPaging_dataSource: the domaintrust_api_keys data
// source lists all 151 keys, not the first page of 100.
func TestAccVariantNoKeyPaging_dataSource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantNoKeyPaging))
	seedKeys(env, env.boot.UserID, "seeded", 150)
	count := env.countRequests()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: keysDataSourceConfig(env, map[string]string{"all": ""}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.domaintrust_api_keys.all", tfjsonpath.New("keys"), listOfLength(151)),
			},
		}},
	})
	// Each read of the data source: the page of 100, then the same window
	// at the largest page.
	if lists, reads := count.Of(emulator.RouteListKeys), int64(2); lists%reads != 0 || lists == 0 {
		t.Errorf("%d GET /keys: want two per read of the data source", lists)
	}
}

// listOfLength is a knownvalue check of a list's length only.
func listOfLength(n int) knownvalue.Check {
	checks := make([]knownvalue.Check, n)
	for i := range checks {
		checks[i] = knownvalue.NotNull()
	}
	return knownvalue.ListExact(checks)
}

// TestProtocolVariantNoKeyPaging_list: terraform query lists every key, and
// stops at its limit, without page tokens.
func TestProtocolVariantNoKeyPaging_list(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantNoKeyPaging))
	want := append([]string{env.boot.KeyID}, seedKeys(env, env.boot.UserID, "seeded", 249)...)
	p := env.protocol(t)
	for _, tc := range []struct {
		limit, results, requests int64
	}{{0, 250, 2}, {50, 50, 1}, {150, 150, 2}} {
		t.Run(fmt.Sprint("limit ", tc.limit), func(t *testing.T) {
			count := env.countRequests()
			ids := p.listedIDs(p.list(nil, false, tc.limit))
			if int64(len(ids)) != tc.results || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
				t.Fatalf("%d results (each once?), want %d", len(ids), tc.results)
			}
			if tc.limit == 0 {
				sameIDs(t, "all keys", ids, want...)
			}
			if got := count.Of(emulator.RouteListKeys); got != tc.requests {
				t.Errorf("%d GET /keys, want %d", got, tc.requests)
			}
		})
	}
}

// TestProtocolVariantExpiredHidden_listings: under expired-hidden,
// terraform query and the domaintrust_api_keys data source list the live
// keys, and an expired key is simply absent.
func TestProtocolVariantExpiredHidden_listings(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false, withVariants(emulator.VariantExpiredHidden))
	live := append([]string{env.boot.KeyID}, seedKeys(env, env.boot.UserID, "live", 3)...)
	expired, _ := env.issueKey(env.boot.UserID, testingKey("expired", env.clock.Now().Add(-day)))
	p := env.protocol(t)
	ids := p.listedIDs(p.list(nil, false, 0))
	sameIDs(t, "terraform query", ids, live...)
	if slices.Contains(ids, expired.ID) {
		t.Error("the expired key was listed")
	}
	p.requireNoErrors("data source", p.readDataSource("domaintrust_api_keys", nil))
}
