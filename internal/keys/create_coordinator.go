package keys

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// When a POST /keys answer is lost (connection reset after sending, timeout,
// 502), the key may or may not exist. Retrying blindly could leave a live,
// untracked credential behind; giving up could too. The coordinator makes
// sure that after such a failure every key the lost request may have made is
// found and deleted before the create is tried again.
//
// The hard part is siblings: `for_each` over equal attributes runs creates
// with identical bodies in parallel, and a sibling's key looks exactly like
// an orphan. So, per body signature, the coordinator keeps track of POSTs in
// flight and of the ids this process created. A lost answer adds its send
// time to the group's next clean-up round; the round runs once no POST of
// that signature is in flight (every sibling's key is then claimed, or itself
// an orphan of the round), and new POSTs of that signature wait until it is
// over.
//
// A round is run by whoever leaves the group with no POST in flight: the
// create whose answer was lost, or a sibling whose POST ended last. So a
// create whose context ends while it waits can return at once: its lost
// request is still in a round that someone will run. A round runs on a
// clean-up context that outlives its runner's context by at most
// interruptedCleanupTimeout, so that an interrupt does not leave the orphan
// behind.
//
// Another process creating identical keys within the same second cannot be
// told apart; RELIABILITY.md says so.
type createCoordinator struct {
	clock  clock.Clock // the client's, so that a send time and the server's offset agree
	mu     sync.Mutex
	groups map[string]*createGroup
	// parked, when set (by tests), is called as a create starts to wait:
	// what is "post" (for a round to end before sending) or "round" (for
	// the round that covers its lost request).
	parked func(what string)
}

// createGroup is the state of one body signature. It is pruned once no
// POST is in flight, no round is pending or running, and its claims have
// expired.
type createGroup struct {
	inFlight int
	running  *cleanupRound // the round being run, if any
	next     *cleanupRound // the round lost requests are waiting for, if any
	// claimed holds the ids of keys this process created, with when; a
	// round must not take them for orphans.
	claimed map[string]time.Time
}

// cleanupRound deletes the orphans of every lost request added to it.
type cleanupRound struct {
	since time.Time // the earliest send time of its lost requests, on our clock
	done  chan struct{}
	err   error // set before done is closed
}

// maxCreateAttempts bounds how often a create whose answer was lost is
// reconciled and sent again.
const maxCreateAttempts = 6

// interruptedCleanupTimeout bounds how long a clean-up round goes on after
// the context of the create running it has ended.
const interruptedCleanupTimeout = 30 * time.Second

// clockSkewAllowance widens the window in which an orphan's creation time
// must lie: the server's Date header has one-second resolution.
const clockSkewAllowance = 2 * time.Second

// claimRetention is how long the id of a key this process created stays
// claimed once its group is idle. A later lost request of the same body
// looks for orphans created up to clockSkewAllowance (and the offset's
// error) before it was sent; a minute leaves ample margin, and keeps the
// coordinator's memory bounded by the creates of the last minute.
const claimRetention = time.Minute

// creatorAPI is what creating a key, and cleaning up after a lost create,
// needs from the API.
type creatorAPI interface {
	CreateKey(ctx context.Context, in client.CreateKeyInput) (*client.Key, error)
	ListKeys(ctx context.Context, in client.ListKeysInput) ([]client.Key, error)
	DeleteKey(ctx context.Context, id string) error
	ServerTimeOffset() (time.Duration, bool)
}

func newCreateCoordinator(clk clock.Clock) *createCoordinator {
	return &createCoordinator{clock: clk, groups: map[string]*createGroup{}}
}

// signature names the body of a create: creates with equal bodies make keys
// that look alike. It is the whole input, so a field the input gains counts
// without a line here; the expiry to the second, as the API keeps it.
func signature(in client.CreateKeyInput) string {
	in.Expiry = time.Unix(in.Expiry.Unix(), 0).UTC()
	return fmt.Sprintf("%#v", in) // maps print in key order
}

// madeBy reports whether key k looks made by a create of in: each field of
// the input equals the key's field of the same name
// (TestCreateInputFieldsCount). The owner is also the listing's filter
// (reconcile), and "" there means the caller.
func madeBy(k client.Key, in client.CreateKeyInput) bool {
	key, input := reflect.ValueOf(k), reflect.ValueOf(in)
	for i := range input.NumField() {
		name := input.Type().Field(i).Name
		want, got := input.Field(i), key.FieldByName(name)
		if name == "UserID" && want.IsZero() {
			continue
		}
		if !got.IsValid() || !sameValue(got.Interface(), want.Interface()) {
			return false
		}
	}
	return true
}

// sameValue compares two values of a key's field: times as instants, and
// an empty map as no map.
func sameValue(a, b any) bool {
	if a, ok := a.(time.Time); ok {
		b, ok := b.(time.Time)
		return ok && a.Equal(b)
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Kind() == reflect.Map && vb.Kind() == reflect.Map && va.Len() == 0 && vb.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// create sends POST /keys and, when its outcome is unknown, removes whatever
// it may have created and tries again.
func (c *createCoordinator) create(ctx context.Context, api creatorAPI, in client.CreateKeyInput) (*client.Key, error) {
	sig := signature(in)
	var lastErr error
	for attempt := 1; attempt <= maxCreateAttempts; attempt++ {
		if err := c.startPost(ctx, sig); err != nil {
			return nil, fmt.Errorf("creating the key was interrupted while a clean-up of identical keys ran: %w", err)
		}
		sentAt := c.clock.Now()
		key, err := api.CreateKey(ctx, in)
		lost := client.IsOutcomeUnknown(err)
		if lost {
			tflog.Warn(ctx, "answer to POST /keys was lost; looking for a key it may have created", map[string]any{"attempt": attempt})
		}
		round, toRun := c.endPost(sig, key, lost, sentAt)
		if toRun != nil {
			c.run(ctx, api, in, sig, toRun)
		}
		if err == nil {
			return key, nil
		}
		if !lost {
			return nil, err
		}
		lastErr = err
		if toRun != round {
			// A sibling runs the round; wait for it, as long as ctx allows.
			if err := c.wait(ctx, "round", round.done); err != nil {
				return nil, fmt.Errorf("creating the key was interrupted (%w) while the answer to its request was "+
					"lost; the clean-up of identical keys that is under way deletes any key that request created", err)
			}
		}
		if round.err != nil {
			return nil, round.err
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("creating the key was interrupted (%w); any key the interrupted request created has been deleted", ctx.Err())
		}
	}
	return nil, fmt.Errorf("the API did not confirm the key's creation after %d attempts (every key a lost attempt created has been deleted again): %w", maxCreateAttempts, lastErr)
}

// startPost counts a POST of sig as in flight, once no clean-up round of
// sig is pending or running.
func (c *createCoordinator) startPost(ctx context.Context, sig string) error {
	for {
		c.mu.Lock()
		g := c.group(sig)
		blocker := g.running
		if blocker == nil {
			blocker = g.next
		}
		if blocker == nil {
			g.inFlight++
			c.mu.Unlock()
			return nil
		}
		c.mu.Unlock()
		if err := c.wait(ctx, "post", blocker.done); err != nil {
			return err
		}
	}
}

// endPost ends a POST of sig: it claims the key created, or adds a lost
// request sent at sentAt to the group's next round, which it returns. When
// no POST is left in flight and a round is pending, it also returns that
// round as toRun: the caller must run it.
func (c *createCoordinator) endPost(sig string, created *client.Key, lost bool, sentAt time.Time) (round, toRun *cleanupRound) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.groups[sig]
	g.inFlight--
	if created != nil {
		g.claimed[created.ID] = c.clock.Now()
	}
	if lost {
		if g.next == nil {
			g.next = &cleanupRound{since: sentAt, done: make(chan struct{})}
		}
		g.next.since = earliest(g.next.since, sentAt)
		round = g.next
	}
	return round, c.takeRound(g)
}

// takeRound starts the group's pending round when nothing stands in its
// way, and prunes the group (and, across groups, expired claims) when it is
// idle. It is called with c.mu held.
func (c *createCoordinator) takeRound(g *createGroup) *cleanupRound {
	if g.inFlight == 0 && g.running == nil && g.next != nil {
		g.running, g.next = g.next, nil
		return g.running
	}
	c.prune()
	return nil
}

// run runs round, and every round that became due while it ran, on a
// clean-up context derived from ctx.
func (c *createCoordinator) run(ctx context.Context, api creatorAPI, in client.CreateKeyInput, sig string, round *cleanupRound) {
	cleanup, cancel := cleanupContext(ctx)
	defer cancel()
	for round != nil {
		c.mu.Lock()
		claimed := make(map[string]bool, len(c.groups[sig].claimed))
		for id := range c.groups[sig].claimed {
			claimed[id] = true
		}
		c.mu.Unlock()

		round.err = reconcile(cleanup, api, in, round.since, claimed)
		if round.err != nil {
			tflog.Warn(ctx, "cleaning up after a lost POST /keys failed", map[string]any{"error": round.err.Error()})
		}

		c.mu.Lock()
		g := c.groups[sig]
		g.running = nil
		close(round.done)
		round = c.takeRound(g)
		c.mu.Unlock()
	}
}

// cleanupContext is ctx without its cancellation, ending
// interruptedCleanupTimeout after ctx ends: a clean-up that has begun is
// finished, on a short leash of its own, rather than abandoned.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	cleanup, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var timer *time.Timer
	var mu sync.Mutex
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(interruptedCleanupTimeout, cancel)
	})
	return cleanup, func() {
		stop()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	}
}

// wait waits until done is closed or ctx ends, whichever is first.
func (c *createCoordinator) wait(ctx context.Context, what string, done <-chan struct{}) error {
	if c.parked != nil {
		c.parked(what)
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *createCoordinator) group(sig string) *createGroup {
	g, ok := c.groups[sig]
	if !ok {
		g = &createGroup{claimed: map[string]time.Time{}}
		c.groups[sig] = g
	}
	return g
}

// prune forgets expired claims of idle groups, and idle groups without
// claims. Only an idle group may forget: a pending or running round, or a
// POST in flight that may yet be lost, can look for orphans created long
// ago. It is called with c.mu held.
func (c *createCoordinator) prune() {
	expired := c.clock.Now().Add(-claimRetention)
	for sig, g := range c.groups {
		if g.inFlight > 0 || g.running != nil || g.next != nil {
			continue
		}
		for id, at := range g.claimed {
			if at.Before(expired) {
				delete(g.claimed, id)
			}
		}
		if len(g.claimed) == 0 {
			delete(c.groups, sig)
		}
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// reconcile deletes every key that matches in, is not claimed and was
// created since the earliest lost request was sent. Its caller holds the
// group: no POST of in's signature is in flight, so every key of a
// successful sibling is already claimed.
func reconcile(ctx context.Context, api creatorAPI, in client.CreateKeyInput, sentAt time.Time, claimed map[string]bool) error {
	keys, err := api.ListKeys(ctx, client.ListKeysInput{
		Environment:  in.Environment,
		UserID:       in.UserID,
		ExpiryAfter:  in.Expiry.Add(-time.Second),
		ExpiryBefore: in.Expiry.Add(time.Second),
	})
	if err != nil {
		return fmt.Errorf("the answer to creating the key was lost, and listing keys to find out whether it was created failed: %w", err)
	}
	offset, _ := api.ServerTimeOffset()
	since := sentAt.Add(offset).Add(-clockSkewAllowance)

	var errs []error
	for _, k := range keys {
		if claimed[k.ID] || !madeBy(k, in) || k.Created.Before(since) {
			continue
		}
		tflog.Warn(ctx, "deleting a key created by a request whose answer was lost", map[string]any{"key_id": k.ID})
		if err := api.DeleteKey(ctx, k.ID); err != nil && !client.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("key %s: %w", k.ID, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the answer to creating the key was lost, and deleting the key(s) it created failed; "+
			"delete them by hand in the Domain Trust dashboard: %w", errors.Join(errs...))
	}
	return nil
}
