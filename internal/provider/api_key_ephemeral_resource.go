package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/diagnostics"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*apiKeyEphemeralResource)(nil)
)

const (
	// defaultEphemeralTTL is text, not a time.Duration, so the result shows
	// "1h" as the docs do rather than "1h0m0s".
	defaultEphemeralTTL = "1h"
	// maxEphemeralTTL bounds how long a key outlives a run whose Close never
	// happened (a killed terraform process, a failed delete).
	maxEphemeralTTL = 24 * time.Hour
	// privateKeyRef names the private-data entry that carries the key's id
	// from Open to Close. Terraform keeps ephemeral private data in memory
	// only; the secret is never put there, since Close does not need it.
	privateKeyRef = "key_ref"
)

// apiKeyEphemeralResource mints a Domain Trust API key for the length of one
// Terraform run and deletes it again when Terraform closes the resource.
type apiKeyEphemeralResource struct {
	data *providerData
}

type apiKeyEphemeralModel struct {
	Environment types.String `tfsdk:"environment"`
	Description types.String `tfsdk:"description"`
	TTL         types.String `tfsdk:"ttl"`
	ID          types.String `tfsdk:"id"`
	Key         types.String `tfsdk:"key"`
	Expiration  timestamp    `tfsdk:"expiration"`
}

// ephemeralKeyRef is what Close needs to delete the key, or to tell the user
// which key survived and until when.
type ephemeralKeyRef struct {
	ID     string    `json:"id"`
	Expiry time.Time `json:"expiry"`
}

func (r *apiKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived Domain Trust API key for one Terraform run. Opening the ephemeral " +
			"resource creates a key that expires after `ttl`; closing it deletes the key. The key's id and secret " +
			"value are never written to the plan or the state. Terraform opens ephemeral resources in both " +
			"`plan` and `apply`, and each opening creates (and later deletes) its own key. Requires Terraform 1.10 " +
			"or later; use the `domaintrust_api_key` resource for a key that must outlive the run.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: environmentDescription,
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(environments...)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free text that says what the key is for, shown in the Domain Trust dashboard " +
					"while the key exists. Defaults to an empty string.",
				Optional: true,
			},
			"ttl": schema.StringAttribute{
				MarkdownDescription: "How long the key works after it is opened, as a Go duration such as `15m` or " +
					"`2h`. At most `24h`; defaults to `1h`. Make it longer than the run that uses the key: the key " +
					"stops working when `ttl` has passed, even mid-run. Closing the resource deletes the key earlier; " +
					"if that fails, the key still stops working when `ttl` has passed.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{validators.Duration(maxEphemeralTTL)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id (a UUID).",
				Computed:            true,
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "The secret API key value. Sensitive, and ephemeral: available only during the " +
					"run, never stored in plan or state.",
				Computed:  true,
				Sensitive: true,
			},
			"expiration": schema.StringAttribute{
				MarkdownDescription: "When the key stops working (RFC 3339): the time it was opened plus `ttl`.",
				CustomType:          timestampType{},
				Computed:            true,
			},
		},
	}
}

func (r *apiKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// openTofuReportedVersion is the Terraform version that OpenTofu 1.12 and
// later report to every provider (its VersionToImpersonateForProviders);
// Terraform 1.13.0 itself reports it too. The protocol tells the two apart
// nowhere else: both send the same client capabilities with Open.
const openTofuReportedVersion = "1.13.0"

func (r *apiKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	cfg, ttl, ok := readEphemeralConfig(ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.data.configured() {
		r.openUnconfigured(ctx, req, resp, cfg)
		return
	}
	key, ok := r.createEphemeralKey(ctx, cfg, ttl, &resp.Diagnostics)
	if !ok {
		return
	}
	// Whatever logs on this context from here on, the secret is masked.
	ctx = client.MaskInLogs(ctx, key.Secret.Reveal())
	tflog.Info(ctx, "opened ephemeral Domain Trust API key", map[string]any{"id": key.ID, "environment": key.Environment})
	r.setOpened(ctx, resp, cfg, key)
}

// readEphemeralConfig reads the configuration, with ttl defaulting to
// defaultEphemeralTTL, and the ttl it names; ok is false when either is
// invalid, which diags (or the ttl validator) has reported.
func readEphemeralConfig(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (cfg apiKeyEphemeralModel, ttl time.Duration, ok bool) {
	diags.Append(config.Get(ctx, &cfg)...)
	if diags.HasError() {
		return cfg, 0, false
	}
	if cfg.TTL.IsNull() {
		cfg.TTL = types.StringValue(defaultEphemeralTTL)
	}
	ttl, ok = validators.ParseDuration(cfg.TTL.ValueString())
	return cfg, ttl, ok
}

// openUnconfigured answers an Open before the provider is configured
// (ephemeral_unconfigured.go), with a result whose key is not known yet.
func (r *apiKeyEphemeralResource) openUnconfigured(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse, cfg apiKeyEphemeralModel) {
	cfg.ID, cfg.Key, cfg.Expiration = types.StringUnknown(), types.StringUnknown(), timestampUnknown()
	openUnconfigured(ctx, r.data, req, resp, "create this key", cfg)
}

// createEphemeralKey creates the key the configuration describes, expiring
// ttl from now; false when the create failed, which diags reports.
func (r *apiKeyEphemeralResource) createEphemeralKey(ctx context.Context, cfg apiKeyEphemeralModel, ttl time.Duration, diags *diag.Diagnostics) (*client.Key, bool) {
	in := client.CreateKeyInput{
		Environment: cfg.Environment.ValueString(),
		Description: cfg.Description.ValueString(),
		// Whole seconds, as for managed keys: the create coordinator matches a
		// lost create's orphan by expiry, and the API may keep only seconds.
		Expiry: r.data.now().Add(ttl).Truncate(time.Second),
	}
	key, err := r.data.createKey(ctx, in)
	if err != nil {
		diags.Append(diagnostics.MovePath(r.data.apiErrorDiagnostics(ctx, "create the ephemeral Domain Trust API key", err),
			// The API complains about the expiry, which here is computed from ttl.
			path.Root("expiration"), path.Root("ttl"))...)
		return nil, false
	}
	return key, true
}

// setOpened records the key for Close and sets the result. If either fails,
// it deletes the key again: Terraform does not close a resource whose Open
// failed, so the key would live until its expiry.
func (r *apiKeyEphemeralResource) setOpened(ctx context.Context, resp *ephemeral.OpenResponse, cfg apiKeyEphemeralModel, key *client.Key) {
	ref := ephemeralKeyRef{ID: key.ID, Expiry: key.Expiry}
	defer func() {
		if resp.Diagnostics.HasError() {
			r.deleteKey(ctx, ref, &resp.Diagnostics)
		}
	}()

	raw, err := json.Marshal(ref)
	if err != nil {
		resp.Diagnostics.AddError("Could not record the ephemeral API key for closing", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyRef, raw)...)
	cfg.ID = types.StringValue(key.ID)
	cfg.Key = types.StringValue(key.Secret.Reveal())
	cfg.Expiration = timestampOf(key.Expiry)
	resp.Diagnostics.Append(resp.Result.Set(ctx, cfg)...)
}

func (r *apiKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, privateKeyRef)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(raw) == 0 {
		return
	}
	var ref ephemeralKeyRef
	if err := json.Unmarshal(raw, &ref); err != nil || ref.ID == "" {
		resp.Diagnostics.AddWarning("Could not delete the ephemeral Domain Trust API key",
			"The provider lost track of the key it created for this run, so it cannot delete it. The key stops "+
				"working at the end of its `ttl`; please report this bug.")
		return
	}
	if !r.data.configured() {
		resp.Diagnostics.AddWarning(undeletedSummary(ref), undeletedDetail(ref, "the provider is not configured"))
		return
	}
	r.deleteKey(ctx, ref, &resp.Diagnostics)
}

// deleteKey deletes the key; a key proven gone counts as deleted.
func (r *apiKeyEphemeralResource) deleteKey(ctx context.Context, ref ephemeralKeyRef, diags *diag.Diagnostics) {
	if _, failure := r.data.deleteKey(ctx, ref.ID); failure != nil {
		diags.AddWarning(undeletedSummary(ref), undeletedDetail(ref, failure.Err.Error()))
		return
	}
	tflog.Info(ctx, "deleted ephemeral Domain Trust API key", map[string]any{"id": ref.ID})
}

// A failed delete is a warning, not an error: the run's real work is done,
// and the key is harmless once it expires, which ttl keeps short.
func undeletedSummary(ref ephemeralKeyRef) string {
	return "Could not delete ephemeral Domain Trust API key " + ref.ID
}

func undeletedDetail(ref ephemeralKeyRef, cause string) string {
	return fmt.Sprintf("Deleting the ephemeral API key %s failed: %s\n\n"+
		"The key stays valid until it expires at %s and stops working then. To revoke it sooner, delete "+
		"key %s in the Domain Trust dashboard.", ref.ID, cause, ref.Expiry.UTC().Format(time.RFC3339), ref.ID)
}
