package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

// A grace window: with retire_after, a key Terraform destroys (replaced, or
// removed) is not deleted but retired: its expiry is brought forward to the
// end of the window, and it leaves state. A consumer that picks up the new
// key late (a secrets-manager sync, a pod that restarts hourly, a CI cache)
// keeps working until then; the key then expires by itself.

// minRetireAfter keeps the end of a window clear of the moment the
// provider computes it, so that clocks a few seconds apart still give an
// expiry that lies in Domain Trust's future.
const minRetireAfter = time.Minute

func retireAfterAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "A grace window, as a Go duration such as `1h` or `72h` (at least `1m`). When " +
			"Terraform destroys the key, because it is replaced (by `rotation`, `rotation_triggers`, `-replace` or a " +
			"changed attribute) or removed from the configuration, the provider does not delete it: it brings the " +
			"key's expiry forward to the end of the window (the time of the destroy plus `retire_after`), and the " +
			"key leaves state. The key keeps working until then, for consumers that pick up its successor late, " +
			"and expires by itself. An expiry that is already sooner is left as it is: the window never lengthens " +
			"a key's life. The window that applies is the one in state when the key is destroyed, so set it one " +
			"apply before the replacement it should cover. Unset, destroying deletes the key. To end a key at " +
			"once, use the `domaintrust_revoke_api_key` action.",
		Optional:   true,
		Validators: []validator.String{validators.DurationAtLeast(minRetireAfter)},
	}
}

// retireWindow is the window of a key's state; false without one.
func retireWindow(v types.String) (time.Duration, bool) {
	if v.IsNull() || v.IsUnknown() {
		return 0, false
	}
	return validators.ParseDuration(v.ValueString())
}

// retirementEnd is when a key retired now with window stops working: its
// expiry, or the end of the window if that is sooner. Whole seconds, as
// the API keeps them.
func retirementEnd(now time.Time, window time.Duration, expiry time.Time) time.Time {
	end := now.Add(window).Truncate(time.Second)
	if expiry.Before(end) {
		return expiry
	}
	return end
}

// retireKey brings the key's expiry forward to the end of window instead of
// deleting it. It reads the key first: the expiry in state may be out of
// date, and the window must never lengthen what Domain Trust holds. A key
// proven gone is retired already.
func retireKey(ctx context.Context, data *providerData, state apiKeyModel, window time.Duration, diags *diag.Diagnostics) {
	id := state.ID.ValueString()
	key, err := data.getKey(ctx, id)
	if err != nil {
		// A key proven gone is retired already.
		if failure := data.judge(ctx, err); !failure.Gone() {
			diags.Append(failure.diagnostics("retire Domain Trust API key " + id)...)
		}
		return
	}
	now := data.now()
	end := retirementEnd(now, window, key.Expiry)
	switch {
	case !key.Expiry.After(now):
		tflog.Info(ctx, "Domain Trust API key has expired already; nothing to retire", map[string]any{"id": id})
		return
	case end.Equal(key.Expiry):
		tflog.Info(ctx, "Domain Trust API key expires within its retire_after window; left as it is", map[string]any{"id": id})
	default:
		if _, err := data.updateKey(ctx, id, client.UpdateKeyInput{Expiry: &end}); err != nil {
			switch failure := data.judge(ctx, err); {
			case isUpdateRefused(err):
				diags.Append(retireRefusedDiagnostics(state, key.Expiry)...)
			case !failure.Gone():
				diags.Append(failure.diagnostics("retire Domain Trust API key " + id)...)
			}
			return
		}
		tflog.Info(ctx, "retired Domain Trust API key", map[string]any{"id": id, "expiry": end.Format(time.RFC3339)})
	}
	diags.AddWarning("API key retired, not deleted", fmt.Sprintf("Domain Trust API key %s (%q) is no longer in "+
		"state, but keeps working until %s (retire_after = %s), and expires then. To revoke it sooner, use the "+
		"domaintrust_revoke_api_key action or the Domain Trust dashboard.",
		id, state.Description.ValueString(), end.UTC().Format(time.RFC3339), state.RetireAfter.ValueString()))
}

// planDestroy warns, on the plan that destroys the key in state (raw),
// when it will be retired rather than deleted, saying until when it keeps
// working.
func planDestroy(ctx context.Context, now time.Time, raw tftypes.Value, diags *diag.Diagnostics) {
	state, d := keyModelOf(ctx, raw)
	diags.Append(d...)
	window, ok := retireWindow(state.RetireAfter)
	expiry, okExpiry := state.Expiration.instant()
	if d.HasError() || !ok || !okExpiry || !expiry.After(now) {
		return
	}
	diags.AddWarning(retirementNotice(state.ID.ValueString(), state.Description.ValueString(), window,
		state.RetireAfter.ValueString(), now, expiry))
}

// retirementNotice is the plan's warning for a key that will be retired:
// when it will stop working, counted from the plan (the apply counts from
// its own time), or its expiry if that is sooner.
func retirementNotice(id, description string, window time.Duration, windowText string, now, expiry time.Time) (summary, detail string) {
	summary = "API key will be retired, not deleted"
	end := retirementEnd(now, window, expiry)
	until := fmt.Sprintf("keeps working until about %s (retire_after = %s after the apply), then expires",
		end.UTC().Format(time.RFC3339), windowText)
	if end.Equal(expiry) {
		until = fmt.Sprintf("keeps working until it expires at %s, which is sooner than retire_after = %s",
			expiry.UTC().Format(time.RFC3339), windowText)
	}
	return summary, fmt.Sprintf("Domain Trust API key %s (%q) leaves state but is not deleted: it %s. To revoke "+
		"it at once instead, use the domaintrust_revoke_api_key action.", id, description, until)
}
