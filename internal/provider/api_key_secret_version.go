package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secret_version: a number that changes whenever the key is replaced, for
// the *_wo_version argument beside a write-only argument (AWS's
// secret_string_wo_version, say), which sends the write-only value again
// only when its version changes. It is the key's creation time in Unix
// seconds: known as soon as the key exists, the same for the key's whole
// life, greater for every key that replaces it, and derived from `created`,
// so a key already in state gets it from what state holds.

func secretVersionAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "A number that changes whenever the key is replaced, and only then: the key's " +
			"creation time (`created`) in Unix seconds. Known once the key exists, unknown in a plan that creates " +
			"or replaces it. Pass it to the version argument that goes with a write-only argument, such as " +
			"`secret_string_wo_version` beside `secret_string_wo`, so that the new key is sent after every " +
			"rotation and only then. Not secret.",
		Computed: true,
		PlanModifiers: []planmodifier.Int64{
			int64planmodifier.UseStateForUnknown(),
			secretVersionFromState{},
		},
	}
}

// secretVersion is the secret_version of a key created at created.
func secretVersion(created time.Time) types.Int64 { return types.Int64Value(created.Unix()) }

// secretVersionOf is the secret_version of a key whose created attribute
// is t; unknown when t is not a known time.
func secretVersionOf(t timestamp) types.Int64 {
	created, ok := t.instant()
	if !ok {
		return types.Int64Unknown()
	}
	return secretVersion(created)
}

// secretVersionFromState plans, for a key in state that has no
// secret_version yet (state written before there was one, and not
// refreshed since), the value its created attribute gives, rather than one
// known only after apply. A key being created or replaced (no prior state)
// keeps an unknown value.
type secretVersionFromState struct{}

func (secretVersionFromState) Description(context.Context) string {
	return "A key in state keeps the secret_version its creation time gives."
}

func (m secretVersionFromState) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (secretVersionFromState) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if !req.PlanValue.IsUnknown() || req.State.Raw.IsNull() || !req.StateValue.IsNull() {
		return
	}
	var created timestamp
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("created"), &created)...)
	if v := secretVersionOf(created); !v.IsUnknown() {
		resp.PlanValue = v
	}
}
