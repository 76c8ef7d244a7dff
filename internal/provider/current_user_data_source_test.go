package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

const currentUserAddr = "data.domaintrust_current_user.me"

// TestAccCurrentUserDataSource: the user of the provider's key, admin or
// member, as GET /user answers it; nothing in it is the key.
func TestAccCurrentUserDataSource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	member := env.addUser(env.boot.OrganizationID, "max@example.org", emulator.RoleMember)
	_, memberKey := env.issueKey(member, emulator.KeySpec{})
	attr := func(name string, value knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(currentUserAddr, tfjsonpath.New(name), value)
	}
	const config = `
data "domaintrust_current_user" "me" {}
`
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), CheckDestroy: func(*terraform.State) error { return env.keyCount(1)(nil) }, Steps: []resource.TestStep{
		{
			Config: env.providerBlock() + config,
			ConfigStateChecks: []statecheck.StateCheck{
				attr("id", knownvalue.StringExact(env.boot.UserID)),
				attr("email", knownvalue.StringExact("admin@emulator.local")),
				attr("first_name", knownvalue.StringExact("Emulator")),
				attr("last_name", knownvalue.StringExact("Admin")),
				attr("organization_id", knownvalue.StringExact(env.boot.OrganizationID)),
				attr("role", knownvalue.StringExact("admin")),
				noAttributeHolds(currentUserAddr, env.boot.APIKey),
			},
		},
		{
			Config: env.providerBlockWithKey(memberKey) + config,
			ConfigStateChecks: []statecheck.StateCheck{
				attr("id", knownvalue.StringExact(member)),
				attr("email", knownvalue.StringExact("max@example.org")),
				attr("first_name", knownvalue.StringExact("Test")),
				attr("last_name", knownvalue.StringExact("User")),
				attr("role", knownvalue.StringExact("member")),
				noAttributeHolds(currentUserAddr, memberKey),
			},
		},
	}})
}

// TestAccCurrentUserDataSource_example: the example's precondition stops a
// member's plan with its message, and lets an admin's apply create the key.
func TestAccCurrentUserDataSource_example(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", "domaintrust_current_user", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	const placeholder = "6f1c2b9a-3d4e-4f50-8a7b-9c0d1e2f3a4b"
	if !strings.Contains(string(b), placeholder) {
		t.Fatalf("the example no longer uses user id %s", placeholder)
	}
	bot := env.addUser(env.boot.OrganizationID, "bot@example.org", emulator.RoleMember)
	_, memberKey := env.issueKey(env.addUser(env.boot.OrganizationID, "max@example.org", emulator.RoleMember), emulator.KeySpec{})
	example := strings.ReplaceAll(string(b), placeholder, bot)
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), CheckDestroy: func(*terraform.State) error { return env.keyCount(1)(nil) }, Steps: []resource.TestStep{
		{
			Config:      env.providerBlockWithKey(memberKey) + example,
			PlanOnly:    true,
			ExpectError: expectError("Creating keys for other users needs the admin role; max@example.org is a member."),
		},
		{
			Config: env.providerBlock() + example,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("domaintrust_api_key.deploy_bot", tfjsonpath.New("user_id"), knownvalue.StringExact(bot)),
				statecheck.ExpectKnownValue("domaintrust_api_key.deploy_bot", tfjsonpath.New("description"),
					knownvalue.StringExact("deploy bot, created by admin@emulator.local")),
				statecheck.ExpectKnownOutputValue("applied_by", knownvalue.StringExact(
					"Emulator Admin <admin@emulator.local>, admin of organization "+env.boot.OrganizationID)),
			},
		},
	}})
}
