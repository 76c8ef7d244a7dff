// Configuration builders: the provider block and the resources, data sources
// and guide examples the tests apply.

package provider

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const requiredProviders = `
terraform {
  required_providers {
    domaintrust = {
      source = "domaintrust/domaintrust"
    }
  }
}
`

// providerBlock configures the provider for this environment's admin.
func (e *testEnv) providerBlock() string {
	return e.providerBlockWithKey(e.boot.APIKey)
}

func (e *testEnv) providerBlockWithKey(apiKey string) string {
	return fmt.Sprintf(`
provider "domaintrust" {
  endpoint = %q
  api_key  = %q
}
`, e.endpoint, apiKey)
}

// providerBlockKnownAtApply configures the provider with an API key that
// passes through terraform_data, so Terraform knows it only at apply.
func (e *testEnv) providerBlockKnownAtApply() string {
	return fmt.Sprintf(`
resource "terraform_data" "provider_key" {
  input = %q
}

provider "domaintrust" {
  endpoint = %q
  api_key  = terraform_data.provider_key.output
}
`, e.boot.APIKey, e.endpoint)
}

const wrongAPIKey = "dtk_not_a_valid_key_0000000000"

const keyAddr = "domaintrust_api_key.test"

const keyDataAddr = "data.domaintrust_api_key.test"

func keyConfig(env *testEnv, body string) string {
	return env.providerBlock() + fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
%s
}
`, body)
}

// testingKeyConfig is keyConfig of a testing key with a description and an
// expiration.
func testingKeyConfig(env *testEnv, description, expiration string) string {
	return keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = %q
  expiration  = %q`, description, expiration))
}

func newKeyConfig(env *testEnv, provider string) string {
	return provider + fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  expiration  = %q
}
`, env.future(30*day))
}

// twoKeysConfig declares two keys; skip adds skip_credentials_validation.
func twoKeysConfig(env *testEnv, endpoint string, skip bool) string {
	return fmt.Sprintf(`
provider "domaintrust" {
  endpoint                    = %q
  api_key                     = %q
  skip_credentials_validation = %t
}

resource "domaintrust_api_key" "pair" {
  for_each    = toset(["a", "b"])
  environment = "testing"
  description = "pair ${each.key}"
  expiration  = %q
}
`, endpoint, env.boot.APIKey, skip, env.future(30*day))
}

// manyKeysConfig declares n keys with for_each; the first dup of them share
// identical attributes, so their create bodies are indistinguishable. The
// provider runs with its default settings.
func manyKeysConfig(env *testEnv, n, dup int, expiration string) string {
	return fmt.Sprintf(`
provider "domaintrust" {
  endpoint = %q
  api_key  = %q
}

locals {
  names = [for i in range(%d) : format("k%%03d", i)]
}

resource "domaintrust_api_key" "many" {
  for_each    = toset(local.names)
  environment = "testing"
  description = tonumber(substr(each.key, 1, 3)) < %d ? "duplicate" : "key ${each.key}"
  expiration  = %q
}
`, env.endpoint, env.boot.APIKey, n, dup, expiration)
}

func rotatingConfig(env *testEnv, period, rotateBefore string) string {
	return keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = "deploy pipeline"
  rotation = {
    period        = %q
    rotate_before = %q
  }
  lifecycle {
    create_before_destroy = true
  }`, period, rotateBefore))
}

func keysDataSourceConfig(env *testEnv, blocks map[string]string) string {
	var b strings.Builder
	b.WriteString(env.providerBlock())
	for _, name := range slices.Sorted(maps.Keys(blocks)) {
		fmt.Fprintf(&b, "\ndata \"domaintrust_api_keys\" %q {\n%s\n}\n", name, blocks[name])
	}
	return b.String()
}

// The guides' tests run the real terraform binary on the guides' own example
// files under examples/guides/, read from disk, so a guide cannot drift from
// what is tested. They configure the provider the way the guides tell users
// to, through DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY (useEnvCredentials),
// which is why they set process environment and do not run in parallel.

// guidesExamples is examples/guides/ relative to this package.
var guidesExamples = filepath.Join("..", "..", "examples", "guides")

// readGuideExample returns a file of examples/guides/, such as
// "ci-pipeline-keys/main.tf".
func readGuideExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(guidesExamples, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
