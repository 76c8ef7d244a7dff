package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// notTheAPI are servers that answer 404 to a key that exists: the emulator
// reached without /api, a web server's HTML page, and JSON that is no
// problem document.
var notTheAPI = map[string]struct {
	serve func(env *testEnv) string // returns the endpoint to configure
	hint  string
}{
	"endpoint without /api": {
		serve: func(env *testEnv) string { return strings.TrimSuffix(env.endpoint, "/api") },
		hint:  "The endpoint does not end in /api",
	},
	"web server answering HTML": {
		serve: func(env *testEnv) string {
			return serveAll(env.t, http.StatusNotFound, "text/html", "<html><body><h1>404 Not Found</h1><hr>nginx</body></html>")
		},
		hint: "The answer was an HTML page",
	},
	"JSON that is no problem document": {
		serve: func(env *testEnv) string {
			return serveAll(env.t, http.StatusNotFound, "application/json", `{"error":"not found"}`)
		},
		hint: "The answer was JSON but not a problem document",
	},
}

// TestAccEndpointNotProvenKeepsEveryKey points a provider whose keys exist
// at servers that answer 404 to everything. Whether the provider checks the
// endpoint when it is configured or (skip_credentials_validation) only when a
// 404 arrives, every command fails with a message that names the endpoint,
// and state and server still hold every key.
func TestAccEndpointNotProvenKeepsEveryKey(t *testing.T) {
	t.Parallel()
	for name, bad := range notTheAPI {
		for _, skip := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, skip_credentials_validation=%t", name, skip), func(t *testing.T) {
				t.Parallel()
				env := newTestEnv(t, false)
				cli := newTFCLI(t, env)
				cli.write(twoKeysConfig(env, env.endpoint, false))
				cli.mustRun("apply", "-auto-approve")
				before := cli.stateKeys()
				expectStateMatchesEmulator(t, env, cli, 2, "after create")

				endpoint := bad.serve(env)
				cli.write(twoKeysConfig(env, endpoint, skip))
				commands := [][]string{
					{"plan"}, {"apply", "-auto-approve"}, {"destroy", "-auto-approve"}, {"plan", "-refresh-only"},
					// Without a refresh, destroy goes straight to DELETE.
					{"destroy", "-auto-approve", "-refresh=false"},
				}
				for _, args := range commands {
					out, err := cli.run(args...)
					if err == nil {
						t.Fatalf("terraform %v succeeded against %s:\n%s", args, endpoint, out)
					}
					expectOutput(t, out, "is not the Domain Trust API", endpoint, bad.hint)
					if strings.Contains(out, "Destroy complete") || strings.Contains(out, "0 destroyed") {
						t.Errorf("terraform %v claims a destroy:\n%s", args, out)
					}
					if after := cli.stateKeys(); fmt.Sprint(after) != fmt.Sprint(before) {
						t.Fatalf("terraform %v changed state:\nbefore %v\nafter  %v", args, len(before), len(after))
					}
					expectStateMatchesEmulator(t, env, cli, 2, fmt.Sprint("after ", args))
				}

				// Import reads the key first: a 404 from the wrong endpoint
				// must not read as "the key does not exist".
				extra, _, err := env.emu.IssueKey(env.boot.UserID, testingKey("extra", env.clock.Now().Add(30*day)))
				if err != nil {
					t.Fatal(err)
				}
				cli.write(twoKeysConfig(env, endpoint, skip) + fmt.Sprintf(`
resource "domaintrust_api_key" "extra" {
  environment = "testing"
  description = "extra"
  expiration  = %q
}
`, extra.Expiry.UTC().Format(time.RFC3339)))
				out, err := cli.run("import", "domaintrust_api_key.extra", extra.ID)
				if err == nil || strings.Contains(out, "non-existent") {
					t.Fatalf("import through %s: err %v\n%s", endpoint, err, out)
				}
				expectOutput(t, out, "is not the Domain Trust API")

				// Back on the right endpoint, destroy finds and deletes them all.
				cli.write(twoKeysConfig(env, env.endpoint, false))
				cli.mustRun("destroy", "-auto-approve")
				if err := env.emu.DeleteKeyOutOfBand(extra.ID); err != nil {
					t.Fatal(err)
				}
				expectStateMatchesEmulator(t, env, cli, 0, "after destroy")
			})
		}
	}
}

// TestAccDataSources_endpointNotProven: both data sources report a wrong
// endpoint as such, never as "key not found" or "user not found".
func TestAccDataSources_endpointNotProven(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	endpoint := strings.TrimSuffix(env.endpoint, "/api")
	provider := fmt.Sprintf(`
provider "domaintrust" {
  endpoint                    = %q
  api_key                     = %q
  skip_credentials_validation = true
}
`, endpoint, env.boot.APIKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:      provider + fmt.Sprintf(`data "domaintrust_api_key" "test" { id = %q }`, env.boot.KeyID),
				ExpectError: expectError("is not the Domain Trust API"),
			},
			{
				Config:      provider + fmt.Sprintf(`data "domaintrust_api_keys" "test" { user_id = %q }`, env.boot.UserID),
				ExpectError: expectError("The endpoint does not end in /api"),
			},
		},
	})
}
