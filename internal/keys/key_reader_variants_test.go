package keys

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulatortest"
)

// newVariantEnv is newTestEnv with the emulator under variants.
func newVariantEnv(t *testing.T, variants ...emulator.Variant) *testEnv {
	t.Helper()
	s := emulatortest.Start(t, emulatortest.Options{Variants: variants})
	return &testEnv{t: t, server: s, emu: s.Emulator, clock: s.Clock, boot: s.Boot, endpoint: s.Endpoint}
}

// TestKeyReader_withoutPageTokens: under no-key-paging, reads ten at a time
// share one listing that reaches every key although the API gives no page
// token: its full first page of 25 is listed again at the largest page.
// 60 keys cost the reads before the threshold and two listing requests;
// 500 with the provider's policy, 15 GETs and one listing, as with tokens.
func TestKeyReader_withoutPageTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		keys        int
		policy      ListPolicy
		gets, lists int64
	}{
		{60, ListPolicy{Threshold: 5, PageSize: 25, MaxHeld: 1000}, 4, 2},
		{500, DefaultListPolicy, 15, 1},
	} {
		t.Run(fmt.Sprint(tc.keys), func(t *testing.T) {
			t.Parallel()
			env := newVariantEnv(t, emulator.VariantNoKeyPaging)
			ids := seedKeys(env, env.boot.UserID, "unpaged", tc.keys)
			data := listingService(t, env, tc.policy)
			count := env.countRequests()
			var wrong atomic.Int32
			readTenAtATime(ids, func(id string) {
				if k, err := data.ReadManaged(context.Background(), id, env.boot.UserID); err != nil || k.ID != id {
					wrong.Add(1)
				}
			})
			if wrong.Load() != 0 {
				t.Errorf("%d reads failed or got another key", wrong.Load())
			}
			if gets, lists := getsAndLists(count); gets != tc.gets || lists != tc.lists {
				t.Errorf("%d keys: %d GETs and %d listing requests, want %d and %d", tc.keys, gets, lists, tc.gets, tc.lists)
			}
		})
	}
}

// TestKeyReader_expiredHidden: under expired-hidden, a listing leaves an
// expired key out and its read falls back to GET, which proves it gone.
func TestKeyReader_expiredHidden(t *testing.T) {
	t.Parallel()
	env := newVariantEnv(t, emulator.VariantExpiredHidden)
	ids := seedKeys(env, env.boot.UserID, "live", 5)
	expired, _, err := env.emu.IssueKey(env.boot.UserID, emulator.KeySpec{Expiry: env.clock.Now().Add(-day)})
	if err != nil {
		t.Fatal(err)
	}
	data := listingService(t, env, ListPolicy{Threshold: 1, PageSize: 100, MaxHeld: 1000})
	readEachCosting(t, env, data, ids, 0, 1, "every live key from one listing")
	_, err = data.ReadManaged(context.Background(), expired.ID, env.boot.UserID)
	if !data.ProvenNotFound(context.Background(), err) {
		t.Errorf("reading the expired key: %v, want a proven 404", err)
	}
}
