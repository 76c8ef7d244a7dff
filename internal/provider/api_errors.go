package provider

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/diagnostics"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
)

// How API errors become diagnostics: the words of every message a failed
// call gives, the endpoint proof's included. Which message applies to a 404
// depends on the endpoint proof, which providerData.apiErrorDiagnostics
// consults (provider_data.go).

// notFoundDiagnostics explains a 404 from endpoint. problem is what the
// endpoint proof found (nil once the endpoint is proven): a 404 from an
// endpoint that is not proven is explained as the endpoint problem it most
// likely is.
func notFoundDiagnostics(action string, apiErr *client.Error, endpoint string, problem *endpointProblem) diag.Diagnostics {
	unchanged := fmt.Sprintf("The answer was %v. A wrong endpoint answers 404 too, so the provider takes a 404 "+
		"to mean \"no such key\" only from an endpoint proven to be the Domain Trust API. Nothing was changed, and "+
		"state is left as it was.", apiErr)
	if problem != nil {
		return problem.diagnostics("Could not "+action, unchanged+" This 404 could not be proven, as checking the "+
			"endpoint failed (below): a key in state stays there, and the next run checks again.")
	}
	if apiErr.Body != client.BodyProblem {
		return diagnostics.Error("Could not "+action+": the answer was not Domain Trust's",
			fmt.Sprintf("%s\n\nThe endpoint %s is the Domain Trust API, but this 404 came as %s rather than the "+
				"API's problem document: a proxy or load balancer between Terraform and Domain Trust may have "+
				"answered. Run Terraform again; if it persists, check what sits in front of the API.",
				unchanged, endpoint, apiErr.Body))
	}
	return describeAPIError(action, apiErr, endpoint)
}

// userNotFoundDiagnostics explains a listing of the keys of a user the API
// proved it does not know.
func userNotFoundDiagnostics() diag.Diagnostics {
	var diags diag.Diagnostics
	// The id is not repeated, nor is the error attached to user_id (where
	// Terraform would print its line): an id Domain Trust does not know may
	// be a secret pasted by mistake (key_id_input.go).
	diags.AddError("User not found",
		"Domain Trust knows no user with this user_id in the organization of the provider's API key. "+
			"An admin can list the keys of users of their own organization only.")
	return diags
}

// describeAPIError explains every answer but a 404, which only the provider
// data can judge: callers call providerData.apiErrorDiagnostics. endpoint is
// the API's base URL the error came from.
func describeAPIError(action string, err error, endpoint string) diag.Diagnostics {
	var diags diag.Diagnostics
	summary := "Could not " + action
	var apiErr *client.Error
	if !errors.As(err, &apiErr) {
		diags.AddError(summary, err.Error())
		return diags
	}
	switch {
	case client.IsUnauthorized(err):
		diags.AddError(summary+": the provider's API key was rejected", unauthorizedDetail(endpoint))
	case client.IsForbidden(err):
		detail := "Domain Trust answered 403 Forbidden"
		if apiErr.Detail != "" {
			detail += ": " + apiErr.Detail
		}
		if strings.Contains(strings.ToLower(apiErr.Detail), "production") {
			diags.AddAttributeError(path.Root("environment"), summary+": production access missing",
				detail+".\n\nOnly accounts with production access can create production keys. Request production "+
					"access for your organization from the Global Cyber Alliance, or use environment = \"testing\".")
			return diags
		}
		diags.AddError(summary+": permission denied", detail+".\n\nA member can manage only their own keys; acting "+
			"for another user (`user_id`) needs the admin role in the same organization.")
	case client.IsValidation(err) && len(apiErr.Errors) > 0:
		for _, fe := range apiErr.Errors {
			detail := "Domain Trust rejected the value: " + fe.Message
			if p, ok := fieldPaths[fe.Location]; ok {
				diags.AddAttributeError(p, summary+": invalid value", detail)
			} else {
				diags.AddError(summary+": invalid value", fmt.Sprintf("%s (at %s)", detail, fe.Location))
			}
		}
	default:
		diags.AddError(summary, err.Error())
	}
	return diags
}

// unauthorizedDetail is the one explanation of a rejected provider key, the
// same whether Configure or an operation meets it.
func unauthorizedDetail(endpoint string) string {
	return fmt.Sprintf("Domain Trust at %s answered 401 Unauthorized: the API key the provider uses (provider "+
		"attribute `api_key` or the %s environment variable) is unknown, expired or deleted, or it belongs to "+
		"another endpoint (a key printed by the emulator works only with that emulator run). Create a new key in "+
		"the Domain Trust dashboard, set it, and run Terraform again.", endpoint, envAPIKey)
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

// describeProofFailure explains why GET /user did not prove endpoint (nil
// when it did).
func describeProofFailure(endpoint string, f *keys.ProofFailure) *endpointProblem {
	switch {
	case f == nil:
		return nil
	case f.Kind == keys.KeyRejected:
		return &endpointProblem{
			attribute: path.Root("api_key"),
			summary:   "the provider's API key was rejected",
			detail:    unauthorizedDetail(endpoint),
		}
	case f.Kind == keys.Interrupted:
		return &endpointProblem{
			attribute: path.Root("endpoint"),
			summary:   "checking the endpoint was interrupted",
			detail:    fmt.Sprintf("Checking the endpoint %s was interrupted (%v).", endpoint, f.Err),
		}
	case f.Kind == keys.Unavailable:
		// No answer, an answer that is not a user, or retries spent on
		// refusals: the endpoint may be right but unavailable.
		return &endpointProblem{
			attribute: path.Root("endpoint"),
			summary:   "the endpoint could not be verified",
			detail: fmt.Sprintf("The provider checks that %s is the Domain Trust API by reading the user of its API "+
				"key (GET /user), and that failed: %v\n\nCheck the provider's `endpoint` (or %s) and the network "+
				"between Terraform and Domain Trust, or try again later if Domain Trust is down. To plan without "+
				"any API request, set skip_credentials_validation = true.", endpoint, f.Err, envEndpoint),
		}
	}
	return notTheAPIProblem(endpoint, f.Err)
}

// notTheAPIProblem explains an answer to GET /user that the Domain Trust
// API does not give.
func notTheAPIProblem(endpoint string, err error) *endpointProblem {
	var apiErr *client.Error
	if !errors.As(err, &apiErr) {
		apiErr = &client.Error{}
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
