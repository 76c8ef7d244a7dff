package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// fieldPaths maps the API's problem locations to the attributes users write.
var fieldPaths = map[string]path.Path{
	"body.key.expiry":      path.Root("expiration"),
	"body.key.description": path.Root("description"),
	"body.key.environment": path.Root("environment"),
	"body.key.userID":      path.Root("user_id"),
}

// apiDiagnostics turns an API error into diagnostics that say what went
// wrong and what to do. action completes "Could not ..."; endpoint is the
// API's base URL the error came from.
func apiDiagnostics(action string, err error, endpoint string) diag.Diagnostics {
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
