package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/seal"
)

// addOpenError reports an error of seal.SealedKind or Identity.Open at the
// argument at fault: a damaged sealed value at sealed_key, an identity that
// does not open it at identity. seal's text quotes neither value, nor the
// plaintext; what to do follows it.
func addOpenError(err error, diags *diag.Diagnostics) {
	switch {
	case errors.Is(err, seal.ErrDamaged):
		diags.AddAttributeError(path.Root("sealed_key"), "Invalid sealed_key", "sealed_key: "+err.Error()+
			".\n\nGive the sealed_key of a domaintrust_api_key with seal, whole and unchanged, as Terraform holds it "+
			"(domaintrust_api_key.NAME.sealed_key).")
	case errors.Is(err, seal.ErrOtherKind):
		diags.AddAttributeError(path.Root("identity"), "Identity of the other kind", "identity: "+err.Error()+
			".\n\nGive the private key of the recipient the key was sealed for: its seal.recipient names it.")
	case errors.Is(err, seal.ErrWrongIdentity):
		diags.AddAttributeError(path.Root("identity"), "Wrong identity for sealed_key", "identity: "+err.Error()+
			".\n\nGive the private key of the recipient the key was sealed for (its seal.recipient): for age, the "+
			"identity whose recipient age-keygen -y prints as seal.recipient; for a sealed box, the private key "+
			"of the pair, not its public key.")
	default:
		diags.AddAttributeError(path.Root("sealed_key"), "Could not open sealed_key", err.Error())
	}
}
