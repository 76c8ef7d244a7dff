package keys

import (
	"errors"
	"net/http"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// ProofFailure is why GET /user did not prove the endpoint, classified; the
// provider words it.
type ProofFailure struct {
	Kind ProofFailureKind
	// Err is what GET /user failed with (the context's error when
	// Interrupted): the provider's wording reads its status and body.
	Err error
}

// ProofFailureKind classifies a failed proof.
type ProofFailureKind int

const (
	// KeyRejected: the endpoint answered 401, so the API key is unknown,
	// expired or deleted, or belongs to another endpoint.
	KeyRejected ProofFailureKind = iota + 1
	// Unavailable: no answer, a 5xx, a 429, or retries spent on refusals;
	// the endpoint may be right.
	Unavailable
	// NotTheAPI: an answer the Domain Trust API does not give to GET /user.
	NotTheAPI
	// Interrupted: the caller's context ended; nothing was learnt.
	Interrupted
)

// Temporary reports whether the failure may go away by itself: it is not
// remembered, and the next 404 asks again.
func (f *ProofFailure) Temporary() bool { return f.Kind == Unavailable || f.Kind == Interrupted }

// ClassifyProof says what err, the failure of GET /user, shows about the
// endpoint.
func ClassifyProof(err error) *ProofFailure {
	if client.IsUnauthorized(err) {
		return &ProofFailure{Kind: KeyRejected, Err: err}
	}
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests {
		return &ProofFailure{Kind: Unavailable, Err: err}
	}
	return &ProofFailure{Kind: NotTheAPI, Err: err}
}
