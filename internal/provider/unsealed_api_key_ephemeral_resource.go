package provider

import (
	"context"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*unsealedAPIKeyEphemeralResource)(nil)

// unsealedAPIKeyEphemeralResource opens a managed key's sealed_key for one
// Terraform run, so that the key can go to a write-only argument (a secret
// manager's) with its plaintext in no state and no plan. Opening is local;
// only verify calls the API.
//
// What is wrong with sealed_key is reported by Open, not by ValidateConfig:
// sealed_key comes from another resource, so it is known only when
// Terraform opens the resource, and Terraform (1.11 to 1.16) shows the
// diagnostics of the validation it runs just before Open without their
// place in the configuration, those of Open with it.
type unsealedAPIKeyEphemeralResource struct {
	data *providerData
}

type unsealedAPIKeyModel struct {
	SealedKey types.String `tfsdk:"sealed_key"`
	Identity  types.String `tfsdk:"identity"`
	Verify    types.Bool   `tfsdk:"verify"`
	Key       types.String `tfsdk:"key"`
}

func (r *unsealedAPIKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_unsealed_api_key"
}

func (r *unsealedAPIKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Opens the `sealed_key` of a `domaintrust_api_key` with `seal` for one Terraform run, with " +
			"the private key of the recipient it was sealed for, so that the key can be handed to a write-only " +
			"argument (such as `secret_string_wo` of `aws_secretsmanager_secret_version`) or a provider " +
			"configuration, with its plaintext in no state and no plan. `key` is ephemeral: Terraform never writes " +
			"it to a plan or the state. Opening makes no API request, unless `verify` is set. While `sealed_key` is " +
			"not known yet (a key about to be created or replaced), Terraform does not open the resource during " +
			"the plan, and opens it during the apply, once the new key exists. Requires Terraform 1.10 or later, or " +
			"OpenTofu 1.11 or later (write-only arguments need Terraform 1.11 or OpenTofu 1.11). See the guide " +
			"\"Handing keys to a secret manager, with no plaintext in any state\".",
		Attributes: map[string]schema.Attribute{
			"sealed_key": schema.StringAttribute{
				MarkdownDescription: "The `sealed_key` of a `domaintrust_api_key` with `seal`, such as " +
					"`domaintrust_api_key.NAME.sealed_key`: an ASCII-armored age file, or the standard base64 of a " +
					"libsodium sealed box, after the form of `seal.recipient`. Must be set: a null value, which is " +
					"what an imported key has until it is replaced, fails with an error that says so.",
				Optional: true,
			},
			"identity": schema.StringAttribute{
				MarkdownDescription: "The private key that opens `sealed_key`, of the recipient it was sealed for: " +
					seal.AcceptedIdentity + ". It must be of the same kind as `seal.recipient`. Sensitive. Pass it " +
					"through an ephemeral input variable (`variable \"...\" { ephemeral = true }`, set from an " +
					"environment variable such as `TF_VAR_...`), so that no plan file saves it either; never write " +
					"it into the configuration.",
				Required:   true,
				Sensitive:  true,
				Validators: []validator.String{validators.SealIdentity()},
			},
			"verify": schema.BoolAttribute{
				MarkdownDescription: "When `true`, the opened key authenticates once against the provider's " +
					"endpoint (`GET /user`) before it is handed on, so that a key that expired or was revoked or " +
					"deleted fails the run instead of being delivered. Defaults to `false`: opening then makes no " +
					"API request.",
				Optional: true,
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "The opened API key. Sensitive, and ephemeral: available only during the " +
					"run, never stored in a plan or the state. Hand it to write-only arguments, provider " +
					"configurations and other ephemeral values; a regular resource argument does not take it.",
				Computed:  true,
				Sensitive: true,
			},
		},
	}
}

func (r *unsealedAPIKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *unsealedAPIKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var cfg unsealedAPIKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Terraform and OpenTofu open an ephemeral resource only once its
	// configuration is known; were it not, the key is not known either.
	if cfg.SealedKey.IsUnknown() || cfg.Identity.IsUnknown() || cfg.Verify.IsUnknown() {
		tflog.Debug(ctx, "sealed_key, identity or verify is not known yet, so neither is the key")
		cfg.Key = types.StringUnknown()
		resp.Diagnostics.Append(resp.Result.Set(ctx, cfg)...)
		return
	}
	plaintext, ok := openSealedKey(cfg.SealedKey, cfg.Identity, &resp.Diagnostics)
	if !ok {
		return
	}
	// Whatever logs on this context from here on, neither is written.
	ctx = client.MaskInLogs(client.MaskInLogs(ctx, plaintext), cfg.Identity.ValueString())
	if cfg.Verify.ValueBool() {
		if !r.data.configured() {
			cfg.Key = types.StringUnknown()
			openUnconfigured(ctx, r.data, req, resp, "verify the opened key", cfg)
			return
		}
		if !r.verify(ctx, plaintext, &resp.Diagnostics) {
			return
		}
	}
	cfg.Key = types.StringValue(plaintext)
	resp.Diagnostics.Append(resp.Result.Set(ctx, cfg)...)
	tflog.Info(ctx, "opened sealed Domain Trust API key", map[string]any{"verified": cfg.Verify.ValueBool()})
}

// verify authenticates with the opened key once (GET /user); false when it
// does not work, which diags reports.
func (r *unsealedAPIKeyEphemeralResource) verify(ctx context.Context, key string, diags *diag.Diagnostics) bool {
	user, err := r.data.currentUserOf(ctx, key)
	switch {
	case client.IsUnauthorized(err):
		diags.AddAttributeError(path.Root("sealed_key"), "The opened key does not work",
			"verify is true, and Domain Trust at "+r.data.apiEndpoint()+" refused the key opened from sealed_key "+
				"(GET /user answered 401 Unauthorized): the key expired, or was revoked or deleted. Nothing was "+
				"handed on. Replace the domaintrust_api_key the sealed_key comes from (terraform apply "+
				"-replace=ADDRESS), or let its rotation replace it, to seal a new key.")
		return false
	case err != nil:
		diags.Append(describeAPIError("verify the key opened from sealed_key", err, r.data.apiEndpoint())...)
		return false
	}
	tflog.Debug(ctx, "the opened key authenticates", map[string]any{"user_id": user.ID})
	return true
}

// noSealedKeyDetail explains a null sealed_key.
const noSealedKeyDetail = "sealed_key is null, so there is no key to open. A domaintrust_api_key has a sealed_key " +
	"only with seal, and only for a key the provider created: Domain Trust shows a key's secret once, at creation, " +
	"so an imported key has none until it is replaced. Replace the key once (terraform apply -replace=ADDRESS) to " +
	"have it sealed for its consumer. A key without seal keeps its secret in key instead."

// openSealedKey opens sealed with identity; false when it does not open,
// which diags reports at the attribute to fix: a null sealed_key, an
// identity of neither form (its validator, which Terraform runs before
// Open, reports that first), then what Open finds, in its order: a
// sealed_key that is no sealed value, an identity of the other kind, one
// that does not open it. The plaintext must be text: Terraform's strings
// are UTF-8.
func openSealedKey(sealed, identity types.String, diags *diag.Diagnostics) (string, bool) {
	if sealed.IsNull() {
		diags.AddAttributeError(path.Root("sealed_key"), "No sealed key to open", noSealedKeyDetail)
		return "", false
	}
	id, err := seal.ParseIdentity(identity.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("identity"), "Invalid identity", "identity: "+err.Error()+".")
		return "", false
	}
	plaintext, err := id.Open(sealed.ValueString())
	if err != nil {
		addOpenError(err, diags)
		return "", false
	}
	if !utf8.Valid(plaintext) {
		diags.AddAttributeError(path.Root("sealed_key"), "Sealed value is not an API key",
			"sealed_key opened, but not to text: what was sealed is not an API key. Give the sealed_key of a "+
				"domaintrust_api_key.")
		return "", false
	}
	return string(plaintext), true
}
