package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// TestAccProvider_environmentVariables configures the provider only through
// DOMAINTRUST_API_KEY and DOMAINTRUST_ENDPOINT, as CI pipelines do, and
// checks that an endpoint from the environment is held to the same rules as
// one in the provider block. Not parallel: it sets process environment.
func TestAccProvider_environmentVariables(t *testing.T) {
	env := newTestEnv(t, false)
	t.Setenv(envAPIKey, env.boot.APIKey)
	t.Setenv(envEndpoint, env.endpoint)
	cfg := fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = %q
}`, env.future(30*day))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkNoKeysLeft,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{env.keyAuthenticates(keyAddr)}},
			{
				PreConfig:   func() { t.Setenv(envEndpoint, "http://domain-trust.example.org/api") },
				Config:      cfg,
				PlanOnly:    true,
				ExpectError: expectError("The DOMAINTRUST_ENDPOINT environment variable holds"),
			},
			{
				// Restore a working endpoint so the key can be destroyed.
				PreConfig: func() { t.Setenv(envEndpoint, env.endpoint) },
				Config:    cfg,
			},
		},
	})
}
