package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// A 404 is the only answer that makes the provider drop a key from state or
// count it as deleted, and a wrong endpoint answers 404 to everything: a URL
// without /api, a corporate proxy, a load balancer's default backend. So a
// 404 counts as "this key does not exist" only once this provider process
// has proven that its endpoint is the Domain Trust API and accepts its API
// key, by one authenticated GET /user that answers a well-formed user.
// Configure proves it up front (unless skip_credentials_validation is set);
// otherwise the first 404 does.

// userAPI is the call that proves an endpoint.
type userAPI interface {
	CurrentUser(ctx context.Context) (*client.User, error)
}

// endpointProof sends at most one GET /user per provider process and
// remembers what it showed.
type endpointProof struct {
	api      userAPI
	endpoint string

	mu      sync.Mutex
	checked bool
	problem *endpointProblem // nil once proven
}

func newEndpointProof(api userAPI, endpoint string) *endpointProof {
	return &endpointProof{api: api, endpoint: endpoint}
}

// check proves the endpoint, or says what looks wrong with it. Callers that
// arrive while the request is out wait for its result rather than send
// their own.
func (p *endpointProof) check(ctx context.Context) *endpointProblem {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.checked {
		return p.problem
	}
	_, err := p.api.CurrentUser(ctx)
	if err != nil && ctx.Err() != nil {
		// An interrupted check says nothing about the endpoint: not remembered.
		return &endpointProblem{
			attribute: path.Root("endpoint"),
			summary:   "checking the endpoint was interrupted",
			detail:    fmt.Sprintf("Checking the endpoint %s was interrupted (%v).", p.endpoint, ctx.Err()),
		}
	}
	p.checked = true
	if err != nil {
		p.problem = diagnoseEndpoint(p.endpoint, err)
	}
	return p.problem
}

// endpointProblem is what a failed proof found, worded for the user.
type endpointProblem struct {
	attribute path.Path // the provider attribute to fix
	summary   string
	detail    string
}

// diagnostics reports the problem as one error. prefix says what could not
// be done ("Could not verify ..."); context, when not empty, what the
// provider was doing when it needed the proof.
func (p *endpointProblem) diagnostics(prefix, context string) diag.Diagnostics {
	var diags diag.Diagnostics
	detail := p.detail
	if context != "" {
		detail = context + "\n\n" + detail
	}
	diags.AddAttributeError(p.attribute, prefix+": "+p.summary, detail)
	return diags
}

// diagnoseEndpoint explains why GET /user did not prove endpoint.
func diagnoseEndpoint(endpoint string, err error) *endpointProblem {
	if client.IsUnauthorized(err) {
		return &endpointProblem{
			attribute: path.Root("api_key"),
			summary:   "the provider's API key was rejected",
			detail:    unauthorizedDetail(endpoint),
		}
	}
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests {
		// No answer, an answer that is not a user, or retries spent on
		// refusals: the endpoint may be right but unavailable.
		return &endpointProblem{
			attribute: path.Root("endpoint"),
			summary:   "the endpoint could not be verified",
			detail: fmt.Sprintf("The provider checks that %s is the Domain Trust API by reading the user of its API "+
				"key (GET /user), and that failed: %v\n\nCheck the provider's `endpoint` (or %s) and the network "+
				"between Terraform and Domain Trust, or try again later if Domain Trust is down. To plan without "+
				"any API request, set skip_credentials_validation = true.", endpoint, err, envEndpoint),
		}
	}
	var hints []string
	if !strings.HasSuffix(strings.TrimRight(endpointPath(endpoint), "/"), "/api") {
		hints = append(hints, "The endpoint does not end in /api: the Domain Trust API is served under /api, as in "+
			client.DefaultEndpoint+" (or http://127.0.0.1:8580/api for the local emulator).")
	}
	switch apiErr.Body {
	case client.BodyHTML:
		hints = append(hints, "The answer was an HTML page: that comes from a web server or proxy, not from the "+
			"Domain Trust API, which answers errors with problem documents.")
	case client.BodyJSON:
		hints = append(hints, "The answer was JSON but not a problem document: something other than the Domain "+
			"Trust API answered.")
	}
	if apiErr.StatusCode == http.StatusNotFound && len(hints) == 0 {
		hints = append(hints, "The Domain Trust API always serves GET /user, so this is not the API's base URL.")
	}
	return &endpointProblem{
		attribute: path.Root("endpoint"),
		summary:   "the endpoint is not the Domain Trust API",
		detail: fmt.Sprintf("The provider checks that %s is the Domain Trust API by reading the user of its API key "+
			"(GET /user), and it answered %d %s. %s\n\nSet the provider's `endpoint` (or %s) to the Domain Trust "+
			"API's base URL.", endpoint, apiErr.StatusCode, http.StatusText(apiErr.StatusCode),
			strings.Join(hints, " "), envEndpoint),
	}
}

func endpointPath(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	return u.Path
}
