package provider

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
)

// providerData is what Configure hands to every resource, data source,
// ephemeral resource, list resource and action of one provider instance,
// and the only way the clock and the API reach them. They use its
// operations, never its parts: every key operation goes through the key
// service (internal/keys), which creates, reads, writes and proves 404s;
// this file words what it reports. The parts are read in this file only.
//
// It has one unconfigured shape: keys is nil. So it is before Configure
// (providerDataFrom(nil): nothing is known yet), and when the provider block
// depends on values unknown until apply (then it holds the clock and the
// client's version). Every operation but now and clientVersion needs a
// configured providerData; callers check configured or requireConfigured.
type providerData struct {
	clock clock.Clock
	// terraformVersion is what the client reported at Configure.
	terraformVersion string

	keys     *keys.Service
	endpoint string
	// keyClient is a client for another API key at endpoint, with the
	// provider's client settings (withKeyClients); nil until set.
	keyClient func(apiKey string) (*client.Client, error)
}

// newProviderData builds what Configure hands out; listing says when
// managed keys' reads are served from a listing (keys.ListPolicy).
func newProviderData(api keys.API, clk clock.Clock, endpoint string, listing keys.ListPolicy) *providerData {
	return &providerData{clock: clk, keys: keys.New(api, clk, listing), endpoint: endpoint}
}

// withKeyClients lets d make clients for other API keys with conf, the
// provider's own client configuration but for its API key, and returns d.
func (d *providerData) withKeyClients(conf client.Config) *providerData {
	if conf.HTTPClient == nil {
		// One transport for them all: each client would otherwise leave its
		// own idle connections behind.
		conf.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	d.keyClient = func(apiKey string) (*client.Client, error) {
		c := conf
		c.APIKey = apiKey
		return client.New(c)
	}
	return d
}

// unconfiguredData is what Configure hands out when the provider block
// depends on values unknown until apply: the clock, which plans need, and no
// API.
func unconfiguredData(clk clock.Clock, terraformVersion string) *providerData {
	return &providerData{clock: clk, terraformVersion: terraformVersion}
}

// providerDataFrom is every Configure's common part. Before the provider is
// configured, Terraform hands out nothing; that is the unconfigured shape
// too.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return &providerData{}
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("got %T; please report this bug", raw))
		return &providerData{}
	}
	return data
}

// configured reports whether the provider can reach the API.
func (d *providerData) configured() bool { return d.keys != nil }

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

// now is the provider's time. Before Configure no clock has been handed
// out, but nothing reads the time then: Terraform configures the provider
// before it plans, and validation needs no time. Were it read, the wall
// clock is what Configure hands out outside tests.
func (d *providerData) now() time.Time {
	if d.clock == nil {
		return clock.System{}.Now()
	}
	return d.clock.Now()
}

// clientVersion is the Terraform version the client reported at Configure.
func (d *providerData) clientVersion() string { return d.terraformVersion }

// createKey creates a key (keys.Service.Create).
func (d *providerData) createKey(ctx context.Context, in client.CreateKeyInput) (*client.Key, error) {
	return d.keys.Create(ctx, in)
}

// readManagedKey reads a key domaintrust_api_key manages, owned by owner
// (keys.Service.ReadManaged).
func (d *providerData) readManagedKey(ctx context.Context, id, owner string) (*client.Key, error) {
	return d.keys.ReadManaged(ctx, id, owner)
}

// getKey reads any key with GET /keys/{id}.
func (d *providerData) getKey(ctx context.Context, id string) (*client.Key, error) {
	return d.keys.Get(ctx, id)
}

// updateKey changes a key's description or expiry.
func (d *providerData) updateKey(ctx context.Context, id string, in client.UpdateKeyInput) (*client.Key, error) {
	return d.keys.Update(ctx, id, in)
}

// deleteKey deletes a key; alreadyGone says it was proven not to exist
// (keys.Service.Delete). Any other failure explains itself
// (apiFailure.diagnostics).
func (d *providerData) deleteKey(ctx context.Context, id string) (alreadyGone bool, failure *apiFailure) {
	gone, f := d.keys.Delete(ctx, id)
	if f == nil {
		return gone, nil
	}
	return false, &apiFailure{Failure: *f, endpoint: d.endpoint}
}

// keyPages lists keys a page at a time, each key once.
func (d *providerData) keyPages(ctx context.Context, in client.ListKeysInput) iter.Seq2[*client.KeyPage, error] {
	return d.keys.Pages(ctx, in)
}

// listKeys lists every key that matches in.
func (d *providerData) listKeys(ctx context.Context, in client.ListKeysInput) ([]client.Key, error) {
	return d.keys.List(ctx, in)
}

// currentUserOf reads the user of another API key (GET /user) at the
// provider's endpoint: whether that key works. The client masks apiKey in
// its logs.
func (d *providerData) currentUserOf(ctx context.Context, apiKey string) (*client.User, error) {
	if d.keyClient == nil {
		return nil, errors.New("the provider cannot make clients for other keys; please report this bug")
	}
	c, err := d.keyClient(apiKey)
	if err != nil {
		return nil, err
	}
	return c.CurrentUser(ctx)
}

// apiEndpoint is the API's base URL, for messages.
func (d *providerData) apiEndpoint() string { return d.endpoint }

// checkEndpoint proves the endpoint, or says what looks wrong with it.
func (d *providerData) checkEndpoint(ctx context.Context) *endpointProblem {
	return describeProofFailure(d.endpoint, d.keys.CheckEndpoint(ctx))
}

// apiErrorDiagnostics explains err, an error of an API call made to do
// action (it completes "Could not ..."), as diagnostics that say what went
// wrong and what to do (api_errors.go). A 404 is judged by this provider
// instance's endpoint proof. A caller that first asks whether err proves a
// key gone uses judge instead, once, for both answers.
func (d *providerData) apiErrorDiagnostics(ctx context.Context, action string, err error) diag.Diagnostics {
	return d.judge(ctx, err).diagnostics(action)
}

// listKeysDiagnostics explains a failed listing: a user_id the API proves it
// does not know at that attribute, anything else as every API error.
func (d *providerData) listKeysDiagnostics(ctx context.Context, in client.ListKeysInput, err error) diag.Diagnostics {
	f := d.judge(ctx, err)
	if in.UserID != "" && f.Gone() {
		return userNotFoundDiagnostics(in.UserID)
	}
	return f.diagnostics("list Domain Trust API keys")
}

// judge weighs err against the endpoint proof, once (keys.Service.Judge).
func (d *providerData) judge(ctx context.Context, err error) apiFailure {
	return apiFailure{Failure: d.keys.Judge(ctx, err), endpoint: d.endpoint}
}

// apiFailure is an API call's error as judge weighed it, with the endpoint
// that messages name: whether it proves what was asked for gone (Gone), and
// if not, what to tell the user, from the same proof.
type apiFailure struct {
	keys.Failure
	endpoint string
}

// diagnostics explains the failure of an API call made to do action.
func (f apiFailure) diagnostics(action string) diag.Diagnostics {
	if f.NotFound == nil {
		return describeAPIError(action, f.Err, f.endpoint)
	}
	return notFoundDiagnostics(action, f.NotFound, f.endpoint, describeProofFailure(f.endpoint, f.Proof))
}
