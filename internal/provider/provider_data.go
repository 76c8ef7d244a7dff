package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/diagnostics"
)

// keyAPI is what resources and data sources need from the Domain Trust API.
type keyAPI interface {
	CreateKey(ctx context.Context, in client.CreateKeyInput) (*client.Key, error)
	GetKey(ctx context.Context, id string) (*client.Key, error)
	ListKeys(ctx context.Context, in client.ListKeysInput) ([]client.Key, error)
	ListKeysPage(ctx context.Context, in client.ListKeysInput, pageToken string) (*client.KeyPage, error)
	UpdateKey(ctx context.Context, id string, in client.UpdateKeyInput) (*client.Key, error)
	DeleteKey(ctx context.Context, id string) error
	// ServerTimeOffset is the server's clock minus ours, from the latest
	// answer's Date header; reconciling a lost create needs it.
	ServerTimeOffset() (time.Duration, bool)
	userAPI
}

// providerData is what Configure hands to every resource, data source and
// ephemeral resource of one provider instance. It is the only way the clock
// reaches them. When the provider block depends on values unknown until
// apply, it holds the clock alone, and configured reports false.
type providerData struct {
	// api is the API behind a writeFence: every create, update and delete
	// through it ends the use of keyReads' earlier listings.
	api      keyAPI
	clock    clock.Clock
	creates  *createCoordinator
	endpoint string
	proof    *endpointProof
	// keyReads serves domaintrust_api_key's reads (key_reader.go).
	keyReads *keyReader
	// clientVersion is the Terraform version the client reported at
	// Configure; the ephemeral resource reads it only while unconfigured.
	clientVersion string
}

// newProviderData builds what Configure hands out; listing says when reads
// are served from a listing (key_reader.go).
func newProviderData(api keyAPI, clk clock.Clock, endpoint string, listing keyListPolicy) *providerData {
	reads := newKeyReader(api, listing)
	return &providerData{
		api:      writeFence{keyAPI: api, reads: reads},
		clock:    clk,
		creates:  newCreateCoordinator(clk),
		endpoint: endpoint,
		proof:    newEndpointProof(api, endpoint),
		keyReads: reads,
	}
}

// provenNotFound reports whether err proves that what was asked for (a key,
// a user) does not exist: a 404
// problem document, from an endpoint proven in this process to be the Domain
// Trust API (see endpoint_proof.go). Anything else proves nothing, and the
// caller must leave state as it is.
func (d *providerData) provenNotFound(ctx context.Context, err error) bool {
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || apiErr.Body != client.BodyProblem {
		return false
	}
	return d.proof.check(ctx) == nil
}

// apiDiagnostics explains err as the package's apiDiagnostics (api_errors.go)
// does, except for a 404, which needs what only this provider instance
// knows: whether its endpoint has proven to be the Domain Trust API. A 404
// from an endpoint that is not proven is explained as the endpoint problem
// it most likely is. action completes "Could not ...".
func (d *providerData) apiDiagnostics(ctx context.Context, action string, err error) diag.Diagnostics {
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		return apiDiagnostics(action, err, d.endpoint)
	}
	unchanged := fmt.Sprintf("The answer was %v. A wrong endpoint answers 404 too, so the provider takes a 404 "+
		"to mean \"no such key\" only from an endpoint proven to be the Domain Trust API. Nothing was changed, and "+
		"state is left as it was.", err)
	if problem := d.proof.check(ctx); problem != nil {
		return problem.diagnostics("Could not "+action, unchanged)
	}
	if apiErr.Body != client.BodyProblem {
		return diagnostics.Error("Could not "+action+": the answer was not Domain Trust's",
			fmt.Sprintf("%s\n\nThe endpoint %s is the Domain Trust API, but this 404 came as %s rather than the "+
				"API's problem document: a proxy or load balancer between Terraform and Domain Trust may have "+
				"answered. Run Terraform again; if it persists, check what sits in front of the API.",
				unchanged, d.endpoint, apiErr.Body))
	}
	return apiDiagnostics(action, err, d.endpoint)
}

// providerDataFrom is every Configure's common part. nil means the provider
// is not configured yet (its block depends on values unknown until apply).
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("got %T; please report this bug", raw))
		return nil
	}
	return data
}

// configured reports whether the provider can reach the API.
func (d *providerData) configured() bool { return d != nil && d.api != nil }

// requireConfigured reports whether data can reach the API, adding an error
// when it cannot: that happens only when the provider block depends on
// values unknown until apply, and the call at hand cannot wait for them.
func requireConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data.configured() {
		return true
	}
	diags.AddError("Provider not configured",
		"The domaintrust provider's configuration depends on values that are not known yet, so it cannot reach "+
			"the API. Apply the resources the provider configuration depends on first (terraform apply "+
			"-target=...), then run again.")
	return false
}
