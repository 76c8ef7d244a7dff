package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A key's resource identity (Terraform 1.12+, OpenTofu 1.12+) is its id: the
// one value that names a key across Domain Trust, state, import blocks and
// the list resource's results.

func apiKeyIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       "The key's id (a UUID), as shown in the Domain Trust dashboard.",
				RequiredForImport: true,
			},
		},
	}
}

// setKeyIdentity records id as the identity. identity is nil when Terraform
// and the framework know nothing of identities; every operation that ends
// with a key in state calls it, because Terraform before 1.12 (and OpenTofu
// before 1.12) sends no identity, and the framework fails an operation that
// returns none for a resource that has an identity schema.
//
// It writes the identity's value whole rather than through SetAttribute: a
// read and a plan of every key call it, and the framework's path walk costs
// several times more than the value.
func setKeyIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	if typ, ok := identity.Raw.Type().(tftypes.Object); ok && len(typ.AttributeTypes) == 1 && typ.AttributeTypes["id"] != nil {
		identity.Raw = tftypes.NewValue(typ, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)})
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root("id"), id)...)
}
