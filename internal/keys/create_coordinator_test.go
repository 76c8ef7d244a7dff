package keys

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// fakeKeys is an in-memory key store whose POST answers a test can lose or
// hold back.
type fakeKeys struct {
	mu      sync.Mutex
	keys    map[string]client.Key
	next    int
	log     []string
	onPost  func(n int, id string) (lose bool, wait <-chan struct{})
	onList  func() // called as ListKeys begins
	posts   int
	deleted []string
}

func newFakeKeys() *fakeKeys { return &fakeKeys{keys: map[string]client.Key{}} }

func (f *fakeKeys) record(event string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, event)
}

func (f *fakeKeys) CreateKey(_ context.Context, in client.CreateKeyInput) (*client.Key, error) {
	f.mu.Lock()
	f.next++
	f.posts++
	n, id := f.posts, fmt.Sprintf("key-%d", f.next)
	k := client.Key{ID: id, Environment: in.Environment, Description: in.Description, Expiry: in.Expiry,
		Created: time.Now(), Secret: client.Secret("secret-" + id)}
	f.keys[id] = k
	f.mu.Unlock()
	lose, wait := false, (<-chan struct{})(nil)
	if f.onPost != nil {
		lose, wait = f.onPost(n, id)
	}
	if wait != nil {
		<-wait
	}
	f.record(fmt.Sprintf("post %d answered", n))
	if lose {
		return nil, &client.OutcomeUnknownError{Method: "POST", Path: "/keys", Cause: errors.New("connection reset")}
	}
	return &k, nil
}

func (f *fakeKeys) ListKeys(ctx context.Context, in client.ListKeysInput) ([]client.Key, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.record("list")
	if f.onList != nil {
		f.onList()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []client.Key
	for _, k := range f.keys {
		if k.Environment == in.Environment && k.Expiry.After(in.ExpiryAfter) && k.Expiry.Before(in.ExpiryBefore) {
			out = append(out, k)
		}
	}
	return out, nil
}

func (f *fakeKeys) DeleteKey(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.keys[id]; !ok {
		return &client.Error{StatusCode: 404}
	}
	delete(f.keys, id)
	f.deleted = append(f.deleted, id)
	return nil
}

func (f *fakeKeys) ServerTimeOffset() (time.Duration, bool) { return 0, true }

var sameBody = client.CreateKeyInput{Environment: "testing", Description: "dup", Expiry: time.Now().Add(time.Hour).Truncate(time.Second)}

func TestCreateAfterLostAnswerDeletesOrphanAndRetries(t *testing.T) {
	t.Parallel()
	api := newFakeKeys()
	api.onPost = func(n int, _ string) (bool, <-chan struct{}) { return n == 1, nil }
	key, err := newCreateCoordinator(clock.System{}).create(context.Background(), api, sameBody)
	if err != nil {
		t.Fatal(err)
	}
	if len(api.keys) != 1 || api.keys[key.ID].ID != key.ID {
		t.Fatalf("want exactly the returned key %s to survive, have %v", key.ID, api.keys)
	}
	if len(api.deleted) != 1 || api.deleted[0] != "key-1" {
		t.Fatalf("want the orphan key-1 deleted, deleted %v", api.deleted)
	}
}

// TestCreateReconcileSparesSiblingInFlight: a sibling with the same body
// whose POST is still in flight when another create's answer is lost must
// not have its key mistaken for the orphan.
func TestCreateReconcileSparesSiblingInFlight(t *testing.T) {
	t.Parallel()
	s := startSiblingInFlight()
	ours := startCreate(context.Background(), s.co, s.api)

	// Release the sibling only once ours waits for the clean-up round: a
	// broken coordinator lists (and deletes the sibling's key) first.
	awaitPark(t, s.parked, "round")
	close(s.release)
	<-s.sibling.done
	<-ours.done

	if s.sibling.err != nil || ours.err != nil {
		t.Fatalf("errors: sibling %v, ours %v", s.sibling.err, ours.err)
	}
	api, sibling := s.api, s.sibling.key
	for _, id := range api.deleted {
		if id == sibling.ID {
			t.Fatalf("the sibling's key %s was deleted as an orphan (events %v)", id, api.log)
		}
	}
	if _, ok := api.keys[sibling.ID]; !ok {
		t.Fatalf("sibling key %s is gone", sibling.ID)
	}
	if _, ok := api.keys[ours.key.ID]; !ok || len(api.keys) != 2 {
		t.Fatalf("want exactly the two returned keys, have %v", api.keys)
	}
}

// siblingInFlight is a coordinator whose first create (a sibling's) has
// taken effect and holds its answer back until release is closed; the next
// POST (ours) takes effect and loses its answer.
type siblingInFlight struct {
	api     *fakeKeys
	co      *createCoordinator
	parked  <-chan string
	sibling *asyncCreate
	release chan struct{}
}

// startSiblingInFlight starts the sibling's create and returns once its
// POST has taken effect.
func startSiblingInFlight() *siblingInFlight {
	api := newFakeKeys()
	siblingApplied, release := make(chan struct{}), make(chan struct{})
	api.onPost = func(n int, _ string) (bool, <-chan struct{}) {
		switch n {
		case 1:
			close(siblingApplied)
			return false, release
		case 2:
			return true, nil
		}
		return false, nil
	}
	co := newCreateCoordinator(clock.System{})
	s := &siblingInFlight{api: api, co: co, parked: parkEvents(co), release: release}
	s.sibling = startCreate(context.Background(), co, api)
	<-siblingApplied
	return s
}

// parkEvents reports each wait co starts, by what it waits for.
func parkEvents(co *createCoordinator) <-chan string {
	parked := make(chan string, 16)
	co.parked = func(what string) { parked <- what }
	return parked
}

// awaitPark returns once a create parks to wait for what. The bound only
// turns a coordinator that never parks into a failure rather than a hang.
func awaitPark(t *testing.T, parked <-chan string, what string) {
	t.Helper()
	timeout := time.After(hangBound)
	for {
		select {
		case got := <-parked:
			if got == what {
				return
			}
		case <-timeout:
			t.Fatalf("no create parked to wait for %q", what)
		}
	}
}

// returnsWhileHeld reports whether done is closed while what it may wait
// for is still held back: the caller releases that only afterwards, so any
// return proves that done did not wait for it. The bound only turns a wait
// into a failure rather than a hang; no answer depends on how fast a loaded
// machine runs.
func returnsWhileHeld(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	case <-time.After(hangBound):
		return false
	}
}

// hangBound turns a wait that never ends into a test failure.
const hangBound = 30 * time.Second

// TestCreateParkedBehindCleanupReturnsWhenCancelled: a create that waits
// for a sibling's clean-up round before sending returns as soon as its own
// context ends, without sending, and the round still deletes the orphan.
func TestCreateParkedBehindCleanupReturnsWhenCancelled(t *testing.T) {
	t.Parallel()
	api := newFakeKeys()
	api.onPost = func(n int, _ string) (bool, <-chan struct{}) { return n == 1, nil }
	listing, releaseList := make(chan struct{}), make(chan struct{})
	var once sync.Once
	api.onList = func() { once.Do(func() { close(listing); <-releaseList }) }
	co := newCreateCoordinator(clock.System{})
	parked := parkEvents(co)

	first := startCreate(context.Background(), co, api)
	<-listing // the first create's answer was lost; its clean-up round is listing
	cancelParked(t, co, api, parked, "post", func() { close(releaseList) }, first)

	if first.err != nil {
		t.Fatalf("first create: %v", first.err)
	}
	if api.posts != 2 || len(api.keys) != 1 || api.keys[first.key.ID].ID != first.key.ID {
		t.Fatalf("%d POSTs, keys %v: want 2 POSTs (none from the cancelled create) and only %s left", api.posts, api.keys, first.key.ID)
	}
}

// asyncCreate is a create running in the background.
type asyncCreate struct {
	done chan struct{}
	key  *client.Key
	err  error
}

func startCreate(ctx context.Context, co *createCoordinator, api creatorAPI) *asyncCreate {
	a := &asyncCreate{done: make(chan struct{})}
	go func() { defer close(a.done); a.key, a.err = co.create(ctx, api, sameBody) }()
	return a
}

// cancelParked starts a create, waits until it parks to wait for what, and
// cancels it; then it calls release, to let what it waited for end, and
// waits for it and others. The create must have returned before the release,
// and said that it was cancelled.
func cancelParked(t *testing.T, co *createCoordinator, api creatorAPI, parked <-chan string, what string, release func(), others ...*asyncCreate) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := startCreate(ctx, co, api)
	awaitPark(t, parked, what)
	cancel()
	returned := returnsWhileHeld(cancelled.done)
	release()
	for _, o := range append(others, cancelled) {
		<-o.done
	}
	if !returned {
		t.Errorf("a create waiting for %q did not return after its cancellation until what it waited for ended", what)
	}
	if !errors.Is(cancelled.err, context.Canceled) {
		t.Errorf("the cancelled create returned %v, want the cancellation", cancelled.err)
	}
}

// TestCreateLostAnswerCancelledWhileWaitingLeavesNoOrphan: a create whose
// answer was lost and whose context ends while a sibling's POST is still in
// flight returns at once; the sibling, whose POST ends last, runs the
// clean-up that deletes the orphan.
func TestCreateLostAnswerCancelledWhileWaitingLeavesNoOrphan(t *testing.T) {
	t.Parallel()
	s := startSiblingInFlight()
	cancelParked(t, s.co, s.api, s.parked, "round", func() { close(s.release) }, s.sibling)

	api, sibling := s.api, s.sibling
	if sibling.err != nil {
		t.Fatalf("sibling: %v", sibling.err)
	}
	if len(api.keys) != 1 || api.keys[sibling.key.ID].ID != sibling.key.ID || len(api.deleted) != 1 {
		t.Fatalf("keys %v, deleted %v: want the orphan deleted and only the sibling's key %s left", api.keys, api.deleted, sibling.key.ID)
	}
}

// TestCreateCoordinatorForgetsIdleGroups: what the coordinator remembers
// (a group per body, the ids it created) is bounded by recent creates, not
// by how many there have been.
func TestCreateCoordinatorForgetsIdleGroups(t *testing.T) {
	t.Parallel()
	clk := clock.NewMockAt(time.Now())
	co := newCreateCoordinator(clk)
	api := newFakeKeys()
	api.onPost = func(n int, _ string) (bool, <-chan struct{}) { return n%3 == 0, nil }
	const creates = 60
	for i := range creates {
		in := sameBody
		in.Description = fmt.Sprintf("key %d", i)
		if _, err := co.create(context.Background(), api, in); err != nil {
			t.Fatal(err)
		}
	}
	if groups, claims := coordinatorSize(co); groups != creates || claims != creates {
		t.Fatalf("%d groups, %d claims after %d creates; want one each per create until the claims expire", groups, claims, creates)
	}
	clk.Advance(claimRetention + time.Second)
	in := sameBody
	in.Description = "after a minute"
	if _, err := co.create(context.Background(), api, in); err != nil {
		t.Fatal(err)
	}
	if groups, claims := coordinatorSize(co); groups != 1 || claims != 1 {
		t.Fatalf("%d groups, %d claims a minute later; want only the latest create's", groups, claims)
	}
	clk.Advance(claimRetention + time.Second)
	co.mu.Lock()
	co.prune()
	co.mu.Unlock()
	if groups, claims := coordinatorSize(co); groups != 0 || claims != 0 {
		t.Fatalf("%d groups, %d claims when idle; want none", groups, claims)
	}

	// A create that fails leaves nothing to remember at all.
	if _, err := co.create(context.Background(), &failingCreate{fakeKeys: newFakeKeys()}, sameBody); err == nil {
		t.Fatal("want the 403")
	}
	if groups, claims := coordinatorSize(co); groups != 0 || claims != 0 {
		t.Fatalf("%d groups, %d claims after a failed create; want none", groups, claims)
	}
}

// coordinatorSize reports how many groups and claimed ids co holds.
func coordinatorSize(co *createCoordinator) (groups, claims int) {
	co.mu.Lock()
	defer co.mu.Unlock()
	for _, g := range co.groups {
		claims += len(g.claimed)
	}
	return len(co.groups), claims
}

func TestCreateGivesUpAfterBoundedAttempts(t *testing.T) {
	t.Parallel()
	api := newFakeKeys()
	api.onPost = func(int, string) (bool, <-chan struct{}) { return true, nil }
	_, err := newCreateCoordinator(clock.System{}).create(context.Background(), api, sameBody)
	if !client.IsOutcomeUnknown(err) {
		t.Fatalf("want the lost-answer error after %d attempts, got %v", maxCreateAttempts, err)
	}
	if api.posts != maxCreateAttempts || len(api.keys) != 0 {
		t.Fatalf("%d POSTs, %d keys left; want %d POSTs and no key left", api.posts, len(api.keys), maxCreateAttempts)
	}
}

func TestCreatePassesOtherErrorsThrough(t *testing.T) {
	t.Parallel()
	api := &failingCreate{fakeKeys: newFakeKeys()}
	_, err := newCreateCoordinator(clock.System{}).create(context.Background(), api, sameBody)
	if !client.IsForbidden(err) || api.posts != 1 {
		t.Fatalf("want one POST and the 403 back, got %d POSTs and %v", api.posts, err)
	}
}

type failingCreate struct{ *fakeKeys }

func (f *failingCreate) CreateKey(context.Context, client.CreateKeyInput) (*client.Key, error) {
	f.posts++
	return nil, &client.Error{StatusCode: 403, Detail: "no production access"}
}

// TestCreateInterruptedStillCleansUp: Ctrl-C while a POST is out cancels the
// context; the key that POST made must still be found and deleted.
func TestCreateInterruptedStillCleansUp(t *testing.T) {
	t.Parallel()
	api := newFakeKeys()
	ctx, cancel := context.WithCancel(context.Background())
	api.onPost = func(int, string) (bool, <-chan struct{}) {
		cancel() // the user interrupts while the answer is on its way
		return true, nil
	}
	_, err := newCreateCoordinator(clock.System{}).create(ctx, api, sameBody)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want the interruption reported, got %v", err)
	}
	if api.posts != 1 || len(api.keys) != 0 || len(api.deleted) != 1 {
		t.Fatalf("%d POSTs, keys left %v, deleted %v: want 1 POST and its key deleted", api.posts, api.keys, api.deleted)
	}
}

// TestCreateInputFieldsCount: every field of client.CreateKeyInput counts in
// the signature (siblings of different bodies never wait for each other's
// clean-up) and in madeBy (a key that differs in it is never taken for an
// orphan). A field added to the input and forgotten here fails.
func TestCreateInputFieldsCount(t *testing.T) {
	t.Parallel()
	in := client.CreateKeyInput{Environment: "testing", Description: "dup", UserID: "u1",
		Expiry: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)}
	made := client.Key{ID: "k", Environment: in.Environment, Description: in.Description, UserID: in.UserID, Expiry: in.Expiry}
	if !madeBy(made, in) {
		t.Fatal("the key a create made does not match its input")
	}
	typ := reflect.TypeFor[client.CreateKeyInput]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		other := in
		changeField(t, reflect.ValueOf(&other).Elem().Field(i), name)
		if signature(other) == signature(in) {
			t.Errorf("CreateKeyInput.%s does not count in signature", name)
		}
		key := made
		f := reflect.ValueOf(&key).Elem().FieldByName(name)
		if !f.IsValid() {
			t.Errorf("client.Key has no field %s to compare with CreateKeyInput.%s", name, name)
			continue
		}
		changeField(t, f, name)
		if madeBy(key, in) {
			t.Errorf("a key whose %s differs is taken for one the create made", name)
		}
	}
}

// changeField gives f, a field of a key or an input, another value.
func changeField(t *testing.T, f reflect.Value, name string) {
	t.Helper()
	switch v := f.Interface().(type) {
	case string:
		f.SetString(v + "-other")
	case time.Time:
		f.Set(reflect.ValueOf(v.Add(time.Hour)))
	case map[string]string:
		other := maps.Clone(v)
		if other == nil {
			other = map[string]string{}
		}
		other["changed"] = "yes"
		f.Set(reflect.ValueOf(other))
	default:
		t.Fatalf("%s: a field of a type this test cannot change; teach it", name)
	}
}
