package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

var _ action.ActionWithConfigure = (*revokeAPIKeyAction)(nil)

// revokeAPIKeyAction deletes any key of the organization now, whether or
// not a configuration manages it (Terraform 1.14+:
// terraform apply -invoke=action.domaintrust_revoke_api_key.NAME).
type revokeAPIKeyAction struct {
	data *providerData
}

type revokeAPIKeyModel struct {
	ID           types.String `tfsdk:"id"`
	AllowMissing types.Bool   `tfsdk:"allow_missing"`
}

func (a *revokeAPIKeyAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_revoke_api_key"
}

func (a *revokeAPIKeyAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes (deletes) a Domain Trust API key now, for example one that has leaked, " +
			"whether or not a configuration manages it; then reads it back to confirm that it is gone. Needs " +
			"Terraform 1.14 or later. A key that does not exist is an error unless `allow_missing` is `true`. If a " +
			"`domaintrust_api_key` resource manages the key, its next plan warns that the key was deleted outside " +
			"Terraform and creates a new key, with a new secret, in its place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The id (a UUID) of the key to revoke, as shown in the Domain Trust dashboard, by " +
					"the `domaintrust_api_keys` data source or by `terraform query`. Not the secret value.",
				Required:   true,
				Validators: []validator.String{validators.UUID("a Domain Trust API key id")},
			},
			"allow_missing": schema.BoolAttribute{
				MarkdownDescription: "Succeed when no such key exists (it may have been revoked already). Defaults " +
					"to `false`: a key that is not there usually means a wrong id, or a provider configured for " +
					"another organization.",
				Optional: true,
			},
		},
	}
}

func (a *revokeAPIKeyAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *revokeAPIKeyAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg revokeAPIKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireConfigured(a.data, &resp.Diagnostics) {
		return
	}
	id := cfg.ID.ValueString()
	progress := func(format string, args ...any) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
		}
	}

	progress("Deleting Domain Trust API key %s at %s", id, a.data.apiEndpoint())
	alreadyGone, failure := a.data.deleteKey(ctx, id)
	switch {
	case failure != nil:
		resp.Diagnostics.Append(failure.diagnostics("revoke Domain Trust API key " + id)...)
		return
	case alreadyGone && cfg.AllowMissing.ValueBool():
		progress("Domain Trust API key %s does not exist; nothing to revoke (allow_missing = true)", id)
		return
	case alreadyGone:
		resp.Diagnostics.AddAttributeError(path.Root("id"), "API key not found",
			fmt.Sprintf("Domain Trust has no API key %s that the provider's API key may see: the id is wrong, the "+
				"key belongs to another organization (or, for a member, to another user), or it was deleted already. "+
				"Nothing was deleted. Set allow_missing = true to accept a key that is already gone.", id))
		return
	}
	progress("Domain Trust accepted the deletion of API key %s; checking that it is gone", id)
	a.confirmRevoked(ctx, id, progress, &resp.Diagnostics)
}

// confirmRevoked reads the key back after Domain Trust accepted its
// deletion: only a proven 404 confirms it gone.
func (a *revokeAPIKeyAction) confirmRevoked(ctx context.Context, id string, progress func(string, ...any), diags *diag.Diagnostics) {
	if _, err := a.data.getKey(ctx, id); err != nil {
		a.unconfirmed(ctx, id, a.data.judge(ctx, err), progress, diags)
		return
	}
	diags.AddError("API key still exists after revoking",
		fmt.Sprintf("Domain Trust accepted the deletion of API key %s, but still shows the key. Check it in the "+
			"Domain Trust dashboard and revoke it there if it is listed.", id))
}

// unconfirmed ends a revocation whose read back failed: only a proven 404
// confirms the key gone.
func (a *revokeAPIKeyAction) unconfirmed(ctx context.Context, id string, failure apiFailure, progress func(string, ...any), diags *diag.Diagnostics) {
	if failure.Gone() {
		tflog.Info(ctx, "revoked Domain Trust API key", map[string]any{"id": id})
		progress("Revoked: Domain Trust API key %s no longer exists", id)
		return
	}
	const summary = "Could not confirm that API key %s is revoked"
	const unconfirmed = "The deletion was answered as a success, but reading the key back did not prove it " +
		"gone. Check the key in the Domain Trust dashboard."
	switch {
	case client.IsUnauthorized(failure.Err):
		// Revoking the very key the provider authenticates with ends here.
		diags.AddError(fmt.Sprintf(summary, id), unconfirmed+" Reading it back was refused with 401 Unauthorized: if "+
			id+" is the key the provider itself uses, it no longer works, and the provider needs a new key.")
	case failure.NotFound != nil && failure.Proof != nil:
		problem := describeProofFailure(failure.endpoint, failure.Proof)
		diags.Append(problem.diagnostics(fmt.Sprintf(summary, id), unconfirmed)...)
	default:
		diags.AddError(fmt.Sprintf(summary, id), fmt.Sprintf("%s\n\nThe answer was: %v", unconfirmed, failure.Err))
	}
}
