package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/diagnostics"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/planmodifiers"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

var (
	_ resource.ResourceWithConfigure        = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState      = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*apiKeyResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*apiKeyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*apiKeyResource)(nil)
	_ resource.ResourceWithIdentity         = (*apiKeyResource)(nil)
)

// apiKeyResource manages one Domain Trust API key.
type apiKeyResource struct {
	data *providerData
}

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = apiKeyIdentitySchema()
}

func (r *apiKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: apiKeySchemaVersion,
		MarkdownDescription: "A Domain Trust API key. The secret value is returned only when the key is created; " +
			"it is kept in `key`, marked sensitive. Changing `description` or `expiration` updates the key in place; " +
			"changing `environment`, `user_id` or `rotation_triggers`, or reaching the rotation window of `rotation`, " +
			"replaces it with a new key (use `lifecycle { create_before_destroy = true }` so the new key exists " +
			"before the old one is deleted).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id (a UUID). Not secret.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: environmentDescription + " Changing it replaces the key.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(environments...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free text that says what the key is for, shown in the Domain Trust dashboard. " +
					"Changing it updates the key in place. Defaults to an empty string. Domain Trust documents no " +
					"length limit, so the provider leaves that check to the API (the emulator, by our assumption, " +
					"refuses more than 1,024 characters).",
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(""),
			},
			"expiration": schema.StringAttribute{
				MarkdownDescription: "When the key stops working, as an RFC 3339 time such as `2027-06-30T00:00:00Z`. " +
					"Must lie in the future. Changing it updates the key in place; times naming the same instant in " +
					"different offsets are equal. Set either `expiration` or `rotation`; with `rotation` this is " +
					"computed as `created` + `rotation.period`, to within a second (the provider sets it as it sends " +
					"the create; Domain Trust stamps `created` as it receives it).",
				CustomType: timestampType{},
				Optional:   true,
				Computed:   true,
			},
			"rotation": rotationAttribute(),
			"rotation_triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values that, when changed, replace the key with a new one (like " +
					"`keepers` in the random provider), for example `{ version = time_rotating.this.id }`. Adding " +
					"triggers to a key that had none (or to an imported key) does not replace it.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{planmodifiers.MapRequiresReplaceUnlessAdded()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The user who owns the key, a UUID. Defaults to the user of the provider's API " +
					"key; an admin may name another user of the same organization. Changing it replaces the key.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{validators.UUID("a Domain Trust user id")},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplaceIfConfigured(),
				},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "The secret API key value. Domain Trust returns it only when the key is created, " +
					"so it is null for imported keys, and with `seal` (see `sealed_key`). Sensitive: Terraform does " +
					"not show it in plans or logs, but it is stored in state, so protect your state, or use `seal`.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "When the key was created (RFC 3339).",
				CustomType:          timestampType{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"seal":           sealAttribute(),
			"sealed_key":     sealedKeyAttribute(),
			"retire_after":   retireAfterAttribute(),
			"secret_version": secretVersionAttribute(),
		},
	}
}

var environments = []string{"testing", "production"}

const environmentDescription = "Which Domain Trust data the key sees: `testing` (your organization's private " +
	"data) or `production` (network-wide data; needs production access)."

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, diags := keyModelOf(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	expiry, diags := r.plannedExpiry(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := client.CreateKeyInput{
		Environment: plan.Environment.ValueString(),
		Description: plan.Description.ValueString(),
		Expiry:      expiry,
	}
	if !plan.UserID.IsUnknown() && !plan.UserID.IsNull() {
		in.UserID = plan.UserID.ValueString()
		if diags := r.data.refusedAsSecret(userIDInput(in.UserID)); diags != nil {
			resp.Diagnostics.Append(diags...)
			return
		}
	}
	key, err := r.data.createKey(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(r.data.apiErrorDiagnostics(ctx, "create the Domain Trust API key", err)...)
		return
	}
	// Defence in depth: whatever logs on this context from here on, the
	// secret is masked.
	ctx = client.MaskInLogs(ctx, key.Secret.Reveal())
	tflog.Info(ctx, "created Domain Trust API key", map[string]any{"id": key.ID, "environment": key.Environment})
	if !r.keepSecret(ctx, key, &plan, resp) {
		return
	}
	writeKeyModel(ctx, &resp.State.Raw, keyState(key, plan), &resp.Diagnostics)
	setKeyIdentity(ctx, resp.Identity, key.ID, &resp.Diagnostics)
}

// Read runs for every key on every plan: it reads the state once, and
// writes it back whole (keyModelOf, writeKeyModel).
func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := keyModelOf(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	// A key just imported has never been read: its id is not confirmed yet.
	imported := unconfirmedID{what: "import id"}
	if state.Environment.IsNull() {
		imported.value = state.ID.ValueString()
		ctx = imported.maskedFor(ctx)
	}
	// What GET /keys/{id} answers, from a listing when one serves it
	// (internal/keys/key_reader.go); a key missing from it is read on its own.
	key, err := r.data.readManagedKey(ctx, state.ID.ValueString(), state.UserID.ValueString())
	if err != nil {
		r.readFailed(ctx, state, imported, r.data.judge(ctx, err), resp)
		return
	}
	if changes := driftOf(state, key); changes != "" {
		resp.Diagnostics.AddWarning("API key changed outside Terraform", changedDetail(state, changes))
	}
	writeKeyModel(ctx, &resp.State.Raw, keyState(key, state), &resp.Diagnostics)
	setKeyIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
}

// changedDetail is the drift warning of a refresh: changes (driftOf) were
// made outside Terraform. Refresh replaces state with what Domain Trust
// holds, and Terraform then plans the difference without saying where it
// came from; this says it.
func changedDetail(state apiKeyModel, changes string) string {
	return fmt.Sprintf("Domain Trust API key %s was changed outside Terraform (in the dashboard or by another tool): "+
		"%s. The plan shows what Terraform does about it: unless lifecycle { ignore_changes } covers the "+
		"attribute, it sets the configured value again, in place (same key, same secret).",
		state.ID.ValueString(), changes)
}

// deletedDetail is the warning of a refresh that found the key deleted.
func deletedDetail(state apiKeyModel) string {
	return fmt.Sprintf("Domain Trust API key %s (%q) no longer exists in Domain Trust: it was deleted outside "+
		"Terraform. It is removed from state; if the configuration still declares it, the plan creates a new key, "+
		"with a new secret, in its place.", state.ID.ValueString(), state.Description.ValueString())
}

// readFailed ends a read that got no key: a key proven gone leaves state,
// with a warning; anything else, an unproven 404 included, is an error that
// leaves state as it was.
func (r *apiKeyResource) readFailed(ctx context.Context, state apiKeyModel, imported unconfirmedID, failure apiFailure, resp *resource.ReadResponse) {
	if !failure.Gone() {
		resp.Diagnostics.Append(imported.scrub(failure.diagnostics("read Domain Trust API key " + state.ID.ValueString()))...)
		return
	}
	// A key just imported has never been read: Terraform itself says that
	// the object to import does not exist, and its id, never confirmed by
	// Domain Trust, may be a secret pasted by mistake (key_id_input.go), so
	// it is not repeated.
	if !state.Environment.IsNull() {
		tflog.Warn(ctx, "Domain Trust API key no longer exists; removing it from state", map[string]any{"id": state.ID.ValueString()})
		r.data.warnKeyGone(ctx, state, resp.State, &resp.Diagnostics)
	}
	resp.State.RemoveResource(ctx)
	// The framework (v1.19) wants an identity even from a read that
	// removes the resource; Terraform before 1.12 sends none to keep.
	setKeyIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
}

func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, diags := keyModelOf(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	state, diags := keyModelOf(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	var in client.UpdateKeyInput
	if !plan.Description.Equal(state.Description) {
		d := plan.Description.ValueString()
		in.Description = &d
	}
	if !sameInstant(plan.Expiration, state.Expiration) {
		t, ok := plan.Expiration.instant()
		if !ok {
			resp.Diagnostics.AddAttributeError(path.Root("expiration"), "Invalid expiration", "expiration is not an RFC 3339 time")
			return
		}
		in.Expiry = &t
	}
	// Attributes the API never changes in place keep their state values.
	plan.ID, plan.Key, plan.Created, plan.UserID = state.ID, state.Key, state.Created, state.UserID
	plan.SecretVersion = secretVersionOf(state.Created)
	plan.SecretVersion = secretVersionOf(state.Created)
	if in.Description != nil || in.Expiry != nil {
		key, err := r.data.updateKey(ctx, state.ID.ValueString(), in)
		if err != nil && isUpdateRefused(err) {
			resp.Diagnostics.Append(updateRefusedDiagnostics("update Domain Trust API key "+state.ID.ValueString(),
				err, updateChanges(in))...)
			return
		}
		if err != nil {
			resp.Diagnostics.Append(updateFailedDiagnostics(state, r.data.judge(ctx, err))...)
			return
		}
		plan = keyState(key, plan)
	}
	writeKeyModel(ctx, &resp.State.Raw, plan, &resp.Diagnostics)
	// Set here, not only passed through: Terraform before 1.12 plans no
	// identity, and an update that returns none fails in the framework.
	setKeyIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
}

// updateFailedDiagnostics explains an update that failed: a key proven
// deleted since the plan, or the API's error.
func updateFailedDiagnostics(state apiKeyModel, failure apiFailure) diag.Diagnostics {
	if !failure.Gone() {
		return failure.diagnostics("update Domain Trust API key " + state.ID.ValueString())
	}
	return diagnostics.Error("API key deleted outside Terraform",
		fmt.Sprintf("Domain Trust API key %s (%q) was deleted after the plan was made, so it cannot be "+
			"updated. Run terraform apply again: the new plan creates a key, with a new secret, in its place.",
			state.ID.ValueString(), state.Description.ValueString()))
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, diags := keyModelOf(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !requireConfigured(r.data, &resp.Diagnostics) {
		return
	}
	if window, ok := retireWindow(state.RetireAfter); ok {
		retireKey(ctx, r.data, state, window, &resp.Diagnostics)
		return
	}
	if _, failure := r.data.deleteKey(ctx, state.ID.ValueString()); failure != nil {
		resp.Diagnostics.Append(failure.diagnostics("delete Domain Trust API key " + state.ID.ValueString())...)
	}
}

// ImportState takes the key's id from `terraform import`, an import block's
// `id`, or (Terraform 1.12+) an import block's `identity`.
func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, what := req.ID, "import id"
	if id == "" && req.Identity != nil {
		var fromIdentity types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("id"), &fromIdentity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id, what = fromIdentity.ValueString(), "import identity"
	}
	// Neither message repeats the id: until Domain Trust answers a key by
	// it, it may be a secret pasted by mistake (key_id_input.go).
	if diags := r.data.refusedAsSecret(unconfirmedID{value: id, what: what}); diags != nil {
		resp.Diagnostics.Append(diags...)
		return
	}
	// The rule of the data source's id validator, so both take the same ids.
	if problem := validators.CheckUUID(id, "a Domain Trust API key id"); problem != "" {
		resp.Diagnostics.AddError("Invalid "+what,
			fmt.Sprintf("The %s is not a Domain Trust API key id: it %s (the value is not repeated here, in case it "+
				"is a secret). Import by the key's id as shown in the Domain Trust dashboard, by the "+
				"domaintrust_api_keys data source or by terraform query.", what, problem))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	setKeyIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	resp.Diagnostics.AddWarning("Imported key has no secret value",
		"Domain Trust shows a key's secret value only once, when the key is created, so `key` of the "+
			"imported key stays null, and so does `sealed_key` if the configuration sets `seal`. Everything else "+
			"is managed as usual. If you need the value in Terraform, or sealed for its consumer, replace the key "+
			"(terraform apply -replace=...) to mint a new one.")
}
