package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// Two writes Domain Trust may refuse under readings of the API that
// CONTRACT.md leaves open (the emulator's admin-writes and no-patch
// variants), each explained as what it means for the user and what to do:
//   - 403 to creating, updating or deleting a key: the official CLI lets
//     only admins write keys, and the server may hold members to that;
//   - 405 to PATCH /keys/{id}: the SDK has an update model but no call that
//     sends it, so the route may not exist, and a change Terraform plans in
//     place can then only be made by replacing the key.

// replaceHint is how to replace a key, said wherever the API cannot change
// one in place.
const replaceHint = "terraform apply -replace=ADDRESS, where ADDRESS is this resource's address as shown with this " +
	"message (for example domaintrust_api_key.ci): that creates a new key, with a new secret, and deletes this one; " +
	"with lifecycle { create_before_destroy = true } the new key exists before the old one is deleted"

// isKeyWrite reports whether an API error answered a write of keys:
// POST /keys, PATCH or DELETE /keys/{id}.
func isKeyWrite(apiErr *client.Error) bool {
	switch apiErr.Method {
	case http.MethodPost, http.MethodPatch, http.MethodDelete:
		return apiErr.Path == "/keys" || strings.HasPrefix(apiErr.Path, "/keys/")
	}
	return false
}

// isUpdateRefused reports a 405 to PATCH /keys/{id}: Domain Trust offers no
// update of keys in place.
func isUpdateRefused(err error) bool {
	var apiErr *client.Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusMethodNotAllowed && apiErr.Method == http.MethodPatch
}

// writeRefusal is a write of keys that a reading of the API refuses: a 403
// that is not about production access, or a 405 to an update. judge finds
// it; its diagnostics say what it means and what to do.
type writeRefusal struct {
	apiErr *client.Error
	// owner says whose the provider's key is, for a 403: its email and role
	// from one GET /user on this error path, or "" when that failed.
	owner string
}

// writeRefusalOf returns the refusal err is, or nil. A 403 to an admin is
// another matter, left to describeAPIError, as is one that names production
// access, which points at the environment.
func (d *providerData) writeRefusalOf(ctx context.Context, err error) *writeRefusal {
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || !isKeyWrite(apiErr) {
		return nil
	}
	switch {
	case isUpdateRefused(err):
		return &writeRefusal{apiErr: apiErr}
	case apiErr.StatusCode != http.StatusForbidden || strings.Contains(strings.ToLower(apiErr.Detail), "production"):
		return nil
	}
	r := &writeRefusal{apiErr: apiErr}
	if u, err := d.currentUser(ctx); err == nil {
		if u.Role == "admin" {
			return nil
		}
		r.owner = fmt.Sprintf("%s, whose role is %q", u.Email, u.Role)
	}
	return r
}

// diagnostics explains the refusal of a write made to do action.
func (r *writeRefusal) diagnostics(action string) diag.Diagnostics {
	if r.apiErr.StatusCode == http.StatusMethodNotAllowed {
		return updateRefusedDiagnostics(action, r.apiErr, "")
	}
	who := "The provider's API key belongs to a user who is not an admin of the organization"
	if r.owner != "" {
		who = "The provider's API key belongs to " + r.owner
	}
	answer := "Domain Trust answered 403 Forbidden"
	if r.apiErr.Detail != "" {
		answer += ": " + r.apiErr.Detail
	}
	var diags diag.Diagnostics
	diags.AddError("Could not "+action+": writing keys needs the admin role",
		fmt.Sprintf("%s. %s. Domain Trust lets only organization admins create, update and delete API keys (as its "+
			"official command-line tool does), and act for other users (user_id). Nothing was changed, and state is "+
			"left as it was.\n\nConfigure the provider with the API key of an admin of the organization (provider "+
			"attribute api_key or the %s environment variable), or ask an admin to make this change. Reading keys "+
			"(refresh, data sources, terraform query) works with any role.", answer, who, envAPIKey))
	return diags
}

// updateRefusedDiagnostics says that Domain Trust cannot change a key in
// place, and how to replace it; changes names what the plan changed, when
// known.
func updateRefusedDiagnostics(action string, err error, changes string) diag.Diagnostics {
	status := http.StatusMethodNotAllowed
	var apiErr *client.Error
	if errors.As(err, &apiErr) {
		status = apiErr.StatusCode
	}
	what := "The change"
	if changes != "" {
		what = "The change to " + changes
	}
	var diags diag.Diagnostics
	diags.AddError("Could not "+action+": it cannot be changed in place",
		fmt.Sprintf("Domain Trust refused to change the key in place (PATCH /keys/{id} answered %d Method Not Allowed): this "+
			"Domain Trust API offers no update of API keys. %s cannot be made to the existing key. Nothing was "+
			"changed, and state is left as it was.\n\nTo apply it, replace the key: %s. Or set the attribute back to "+
			"its value in state to keep this key as it is.", status, what,
			replaceHint))
	return diags
}

// updateChanges names what an update would have changed, for messages.
func updateChanges(in client.UpdateKeyInput) string {
	var parts []string
	if in.Description != nil {
		parts = append(parts, fmt.Sprintf("description (to %q)", *in.Description))
	}
	if in.Expiry != nil {
		parts = append(parts, "expiration (to "+in.Expiry.UTC().Format(time.RFC3339)+")")
	}
	return strings.Join(parts, " and ")
}

// retireRefusedDiagnostics explains a retirement Domain Trust cannot make:
// without an update in place, the key's expiry cannot be brought forward.
func retireRefusedDiagnostics(state apiKeyModel, expiry time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Could not retire Domain Trust API key "+state.ID.ValueString()+": its expiry cannot be changed",
		fmt.Sprintf("retire_after = %s retires a key by bringing its expiry forward, but Domain Trust refused to change "+
			"the key in place (PATCH /keys/{id} answered 405 Method Not Allowed): this Domain Trust API offers no "+
			"update of API keys. Nothing was changed: the key (%q) keeps working until it expires at %s, and stays "+
			"in state.\n\nTo delete it at once when it is destroyed, remove retire_after from its configuration and "+
			"apply that first; or revoke it with the domaintrust_revoke_api_key action.",
			state.RetireAfter.ValueString(), state.Description.ValueString(), expiry.UTC().Format(time.RFC3339)))
	return diags
}
