package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"
)

// How a listing reaches every key whether or not GET /keys pages.
//
// CONTRACT.md: limit (default 100, at most 10,000) is a fact; pageToken and
// nextPageToken are our assumption for keys (the SDK pages only domains).
// Under the other reading (the emulator's no-key-paging) the server answers
// the first `limit` keys and no token, and a listing that trusted a missing
// token would silently lose every key after them. So a page that comes back
// full without a token is never taken for the last one:
//   - a window listed with a smaller limit is listed again with the largest,
//     which for up to 10,000 keys answers them all in one request;
//   - a window that fills even the largest page is split in two by expiry
//     (expiryAfter and expiryBefore are facts), around the median expiry of
//     the keys it answered, and each half is listed on its own. The halves
//     overlap by two seconds, so that whether the API's bounds are inclusive
//     or exclusive no key falls between them; repeats are left out.
//
// Every split narrows its window, so a listing ends; one that cannot narrow
// further (more than 10,000 keys expiring within two seconds) is an error
// rather than a silent gap. Under the paging reading none of this costs more
// than one request: once the server has answered a page token it is known to
// page, and only a listing that fits exactly one full page is listed again.
const (
	// DefaultListLimit is how many keys a page holds without a limit.
	DefaultListLimit = 100
	// MaxListLimit is the largest page GET /keys answers.
	MaxListLimit = 10000
	// maxListRequests bounds one listing, whatever the server answers.
	maxListRequests = 10000
)

// splitOverlap widens each half of a split window: the API states neither
// whether its expiry bounds are inclusive nor their precision.
const splitOverlap = time.Second

// earliestExpiry and latestExpiry stand for an open end of a window when one
// must be split.
var (
	earliestExpiry = time.Unix(0, 0).UTC()
	latestExpiry   = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// KeyPageLister fetches one page of a listing: a *Client, or anything that
// wraps one.
type KeyPageLister interface {
	ListKeysPage(ctx context.Context, in ListKeysInput, pageToken string) (*KeyPage, error)
}

// KeyPages yields the pages of a listing in order, following nextPageToken
// to the last page, and without page tokens narrowing the listing by expiry
// (see above), so that a caller holds one page at a time and sees every key.
// Each key id is yielded once: a key that comes back on a later page (the
// listing shifted between two requests, as a key created or deleted
// meanwhile can make it do, or two windows overlap) is left out of that
// page, so a page may hold fewer keys than the server sent, or none. It ends
// with an error at a failed request, when the server repeats a page token
// (following it would loop forever), or when the keys cannot all be reached.
func KeyPages(ctx context.Context, l KeyPageLister, in ListKeysInput) iter.Seq2[*KeyPage, error] {
	return keyPages(ctx, l, in, MaxListLimit)
}

// keyPages is KeyPages with the largest page the server answers as
// maxLimit, which tests make small.
func keyPages(ctx context.Context, l KeyPageLister, in ListKeysInput, maxLimit int) iter.Seq2[*KeyPage, error] {
	return func(yield func(*KeyPage, error) bool) {
		ls := &keyLister{l: l, maxLimit: maxLimit, seen: map[string]bool{}}
		windows := []ListKeysInput{in}
		for len(windows) > 0 {
			w := windows[len(windows)-1]
			windows = windows[:len(windows)-1]
			more, err := ls.window(ctx, w, yield)
			if err != nil {
				if !errors.Is(err, errStopped) {
					yield(nil, err)
				}
				return
			}
			// The later window first, so that pages come in expiry order
			// when a split's halves are listed.
			windows = append(windows, more...)
		}
	}
}

// errStopped says the consumer stopped reading.
var errStopped = errors.New("stopped")

// keyLister is one listing in progress.
type keyLister struct {
	l        KeyPageLister
	maxLimit int
	seen     map[string]bool
	requests int
	keys     int
	// paged says the server has answered a page token in this listing: it
	// pages, so a page without one is the last.
	paged bool
}

// window lists the keys of w, following page tokens. When its last page is
// full but carries no token, it returns the windows that cover the rest.
func (ls *keyLister) window(ctx context.Context, w ListKeysInput, yield func(*KeyPage, error) bool) ([]ListKeysInput, error) {
	tokens := map[string]bool{}
	token := ""
	for {
		if ls.requests++; ls.requests > maxListRequests {
			return nil, fmt.Errorf("GET /keys: gave up after %d requests and %d keys: the listing does not end", maxListRequests, ls.keys)
		}
		page, err := ls.l.ListKeysPage(ctx, w, token)
		if err != nil {
			return nil, err
		}
		kept := &KeyPage{Keys: withoutRepeats(page.Keys, ls.seen), NextPageToken: page.NextPageToken}
		ls.keys += len(kept.Keys)
		if !yield(kept, nil) {
			return nil, errStopped
		}
		if page.NextPageToken == "" {
			if ls.paged || len(page.Keys) < pageLimit(w) {
				return nil, nil
			}
			return ls.narrower(w, page.Keys)
		}
		ls.paged = true
		if tokens[page.NextPageToken] {
			return nil, fmt.Errorf("GET /keys: the server repeated a page token after %d keys; stopping instead of looping forever", ls.keys)
		}
		tokens[page.NextPageToken] = true
		token = page.NextPageToken
	}
}

// pageLimit is how many keys a page of w holds at most.
func pageLimit(w ListKeysInput) int {
	if w.Limit > 0 {
		return w.Limit
	}
	return DefaultListLimit
}

// narrower returns the windows that cover what w's full, tokenless page may
// have left out: w again with the largest page, or w split by expiry.
func (ls *keyLister) narrower(w ListKeysInput, page []Key) ([]ListKeysInput, error) {
	if pageLimit(w) < ls.maxLimit {
		w.Limit = ls.maxLimit
		return []ListKeysInput{w}, nil
	}
	lo, hi := w.ExpiryAfter, w.ExpiryBefore
	if lo.IsZero() {
		lo = earliestExpiry
	}
	if hi.IsZero() {
		hi = latestExpiry
	}
	mid, ok := splitPoint(lo, hi, page)
	if !ok {
		return nil, fmt.Errorf("GET /keys answered %d keys, its largest page, without a page token, and more than that "+
			"many keys expire between %s and %s: they cannot all be listed; narrow the listing", len(page),
			lo.Format(time.RFC3339), hi.Format(time.RFC3339))
	}
	earlier, later := w, w
	earlier.ExpiryBefore = mid.Add(splitOverlap)
	later.ExpiryAfter = mid.Add(-splitOverlap)
	return []ListKeysInput{later, earlier}, nil
}

// splitPoint returns a whole second that splits (lo, hi) into two strictly
// narrower overlapping windows: the median expiry of page when it lies far
// enough inside, else the middle; false when the window is too narrow.
func splitPoint(lo, hi time.Time, page []Key) (time.Time, bool) {
	inside := func(t time.Time) bool {
		return t.Add(-splitOverlap).After(lo) && t.Add(splitOverlap).Before(hi)
	}
	expiries := make([]time.Time, 0, len(page))
	for i := range page {
		expiries = append(expiries, page[i].Expiry)
	}
	slices.SortFunc(expiries, time.Time.Compare)
	if len(expiries) > 0 {
		if m := expiries[len(expiries)/2].UTC().Truncate(time.Second); inside(m) {
			return m, true
		}
	}
	// In seconds: the span of the widest window overflows a Duration.
	m := time.Unix(lo.Unix()+(hi.Unix()-lo.Unix())/2, 0).UTC()
	return m, inside(m)
}
