package keys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulatortest"
)

// listFromFirstRead lists an owner's keys, in one page, at the first read.
var listFromFirstRead = ListPolicy{Threshold: 1, PageSize: 100, MaxHeld: 1000}

// readTenAtATime calls read for each of ids from ten goroutines, as
// Terraform refreshes (its default -parallelism), and returns once all have
// returned.
func readTenAtATime(ids []string, read func(id string)) {
	work := make(chan string)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for id := range work {
				read(id)
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
}

// readEachCosting reads ids, keys of env's admin, one by one through data,
// fails at the first error, and fails unless together the reads cost gets
// GET /keys/{id} and lists GET /keys pages (why says why those). It returns
// what the reads gave.
func readEachCosting(t *testing.T, env *testEnv, data *Service, ids []string, gets, lists int64, why string) map[string]client.Key {
	t.Helper()
	count := env.countRequests()
	got := map[string]client.Key{}
	for _, id := range ids {
		k, err := data.ReadManaged(context.Background(), id, env.boot.UserID)
		if err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		got[id] = *k
	}
	if g, l := getsAndLists(count); g != gets || l != lists {
		t.Errorf("%d GET /keys/{id} and %d GET /keys pages, want %d and %d: %s", g, l, gets, lists, why)
	}
	return got
}

// checkReadEachAsGet is readEachCosting, and fails unless each read gave
// what GET /keys/{id} answers.
func checkReadEachAsGet(t *testing.T, env *testEnv, data *Service, ids []string, gets, lists int64, why string) {
	t.Helper()
	got := readEachCosting(t, env, data, ids, gets, lists, why)
	want := map[string]client.Key{}
	for _, id := range ids {
		k, err := data.Get(context.Background(), id)
		if err != nil {
			t.Fatalf("GET %s: %v", id, err)
		}
		want[id] = *k
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the keys read differ from GET /keys/{id}'s:\n got %+v\nwant %+v", got, want)
	}
}

// getsAndLists is how many GET /keys/{id} and GET /keys (pages) count has
// seen.
func getsAndLists(count *emulatortest.Counter) (gets, lists int64) {
	return count.Of(emulator.RouteGetKey), count.Of(emulator.RouteListKeys)
}

// TestKeyReader_listingSpansPagesAndGivesWhatGetGives: once the threshold-th
// read of an owner's keys arrives, one listing (here over five pages) serves
// it and every later read, with exactly what GET /keys/{id} answers.
func TestKeyReader_listingSpansPagesAndGivesWhatGetGives(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "paged", 30)
	data := listingService(t, env, ListPolicy{Threshold: 5, PageSize: 7, MaxHeld: 1000})

	checkReadEachAsGet(t, env, data, ids, 4, 5,
		"the reads before the threshold, and 30 keys and the bootstrap key in pages of seven")
}

// TestKeyReader_keyOnTwoPages: a listing whose pages shifted (a key sent on
// two pages) still serves every read, once each, with what GET /keys/{id}
// answers: the reader relies on the client's rule (client.KeyPages).
func TestKeyReader_keyOnTwoPages(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "shifted", 12)
	shifted := emulatortest.NewShiftedListing(t)
	env.wrap(shifted.Middleware)
	data := listingService(t, env, ListPolicy{Threshold: 2, PageSize: 5, MaxHeld: 1000})

	checkReadEachAsGet(t, env, data, ids, 1, 3,
		"the read before the threshold, and 12 keys and the bootstrap key in pages of five")
	if shifted.Repeated() == 0 {
		t.Fatal("the listing did not shift: no key was sent twice")
	}
}

// TestKeyReader_fewReadsNeverList: ten managed keys in an account of 5,000
// are ten GETs and no listing, with the provider's own policy.
func TestKeyReader_fewReadsNeverList(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "account", 5000)
	data := listingService(t, env, DefaultListPolicy)

	readEachCosting(t, env, data, ids[2000:2010], 10, 0, "ten reads stay below the threshold")
}

// TestKeyReader_keyMissingFromListingIsReadOnItsOwn: a key the listing does
// not hold is read with GET /keys/{id}: one created since is found, one
// deleted is a 404 that the provider proves before it forgets the key.
func TestKeyReader_keyMissingFromListingIsReadOnItsOwn(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "listed", 3)
	data := listingService(t, env, listFromFirstRead)
	ctx := context.Background()
	if err := env.emu.DeleteKeyOutOfBand(ids[1]); err != nil {
		t.Fatal(err)
	}

	count := env.countRequests()
	if _, err := data.ReadManaged(ctx, ids[0], env.boot.UserID); err != nil {
		t.Fatal(err)
	}
	if gets, lists := getsAndLists(count); gets != 0 || lists != 1 {
		t.Fatalf("first read: %d GETs and %d listings, want 0 and 1", gets, lists)
	}

	later := seedKeys(env, env.boot.UserID, "created since", 1)[0]
	k, err := data.ReadManaged(ctx, later, env.boot.UserID)
	if err != nil || k.ID != later || k.Description != "created since 0" {
		t.Fatalf("a key created after the listing: %+v, %v", k, err)
	}
	_, err = data.ReadManaged(ctx, ids[1], env.boot.UserID)
	if err == nil || !data.ProvenNotFound(ctx, err) {
		t.Fatalf("a deleted key: %v, want a proven 404", err)
	}
	if gets, lists := getsAndLists(count); gets != 2 || lists != 1 {
		t.Errorf("%d GETs and %d listings, want 2 (one per key missing from the listing) and 1", gets, lists)
	}
}

// TestKeyReader_writeEndsListing: after a write through the service, a read gets the key as it is now, not as the listing saw it.
func TestKeyReader_writeEndsListing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "before", 3)
	data := listingService(t, env, listFromFirstRead)
	ctx := context.Background()

	if _, err := data.ReadManaged(ctx, ids[0], env.boot.UserID); err != nil {
		t.Fatal(err)
	}
	after := "after the write"
	if _, err := data.Update(ctx, ids[1], client.UpdateKeyInput{Description: &after}); err != nil {
		t.Fatal(err)
	}
	k, err := data.ReadManaged(ctx, ids[1], env.boot.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if k.Description != after {
		t.Errorf("read after the write: description %q, want %q (a listing from before the write was used)", k.Description, after)
	}
}

// TestKeyReader_writeDuringListingEndsIt: a listing that a write overlaps
// serves nothing, even though its answer came after the write.
func TestKeyReader_writeDuringListingEndsIt(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "overlap", 4)
	var data *Service
	var once sync.Once
	env.hook(func(r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/keys" {
			once.Do(func() {
				d := "written while listing"
				if _, err := data.Update(r.Context(), ids[3], client.UpdateKeyInput{Description: &d}); err != nil {
					t.Errorf("update: %v", err)
				}
			})
		}
	})
	data = listingService(t, env, listFromFirstRead)

	// The first read's listing overlapped the write; the next read starts a
	// listing of the new generation, which serves the third.
	readEachCosting(t, env, data, ids[:3], 1, 2, "a GET for the read whose listing a write overlapped, and two listings")
}

// TestKeyReader_otherUsersKeysUseTheirFilter: an admin's reads of another
// user's keys list that user's keys (userID=...), and their own keys their own.
func TestKeyReader_otherUsersKeysUseTheirFilter(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	member := env.addUser(env.boot.OrganizationID, "member@example.com", emulator.RoleMember)
	theirs := seedKeys(env, member, "theirs", 3)
	mine := seedKeys(env, env.boot.UserID, "mine", 3)
	var mu sync.Mutex
	var filters []string
	env.hook(func(r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/keys" {
			mu.Lock()
			filters = append(filters, r.URL.Query().Get("userID"))
			mu.Unlock()
		}
	})
	data := listingService(t, env, listFromFirstRead)

	count := env.countRequests()
	for i := range theirs {
		for _, c := range []struct{ id, owner string }{{theirs[i], member}, {mine[i], env.boot.UserID}} {
			k, err := data.ReadManaged(context.Background(), c.id, c.owner)
			if err != nil || k.ID != c.id || k.UserID != c.owner {
				t.Fatalf("read %s of %s: %+v, %v", c.id, c.owner, k, err)
			}
		}
	}
	if gets := count.Of(emulator.RouteGetKey); gets != 0 {
		t.Errorf("%d GETs, want 0: each user's listing holds their keys", gets)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{member, env.boot.UserID}; !reflect.DeepEqual(filters, want) {
		t.Errorf("listings with userID %q, want %q", filters, want)
	}
}

// TestKeyReader_interruptedListingIsDropped: a listing cancelled between
// pages serves nothing, not even the keys of the pages it had read, and the
// owner is not listed again: the reads fall back to GETs.
func TestKeyReader_interruptedListingIsDropped(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "interrupted", 6)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env.hook(func(r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/keys" && r.URL.Query().Get("pageToken") != "" {
			cancel() // Terraform interrupted while the second page was on its way
		}
	})
	data := listingService(t, env, ListPolicy{Threshold: 1, PageSize: 2, MaxHeld: 1000})

	if _, err := data.ReadManaged(ctx, ids[0], env.boot.UserID); err == nil {
		t.Fatal("the interrupted read succeeded")
	}
	checkReadEachAsGet(t, env, data, ids, 6, 0, "after the interruption, every read is a GET")
}

// TestKeyReader_concurrentReadsShareOneListing: reads arriving ten at a time,
// as Terraform sends them, wait for the one listing rather than each
// starting their own, and get their own keys.
func TestKeyReader_concurrentReadsShareOneListing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "parallel", 60)
	data := listingService(t, env, ListPolicy{Threshold: 5, PageSize: 25, MaxHeld: 1000})

	count := env.countRequests()
	var wrong atomic.Int32
	readTenAtATime(ids, func(id string) {
		k, err := data.ReadManaged(context.Background(), id, env.boot.UserID)
		if err != nil || k.ID != id {
			wrong.Add(1)
		}
	})
	if wrong.Load() != 0 {
		t.Errorf("%d reads failed or got another key", wrong.Load())
	}
	// 60 keys and the bootstrap key: three pages of 25.
	if gets, lists := getsAndLists(count); gets != 4 || lists != 3 {
		t.Errorf("%d GETs and %d listing pages, want 4 and 3", gets, lists)
	}
}

// TestKeyReader_requestsPerRefresh: with the provider's own policy, reads of
// 500 and 1,000 keys, ten at a time, cost 15 GETs and one listing each: with
// the credentials check, 17 requests per refresh, within the budget of 20.
func TestKeyReader_requestsPerRefresh(t *testing.T) {
	t.Parallel()
	for _, n := range []int{500, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			ids := seedKeys(env, env.boot.UserID, "refresh", n)
			data := listingService(t, env, DefaultListPolicy)
			count := env.countRequests()
			readTenAtATime(ids, func(id string) {
				if k, err := data.ReadManaged(context.Background(), id, env.boot.UserID); err != nil || k.ID != id {
					t.Errorf("read %s: %v", id, err)
				}
			})
			gets, lists := getsAndLists(count)
			if gets != DefaultListThreshold-1 || lists != 1 || gets+lists+1 > 20 {
				t.Errorf("%d keys: %d GETs and %d listings, want %d and 1", n, gets, lists, DefaultListThreshold-1)
			}
		})
	}
}

// TestKeyReader_waitHonoursContext: a read waiting for a listing gives up
// when its context ends, without waiting for the listing.
func TestKeyReader_waitHonoursContext(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ids := seedKeys(env, env.boot.UserID, "waiting", 2)
	release := make(chan struct{})
	listing := make(chan struct{})
	env.hook(func(r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/keys" {
			close(listing)
			<-release
		}
	})
	data := listingService(t, env, listFromFirstRead)

	first := make(chan error, 1)
	go func() {
		_, err := data.ReadManaged(context.Background(), ids[0], env.boot.UserID)
		first <- err
	}()
	<-listing
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := data.ReadManaged(ctx, ids[1], env.boot.UserID); !errors.Is(err, context.Canceled) {
		t.Errorf("a read whose context ended while waiting: %v, want context.Canceled", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("the listing read: %v", err)
	}
}

// TestWriteFence_coversEveryWrite: every method of API is known here as a
// read or a write, and writeFence brackets each write (a method only
// promoted from the embedded API would let a write leave listings in use).
// A method added to API fails this test until it is classified.
func TestWriteFence_coversEveryWrite(t *testing.T) {
	t.Parallel()
	reads := []string{"CurrentUser", "GetKey", "ListKeys", "ListKeysPage", "ServerTimeOffset"}
	writes := []string{"CreateKey", "DeleteKey", "UpdateKey"}
	api := reflect.TypeFor[API]()
	for i := range api.NumMethod() {
		name := api.Method(i).Name
		if slices.Contains(reads, name) {
			continue
		}
		if !slices.Contains(writes, name) {
			t.Errorf("API.%s is neither a read nor a write here: if it changes keys, override it in writeFence", name)
			continue
		}
		reader := newKeyReader(nil, DefaultListPolicy)
		method := reflect.ValueOf(writeFence{reads: reader}).MethodByName(name)
		args := make([]reflect.Value, method.Type().NumIn())
		for j := range args {
			args[j] = reflect.Zero(method.Type().In(j))
		}
		args[0] = reflect.ValueOf(context.Background())
		func() {
			// The embedded API is nil: the call panics once it reaches it.
			defer func() { _ = recover() }()
			method.Call(args)
		}()
		if reader.generation == 0 {
			t.Errorf("writeFence.%s does not end earlier listings", name)
		}
	}
}

// BenchmarkKeyReader_refresh measures where listing starts to pay: a refresh
// of M managed keys, read ten at a time as Terraform does, in an account of
// 5,000 keys behind 50 ms of latency, with GETs only and with the provider's
// policy. go test -run '^$' -bench KeyReader -benchtime 3x ./internal/keys/
func BenchmarkKeyReader_refresh(b *testing.B) {
	const account, latency = 5000, 50 * time.Millisecond
	emu := emulatortest.Start(b, emulatortest.Options{Emulator: emulator.Options{Latency: latency}})
	boot := emu.Boot
	ids := make([]string, account)
	for i := range ids {
		k, _, err := emu.Emulator.IssueKey(boot.UserID, emulator.KeySpec{Environment: "testing", Description: fmt.Sprintf("account %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = k.ID
	}
	cfg := client.DefaultConfig()
	cfg.Endpoint, cfg.APIKey = emu.Endpoint, boot.APIKey
	c, err := client.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []int{10, 16, 20, 30, 50, 100, 500} {
		for _, p := range []struct {
			name   string
			policy ListPolicy
		}{{"gets", ListPolicy{}}, {"policy", DefaultListPolicy}} {
			b.Run(fmt.Sprintf("managed=%d/%s", m, p.name), func(b *testing.B) {
				count := emu.Count()
				for b.Loop() {
					reads := newKeyReader(c, p.policy)
					readTenAtATime(ids[account-m:], func(id string) {
						if _, err := reads.read(context.Background(), id, boot.UserID); err != nil {
							b.Error(err)
						}
					})
				}
				b.ReportMetric(float64(count.Total())/float64(b.N), "requests/op")
			})
		}
	}
}
