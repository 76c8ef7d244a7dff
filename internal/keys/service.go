// Package keys is the Domain Trust key service the provider's resources,
// data sources, ephemeral resource, list resource and action share: one
// Service per provider instance. It creates keys safely when an answer is
// lost (create_coordinator.go), serves managed keys' reads from a listing
// once many arrive (key_reader.go) and ends that use at every write
// (writeFence), and decides when a 404 proves a key gone (endpoint_proof.go).
// It speaks in keys and classified errors; the provider turns them into
// Terraform values and diagnostics.
package keys

import (
	"context"
	"errors"
	"iter"
	"net/http"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// Service is the key service of one provider instance.
type Service struct {
	// api is the API behind a writeFence: every create, update and delete
	// through it ends the use of reader's earlier listings.
	api         API
	coordinator *createCoordinator
	reader      *keyReader
	proof       *endpointProof
}

// New returns the service for api. clk must be the client's clock, so that a
// request's send time and the server's offset agree; listing says when
// managed keys' reads are served from a listing.
func New(api API, clk clock.Clock, listing ListPolicy) *Service {
	reader := newKeyReader(api, listing)
	return &Service{
		api:         writeFence{API: api, reads: reader},
		coordinator: newCreateCoordinator(clk),
		reader:      reader,
		proof:       newEndpointProof(api),
	}
}

// Create creates a key. An answer lost on the way is made safe by the
// create coordinator: whatever the lost request created is deleted before
// the create is sent again.
func (s *Service) Create(ctx context.Context, in client.CreateKeyInput) (*client.Key, error) {
	return s.coordinator.create(ctx, s.api, in)
}

// ReadManaged reads a key the provider manages, owned by owner, from a
// listing when one serves it (key_reader.go).
func (s *Service) ReadManaged(ctx context.Context, id, owner string) (*client.Key, error) {
	return s.reader.read(ctx, id, owner)
}

// Get reads any key with GET /keys/{id}.
func (s *Service) Get(ctx context.Context, id string) (*client.Key, error) {
	return s.api.GetKey(ctx, id)
}

// Update changes a key's description or expiry.
func (s *Service) Update(ctx context.Context, id string, in client.UpdateKeyInput) (*client.Key, error) {
	return s.api.UpdateKey(ctx, id, in)
}

// Delete deletes a key. A key proven not to exist counts as deleted:
// alreadyGone says so. Any other failure leaves the key as it was, as far as
// the service knows.
func (s *Service) Delete(ctx context.Context, id string) (alreadyGone bool, failure *Failure) {
	err := s.api.DeleteKey(ctx, id)
	if err == nil {
		return false, nil
	}
	f := s.Judge(ctx, err)
	if f.Gone() {
		return true, nil
	}
	return false, &f
}

// Pages lists keys a page at a time, each key once (client.KeyPages).
func (s *Service) Pages(ctx context.Context, in client.ListKeysInput) iter.Seq2[*client.KeyPage, error] {
	return client.KeyPages(ctx, s.api, in)
}

// List lists every key that matches in.
func (s *Service) List(ctx context.Context, in client.ListKeysInput) ([]client.Key, error) {
	return s.api.ListKeys(ctx, in)
}

// CheckEndpoint proves the endpoint (endpoint_proof.go): nil once proven,
// or why it is not.
func (s *Service) CheckEndpoint(ctx context.Context) *ProofFailure {
	return s.proof.check(ctx)
}

// ProvenNotFound reports whether err proves that what was asked for (a key,
// a user) does not exist: a 404 problem document, from an endpoint proven in
// this process to be the Domain Trust API. Anything else proves nothing, and
// the caller must leave state as it is. A caller that also explains err
// uses Judge instead, once, for both answers.
func (s *Service) ProvenNotFound(ctx context.Context, err error) bool {
	return s.Judge(ctx, err).Gone()
}

// Judge weighs err, an API call's error, against the endpoint proof, once:
// a 404 is checked against the proof, anything else needs none.
func (s *Service) Judge(ctx context.Context, err error) Failure {
	f := Failure{Err: err}
	var apiErr *client.Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		f.NotFound = apiErr
		f.Proof = s.CheckEndpoint(ctx)
	}
	return f
}
