package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A key Domain Trust proves gone (404) was deleted outside Terraform, unless
// its expiry has passed: CONTRACT.md leaves open whether Domain Trust still
// shows a key once it has expired, and under the other reading (the
// emulator's expired-hidden variant) an expired key answers 404 and leaves
// the listings. Such a key no longer works either way; it is reported as
// expired, and a rotating key simply as due for its replacement, never as
// deleted by someone.

// expiryTolerance lets Domain Trust's clock run ahead of the provider's by
// this much: a key that disappears this close to its expiry has expired.
const expiryTolerance = time.Minute

// goneAfterExpiry reports whether a key whose state says it expires at
// expiration has reached it, by the server's clock when an answer has told
// it.
func (d *providerData) goneAfterExpiry(expiration timestamp) (time.Time, bool) {
	expiry, ok := expiration.instant()
	if !ok || expiration.IsNull() || expiration.IsUnknown() {
		return time.Time{}, false
	}
	now := d.now()
	if offset, known := d.serverTimeOffset(); known && offset > 0 {
		now = now.Add(offset)
	}
	return expiry, !expiry.After(now.Add(expiryTolerance))
}

// warnKeyGone says why a key Domain Trust no longer shows leaves state:
// it expired (under rotation: it is replaced), or it was deleted outside
// Terraform.
func (d *providerData) warnKeyGone(ctx context.Context, state apiKeyModel, st stateGetter, diags *diag.Diagnostics) {
	expiry, expired := d.goneAfterExpiry(state.Expiration)
	if !expired {
		diags.AddWarning("API key deleted outside Terraform", deletedDetail(state))
		return
	}
	var rotation types.Object
	diags.Append(st.GetAttribute(ctx, path.Root("rotation"), &rotation)...)
	name := fmt.Sprintf("Domain Trust API key %s (%q)", state.ID.ValueString(), state.Description.ValueString())
	at := expiry.UTC().Format(time.RFC3339)
	if !rotation.IsNull() && !rotation.IsUnknown() {
		diags.AddWarning("API key expired and will be rotated", fmt.Sprintf("%s expired at %s before a plan replaced "+
			"it, and Domain Trust no longer shows a key once it has expired. It is removed from state, and the plan "+
			"creates its replacement: a new key, with a new secret, valid for rotation.period. Plan and apply within "+
			"rotation.rotate_before of a key's expiry to have it replaced before it stops working.", name, at))
		return
	}
	diags.AddWarning("API key expired", fmt.Sprintf("%s expired at %s and no longer works; Domain Trust no longer "+
		"shows a key once it has expired, so it is removed from state: nobody deleted it, it ran out. If the "+
		"configuration still declares it, set expiration to a future time and the plan creates a new key, with a "+
		"new secret, in its place; or use rotation to have keys replaced before they expire.", name, at))
}

// stateGetter reads one attribute of a resource's state.
type stateGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}
