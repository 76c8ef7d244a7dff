package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

// A sealed key: with `seal`, the secret is encrypted for its consumer the
// moment Domain Trust returns it, and only the ciphertext is kept
// (sealed_key); `key` stays null, so the plaintext is in no state, plan or
// log. The plaintext exists only at creation, so nothing can be sealed for
// another recipient later: changing seal replaces the key.

type sealModel struct {
	Recipient types.String `tfsdk:"recipient"`
}

func sealAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Deliver the key sealed for its consumer. The provider encrypts the secret for " +
			"`recipient` the moment Domain Trust returns it and keeps only the ciphertext, in `sealed_key`; `key` " +
			"stays null, so the plaintext is never in state, a plan or a log. Adding, changing or removing `seal` " +
			"replaces the key, as the plaintext is gone and cannot be sealed again (a recipient written " +
			"differently, such as with surrounding white space, is the same recipient); on an imported key, " +
			"whose secret Terraform never had, it changes nothing until the key is replaced. Every key a " +
			"rotation creates is sealed. See the guide \"Delivering keys sealed for their consumer\".",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"recipient": schema.StringAttribute{
				MarkdownDescription: "Who can open `sealed_key`: " + seal.Accepted + ". The form follows from " +
					"the value. For a GitHub Actions secret, the repository's public key " +
					"(`data.github_actions_public_key.NAME.key`); for an age or SOPS file, the recipient that " +
					"`age-keygen -y` prints for the identity that will decrypt it.",
				Required:   true,
				Validators: []validator.String{validators.SealRecipient()},
			},
		},
		PlanModifiers: []planmodifier.Object{sealRequiresReplace()},
	}
}

func sealAttributeTypes() map[string]attr.Type {
	return sealAttribute().GetType().(types.ObjectType).AttrTypes
}

func sealedKeyAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "With `seal`, the key's secret encrypted for `seal.recipient`: the standard base64 of a " +
			"libsodium sealed box (what GitHub's `encrypted_value` takes) or an ASCII-armored age file, after the " +
			"form of the recipient. Only the recipient's private key opens it, so it is not marked sensitive. " +
			"Null without `seal`, and for an imported key until it is replaced.",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// sealRequiresReplace replaces the key when seal is added, removed or given
// another recipient. Not for a key whose secret the state never held, plain
// or sealed (an imported key): there is nothing to seal or to unseal, and
// the key itself is as good as it was.
func sealRequiresReplace() planmodifier.Object {
	const description = "Replaces the key when seal is added, removed or names another recipient, unless the " +
		"state never held the key's secret (an imported key)."
	return objectplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
			state, diags := keyModelOf(ctx, req.State.Raw)
			resp.Diagnostics.Append(diags...)
			resp.RequiresReplace = !diags.HasError() && sealForcesReplacement(ctx, state, req.PlanValue)
		},
		description, description,
	)
}

// sealForcesReplacement is the rule sealRequiresReplace applies, and the plan
// explains: seal changes from state's to planned on a key whose secret,
// plain or sealed, is in state.
func sealForcesReplacement(ctx context.Context, state apiKeyModel, planned types.Object) bool {
	if state.Seal.Equal(planned) || sameRecipient(ctx, state.Seal, planned) {
		return false
	}
	return !state.Key.IsNull() || !state.SealedKey.IsNull()
}

// sameRecipient reports whether two seal values name the same recipient,
// however written; an unknown or unparsable one is never the same.
func sameRecipient(ctx context.Context, a, b types.Object) bool {
	ra, okA := recipientOf(ctx, a)
	rb, okB := recipientOf(ctx, b)
	return okA && okB && ra.String() == rb.String()
}

// recipientOf parses a seal value's recipient; false when seal is null,
// unknown, or names no valid recipient (the validator reports that).
func recipientOf(ctx context.Context, obj types.Object) (seal.Recipient, bool) {
	if obj.IsNull() || obj.IsUnknown() {
		return seal.Recipient{}, false
	}
	var m sealModel
	if diags := obj.As(ctx, &m, basetypes.ObjectAsOptions{}); diags.HasError() || m.Recipient.IsUnknown() {
		return seal.Recipient{}, false
	}
	r, err := seal.ParseRecipient(m.Recipient.ValueString())
	return r, err == nil
}

// planNewKeySecret plans what a new key (a create or a replacement) shows
// of its secret: with seal, key is null and sealed_key known after apply;
// without, the other way round.
func (p *keyPlan) planNewKeySecret() {
	plain, sealed := types.StringUnknown(), types.StringNull()
	if !p.config.Seal.IsNull() {
		plain, sealed = types.StringNull(), types.StringUnknown()
	}
	p.setPlan("key", plain)
	p.setPlan("sealed_key", sealed)
}

// warnUnsealedImport says, on the plans of a key whose secret the state
// never held (an imported key) but whose configuration seals it, that there
// is nothing to seal until the key is replaced.
func (p *keyPlan) warnUnsealedImport(diags *diag.Diagnostics) {
	if p.config.Seal.IsNull() || !p.state.Key.IsNull() || !p.state.SealedKey.IsNull() {
		return
	}
	diags.AddAttributeWarning(path.Root("seal"), "Imported key has nothing to seal",
		"Terraform never had the secret of Domain Trust API key "+p.state.ID.ValueString()+" (it was imported, and "+
			"Domain Trust shows a secret only once, when the key is created), so `sealed_key` stays null until the "+
			"key is replaced. Replace it (terraform apply -replace=ADDRESS) to mint a new key sealed for "+
			"seal.recipient.")
}

// explainSealReplacement says, on the plan that replaces a key for its
// seal, why: a secret is shown once, so the old one cannot be sealed again.
func (p *keyPlan) explainSealReplacement(ctx context.Context, diags *diag.Diagnostics) {
	prior, configured := p.state.Seal, p.config.Seal
	if !sealForcesReplacement(ctx, p.state, configured) {
		return
	}
	what := "is given another recipient"
	switch {
	case prior.IsNull():
		what = "is sealed from now on"
	case configured.IsNull():
		what = "is no longer sealed"
	}
	diags.AddAttributeWarning(path.Root("seal"), "API key will be replaced for its seal",
		"Domain Trust API key "+p.state.ID.ValueString()+" "+what+", so it is replaced by a new key: Domain Trust "+
			"shows a key's secret only once, when the key is created, so the provider cannot seal the current secret "+
			"for another recipient, or hand it out unsealed. The new key's secret goes to `sealed_key` with seal, to "+
			"`key` without.")
}

// keepSecret puts the secret of key, just created, where plan says: in key,
// or with seal only sealed, in sealed_key. When it cannot (the recipient
// cannot be sealed for), a key nobody can use is deleted, not left behind,
// and keepSecret reports false with the diagnostics in resp.
func (r *apiKeyResource) keepSecret(ctx context.Context, key *client.Key, plan *apiKeyModel, resp *resource.CreateResponse) bool {
	var diags diag.Diagnostics
	plan.Key, plan.SealedKey, diags = secretAttributes(ctx, plan.Seal, key.Secret.Reveal())
	if !diags.HasError() {
		return true
	}
	resp.Diagnostics.Append(diags...)
	if _, failure := r.data.deleteKey(ctx, key.ID); failure != nil {
		// Kept in state, without its secret: Terraform marks it tainted
		// and deletes it at the next apply, rather than lose track of it.
		resp.Diagnostics.Append(failure.diagnostics("delete the unsealed Domain Trust API key " + key.ID)...)
		plan.Key, plan.SealedKey = types.StringNull(), types.StringNull()
		writeKeyModel(ctx, &resp.State.Raw, keyState(key, *plan), &resp.Diagnostics)
		setKeyIdentity(ctx, resp.Identity, key.ID, &resp.Diagnostics)
	}
	return false
}

// secretAttributes are key and sealed_key of a key just created with secret:
// the plaintext, or with seal only the plaintext sealed for its recipient.
// The error never holds the secret.
func secretAttributes(ctx context.Context, sealCfg types.Object, secret string) (plain, sealed types.String, diags diag.Diagnostics) {
	if sealCfg.IsNull() {
		return types.StringValue(secret), types.StringNull(), nil
	}
	r, ok := recipientOf(ctx, sealCfg)
	if !ok {
		diags.AddAttributeError(path.Root("seal"), "Invalid seal recipient",
			"seal.recipient is not "+seal.Accepted+", so the new key's secret cannot be sealed.")
		return types.StringNull(), types.StringNull(), diags
	}
	ciphertext, err := r.Seal([]byte(secret))
	if err != nil {
		diags.AddAttributeError(path.Root("seal"), "Could not seal the new key's secret",
			"Sealing the secret for seal.recipient ("+string(r.Kind())+") failed: "+err.Error())
		return types.StringNull(), types.StringNull(), diags
	}
	return types.StringNull(), types.StringValue(ciphertext), nil
}
