package provider

import (
	"context"
	"errors"
	"fmt"
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
// flight and of the ids this process created; reconciliation waits until no
// POST of that signature is in flight (every sibling's key is then claimed or
// itself an orphan), and new POSTs of that signature wait until the
// reconciliation is over.
//
// Another process creating identical keys within the same second cannot be
// told apart; RELIABILITY.md says so.
type createCoordinator struct {
	clock   clock.Clock // the client's, so that a send time and the server's offset agree
	mu      sync.Mutex
	changed *sync.Cond
	groups  map[string]*createGroup
	claimed map[string]bool
}

type createGroup struct {
	inFlight    int
	reconciling bool
}

// maxCreateAttempts bounds how often a create whose answer was lost is
// reconciled and sent again.
const maxCreateAttempts = 6

// interruptedCleanupTimeout bounds the clean-up after an interrupted create.
const interruptedCleanupTimeout = 30 * time.Second

// clockSkewAllowance widens the window in which an orphan's creation time
// must lie: the server's Date header has one-second resolution.
const clockSkewAllowance = 2 * time.Second

// creatorAPI is what creating a key, and cleaning up after a lost create,
// needs from the API.
type creatorAPI interface {
	CreateKey(ctx context.Context, in client.CreateKeyInput) (*client.Key, error)
	ListKeys(ctx context.Context, in client.ListKeysInput) ([]client.Key, error)
	DeleteKey(ctx context.Context, id string) error
	ServerTimeOffset() (time.Duration, bool)
}

func newCreateCoordinator(clk clock.Clock) *createCoordinator {
	c := &createCoordinator{clock: clk, groups: map[string]*createGroup{}, claimed: map[string]bool{}}
	c.changed = sync.NewCond(&c.mu)
	return c
}

func signature(in client.CreateKeyInput) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%d", in.Environment, in.UserID, in.Description, in.Expiry.Unix())
}

// create sends POST /keys and, when its outcome is unknown, removes whatever
// it may have created and tries again.
func (c *createCoordinator) create(ctx context.Context, api creatorAPI, in client.CreateKeyInput) (*client.Key, error) {
	sig := signature(in)
	var lastErr error
	for attempt := 1; attempt <= maxCreateAttempts; attempt++ {
		c.startPost(sig)
		sentAt := c.clock.Now()
		key, err := api.CreateKey(ctx, in)
		c.endPost(sig, key)
		if err == nil {
			return key, nil
		}
		if !client.IsOutcomeUnknown(err) {
			return nil, err
		}
		lastErr = err
		tflog.Warn(ctx, "answer to POST /keys was lost; looking for a key it may have created", map[string]any{"attempt": attempt})
		if ctx.Err() != nil {
			// Interrupted (Ctrl-C, timeout) while the POST was out: the
			// key may exist, so clean up on a short leash of our own
			// rather than leave it behind, then stop.
			cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), interruptedCleanupTimeout)
			defer cancel()
			if err := c.reconcile(cleanup, api, in, sig, sentAt); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("creating the key was interrupted (%w); any key the interrupted request created has been deleted", ctx.Err())
		}
		if err := c.reconcile(ctx, api, in, sig, sentAt); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("the API did not confirm the key's creation after %d attempts (every key a lost attempt created has been deleted again): %w", maxCreateAttempts, lastErr)
}

func (c *createCoordinator) startPost(sig string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.group(sig)
	for g.reconciling {
		c.changed.Wait()
	}
	g.inFlight++
}

func (c *createCoordinator) endPost(sig string, created *client.Key) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.groups[sig].inFlight--
	if created != nil {
		c.claimed[created.ID] = true
	}
	c.changed.Broadcast()
}

func (c *createCoordinator) group(sig string) *createGroup {
	g, ok := c.groups[sig]
	if !ok {
		g = &createGroup{}
		c.groups[sig] = g
	}
	return g
}

// reconcile deletes every unclaimed key that matches in and was created since
// sentAt. It holds the group exclusively: no sibling POST is in flight, so
// every key of a successful sibling is already claimed.
func (c *createCoordinator) reconcile(ctx context.Context, api creatorAPI, in client.CreateKeyInput, sig string, sentAt time.Time) error {
	c.mu.Lock()
	g := c.group(sig)
	for g.reconciling || g.inFlight > 0 {
		c.changed.Wait()
	}
	g.reconciling = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		g.reconciling = false
		c.changed.Broadcast()
		c.mu.Unlock()
	}()

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

	var orphans []string
	c.mu.Lock()
	for _, k := range keys {
		if !c.claimed[k.ID] && k.Description == in.Description && k.Environment == in.Environment &&
			k.Expiry.Equal(in.Expiry) && !k.Created.Before(since) {
			orphans = append(orphans, k.ID)
		}
	}
	c.mu.Unlock()

	var errs []error
	for _, id := range orphans {
		tflog.Warn(ctx, "deleting a key created by a request whose answer was lost", map[string]any{"key_id": id})
		if err := api.DeleteKey(ctx, id); err != nil && !client.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("key %s: %w", id, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the answer to creating the key was lost, and deleting the key(s) it created failed; "+
			"delete them by hand in the Domain Trust dashboard: %w", errors.Join(errs...))
	}
	return nil
}
