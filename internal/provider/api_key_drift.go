package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// Refresh replaces state with what Domain Trust holds, and Terraform then
// plans the difference without saying where it came from. These warnings
// say it: a key someone deleted or edited in the dashboard is news the user
// should read in the plan, not infer from a create or an update.

// driftOf lists what changed outside Terraform between state and the key as
// Domain Trust holds it, or "" when nothing did. Attributes state does not
// know yet (a key just imported) are no drift.
func driftOf(state apiKeyModel, key *client.Key) string {
	var changes []string
	if !state.Description.IsNull() && !state.Description.IsUnknown() && state.Description.ValueString() != key.Description {
		changes = append(changes, fmt.Sprintf("description %q → %q", state.Description.ValueString(), key.Description))
	}
	if t, ok := state.Expiration.instant(); ok && !state.Expiration.IsNull() && !state.Expiration.IsUnknown() && !t.Equal(key.Expiry) {
		changes = append(changes, fmt.Sprintf("expiration %s → %s",
			t.UTC().Format(time.RFC3339), key.Expiry.UTC().Format(time.RFC3339)))
	}
	return strings.Join(changes, "; ")
}

func changedDetail(state apiKeyModel, changes string) string {
	return fmt.Sprintf("Domain Trust API key %s was changed outside Terraform (in the dashboard or by another tool): "+
		"%s. The plan shows what Terraform does about it: unless lifecycle { ignore_changes } covers the "+
		"attribute, it sets the configured value again, in place (same key, same secret).",
		state.ID.ValueString(), changes)
}

func deletedDetail(state apiKeyModel) string {
	return fmt.Sprintf("Domain Trust API key %s (%q) no longer exists in Domain Trust: it was deleted outside "+
		"Terraform. It is removed from state; if the configuration still declares it, the plan creates a new key, "+
		"with a new secret, in its place.", state.ID.ValueString(), state.Description.ValueString())
}
