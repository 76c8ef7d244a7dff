package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// keyAPI is what resources and data sources need from the Domain Trust API.
type keyAPI interface {
	CreateKey(ctx context.Context, in client.CreateKeyInput) (*client.Key, error)
	GetKey(ctx context.Context, id string) (*client.Key, error)
	ListKeys(ctx context.Context, in client.ListKeysInput) ([]client.Key, error)
	UpdateKey(ctx context.Context, id string, in client.UpdateKeyInput) (*client.Key, error)
	DeleteKey(ctx context.Context, id string) error
	// ServerTimeOffset is the server's clock minus ours, from the latest
	// answer's Date header; reconciling a lost create needs it.
	ServerTimeOffset() (time.Duration, bool)
}

// providerData is what Configure hands to every resource, data source and
// ephemeral resource of one provider instance.
type providerData struct {
	api     keyAPI
	clock   clock.Clock
	creates *createCoordinator
}

// providerDataFrom is every Configure's common part. nil means the provider
// is not configured yet (its block depends on values unknown until apply).
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("got %T; please report this bug", raw))
		return nil
	}
	return data
}

// requireConfigured reports whether data is set, adding an error when it is
// not: that happens only when the provider block depends on values unknown
// until apply, and the call at hand cannot wait for them.
func requireConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data != nil {
		return true
	}
	diags.AddError("Provider not configured",
		"The domaintrust provider's configuration depends on values that are not known yet, so it cannot reach "+
			"the API. Apply the resources the provider configuration depends on first (terraform apply "+
			"-target=...), then run again.")
	return false
}
