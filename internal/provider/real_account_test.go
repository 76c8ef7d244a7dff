package provider

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccReal_lifecycle runs the core lifecycle against a real Domain Trust
// account: `make testacc-real` with DOMAINTRUST_API_KEY (and optionally
// DOMAINTRUST_ENDPOINT) set. It creates one testing key that expires within
// two days, updates it in place, reads it back, imports it and deletes it.
func TestAccReal_lifecycle(t *testing.T) {
	if os.Getenv("DOMAINTRUST_ACC_REAL") != "1" {
		t.Skip("set DOMAINTRUST_ACC_REAL=1 and DOMAINTRUST_API_KEY to run against a real account (make testacc-real)")
	}
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"domaintrust": func() (tfprotov6.ProviderServer, error) { return ctxrelease.NewProtocol6WithError(New("acc")())() },
	}
	stamp := time.Now().UTC().Format("20060102T150405Z")
	exp1 := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	exp2 := time.Now().Add(47 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	config := func(description, expiration string) string {
		return fmt.Sprintf(`
resource "domaintrust_api_key" "test" {
  environment = "testing"
  description = %q
  expiration  = %q
}

data "domaintrust_api_key" "test" {
  id = domaintrust_api_key.test.id
}
`, description, expiration)
	}
	name := "terraform-provider-domaintrust acceptance test " + stamp

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:           config(name, exp1),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.domaintrust_api_key.test", tfjsonpath.New("description"), knownvalue.StringExact(name)),
				},
			},
			{Config: config(name, exp2), ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate)},
			{Config: config(name+" (renamed)", exp2), ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate)},
			{
				Config:                  config(name+" (renamed)", exp2),
				ResourceName:            keyAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"key"},
			},
		},
	})
}
