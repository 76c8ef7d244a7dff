package provider

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
)

// TestAccProvider_credentialsCheckedAtPlan: a wrong key fails `terraform
// plan` of a new key with the message apply gives, and sends nothing else;
// skip_credentials_validation keeps the plan offline.
func TestAccProvider_credentialsCheckedAtPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	skipping := fmt.Sprintf(`
provider "domaintrust" {
  endpoint                    = %q
  api_key                     = %q
  skip_credentials_validation = true
}
`, env.endpoint, wrongAPIKey)
	var before int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:      newKeyConfig(env, env.providerBlockWithKey(wrongAPIKey)),
				PlanOnly:    true,
				ExpectError: expectError("Could not verify the Domain Trust credentials: the provider's API key was rejected"),
			},
			{
				PreConfig: func() {
					st := env.stats()
					if st.Total != st.ByRoute["GET /user"] || st.ByStatus["401"] != st.Total {
						t.Errorf("the failed plan sent more than its checks: %+v", st)
					}
					before = st.Total
				},
				Config:             newKeyConfig(env, skipping),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
	if n := env.stats().Total - before; n != 0 {
		t.Errorf("the plan with skip_credentials_validation sent %d requests, want 0", n)
	}
}

// TestAccProvider_skipCredentialsValidationFromEnvironment: the environment
// variable does what the attribute does, and a value that is no boolean is
// refused. Not parallel: it sets process environment.
func TestAccProvider_skipCredentialsValidationFromEnvironment(t *testing.T) {
	env := newTestEnv(t, false)
	t.Setenv(envSkipCredentials, "true")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:             newKeyConfig(env, env.providerBlockWithKey(wrongAPIKey)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig:   func() { t.Setenv(envSkipCredentials, "sometimes") },
				Config:      newKeyConfig(env, env.providerBlockWithKey(wrongAPIKey)),
				PlanOnly:    true,
				ExpectError: expectError(`The ` + envSkipCredentials + ` environment variable holds "sometimes"; set it to true or false.`),
			},
		},
	})
	if n := env.stats().Total; n != 0 {
		t.Errorf("%d requests, want 0", n)
	}
}

// TestAccProvider_oneCheckPerProcess: validate sends nothing, and a plan that
// refreshes twenty keys checks the credentials once.
func TestAccProvider_oneCheckPerProcess(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	cli.write(manyKeysConfig(env, 20, 0, env.future(30*day)))
	cli.mustRun("validate")
	if n := env.stats().Total; n != 0 {
		t.Fatalf("terraform validate sent %d requests, want 0", n)
	}
	cli.mustRun("apply", "-auto-approve")
	before := env.stats()
	cli.mustRun("plan")
	after := env.stats()
	if n := after.ByRoute["GET /user"] - before.ByRoute["GET /user"]; n != 1 {
		t.Errorf("plan sent %d GET /user, want 1 (one provider process)", n)
	}
	// The first reads are GETs, the rest come from one listing (key_reader.go).
	gets := after.ByRoute["GET /keys/{id}"] - before.ByRoute["GET /keys/{id}"]
	if lists := after.ByRoute["GET /keys"] - before.ByRoute["GET /keys"]; gets != keys.DefaultListThreshold-1 || lists != 1 {
		t.Errorf("plan sent %d GET /keys/{id} and %d GET /keys, want %d and 1", gets, lists, keys.DefaultListThreshold-1)
	}
	cli.mustRun("destroy", "-auto-approve")
}

// TestAccProvider_maxRetries: max_retries = 0 sends one attempt, and the
// default gives up after 1 + client.DefaultMaxRetries attempts, saying so.
func TestAccProvider_maxRetries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		setting  string
		attempts int
	}{
		{"max_retries = 0", 1},
		{"max_retries = 2", 3},
		{"", 13},
	} {
		t.Run(tc.setting, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, false)
			var requests atomic.Int32
			down := serveCounting(t, &requests, http.StatusServiceUnavailable, "application/problem+json",
				`{"title":"Service Unavailable","status":503,"detail":"maintenance"}`)
			unit := "attempts"
			if tc.attempts == 1 {
				unit = "attempt"
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config: newKeyConfig(env, fmt.Sprintf(`
provider "domaintrust" {
  endpoint = %q
  api_key  = %q
  %s
}
`, down, env.boot.APIKey, tc.setting)),
					PlanOnly:    true,
					ExpectError: expectError(fmt.Sprintf("503 Service Unavailable: maintenance (gave up after %d %s over", tc.attempts, unit)),
				}},
			})
			// One plan configures the provider once; the test framework runs
			// no other command after a failed plan.
			if n := int(requests.Load()); n != tc.attempts {
				t.Errorf("%d requests, want %d", n, tc.attempts)
			}
		})
	}
}
