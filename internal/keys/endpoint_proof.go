package keys

import (
	"context"
	"sync"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// A 404 is the only answer that makes the provider drop a key from state or
// count it as deleted, and a wrong endpoint answers 404 to everything: a URL
// without /api, a corporate proxy, a load balancer's default backend. So a
// 404 counts as "this key does not exist" only once this process has proven
// that its endpoint is the Domain Trust API and accepts its API key, by one
// authenticated GET /user that answers a well-formed user. The provider's
// Configure proves it up front (unless skip_credentials_validation is set);
// otherwise the first 404 does. A proof that failed for a reason that may
// pass (the API down or busy, the network) is tried again at the next 404.
//
// A 404 that arrives while another's GET /user is out waits for it. If that
// request fails for a reason that may pass, the waiting check does not take
// its failure as its own: it makes one attempt of its own (or waits for one
// begun after the failure), so that whether a key is proven gone does not
// depend on whether its read happened to overlap another's. One attempt,
// however many retries the client's max_retries allows each request.

// UserAPI is the call that proves an endpoint.
type UserAPI interface {
	CurrentUser(ctx context.Context) (*client.User, error)
}

// endpointProof remembers what GET /user showed once it is definite: a
// user (proven), or an answer that says the endpoint or key is wrong. A
// temporary failure (a 5xx, a 429, no answer) and an interrupted check are
// not remembered: the next 404 asks again. So a provider process sends one
// GET /user while the API is well, and one per 404 while it is not.
type endpointProof struct {
	api UserAPI
	// waiting, when set (by tests), is called as a check starts to wait for
	// another's request.
	waiting func()

	mu      sync.Mutex
	settled bool
	failure *ProofFailure // when settled: nil once proven
	pending *proofRequest // the GET /user in flight, if any
}

// proofRequest is one GET /user, whose result every check that arrives
// while it is out shares.
type proofRequest struct {
	done        chan struct{}
	failure     *ProofFailure // set before done is closed
	interrupted bool          // its sender's context ended: it proved nothing
}

func newEndpointProof(api UserAPI) *endpointProof {
	return &endpointProof{api: api}
}

// check proves the endpoint, or says what looks wrong with it. Callers that
// arrive while a request is out wait for its result (or for their own
// context to end) rather than send their own.
func (p *endpointProof) check(ctx context.Context) *ProofFailure {
	// fresh is set once this check has waited for a request that failed:
	// from then on, any request it shares began after that failure, and
	// what that one shows is the answer.
	fresh := false
	for {
		p.mu.Lock()
		if p.settled {
			p.mu.Unlock()
			return p.failure
		}
		if req := p.pending; req != nil {
			p.mu.Unlock()
			if p.waiting != nil {
				p.waiting()
			}
			select {
			case <-req.done:
				switch {
				case req.interrupted:
					continue // the sender gave up; ask again if ctx allows
				case req.failure != nil && req.failure.Temporary() && !fresh:
					fresh = true // not this check's attempt: make one
					continue
				}
				return req.failure
			case <-ctx.Done():
				return interrupted(ctx)
			}
		}
		req := &proofRequest{done: make(chan struct{})}
		p.pending = req
		p.mu.Unlock()
		return p.send(ctx, req)
	}
}

// send sends GET /user for req and records what it showed.
func (p *endpointProof) send(ctx context.Context, req *proofRequest) *ProofFailure {
	_, err := p.api.CurrentUser(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	defer close(req.done)
	p.pending = nil
	switch {
	case err == nil:
		p.settled, p.failure = true, nil
	case ctx.Err() != nil:
		req.interrupted = true
		return interrupted(ctx)
	default:
		req.failure = ClassifyProof(err)
		if !req.failure.Temporary() {
			p.settled, p.failure = true, req.failure
		}
	}
	return req.failure
}

// interrupted is the failure of a check cut short by its caller's context:
// it says nothing about the endpoint.
func interrupted(ctx context.Context) *ProofFailure {
	return &ProofFailure{Kind: Interrupted, Err: ctx.Err()}
}
