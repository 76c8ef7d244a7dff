package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// Resource identity through the protocol, as Terraform 1.12+ sends it and as
// Terraform 1.11 does (no identity at all).

const keyType = "domaintrust_api_key"

func (p *protocolProvider) identityType() tftypes.Type {
	p.t.Helper()
	resp, err := p.srv.GetResourceIdentitySchemas(p.ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		p.t.Fatalf("GetResourceIdentitySchemas: %v", err)
	}
	p.requireNoErrors("GetResourceIdentitySchemas", resp.Diagnostics)
	s, ok := resp.IdentitySchemas[keyType]
	if !ok {
		p.t.Fatalf("no identity schema for %s", keyType)
	}
	return s.ValueType()
}

func (p *protocolProvider) identity(id string) *tfprotov6.ResourceIdentityData {
	p.t.Helper()
	typ := p.identityType()
	return &tfprotov6.ResourceIdentityData{IdentityData: protocoltest.Dynamic(p.t, tftypes.NewValue(typ, map[string]tftypes.Value{"id": protocoltest.String(id)}))}
}

// identityID is the id an identity holds; "" for none.
func (p *protocolProvider) identityID(data *tfprotov6.ResourceIdentityData) string {
	p.t.Helper()
	if data == nil || data.IdentityData == nil {
		return ""
	}
	attrs := protocoltest.Attributes(p.t, p.identityType(), data.IdentityData)
	if attrs == nil {
		return ""
	}
	return protocoltest.AsString(p.t, attrs["id"])
}

func (p *protocolProvider) keySchema() *tfprotov6.Schema { return p.schemas.ResourceSchemas[keyType] }

// planAndApply plans the change from prior (nil: create) to config, as
// Terraform would, and applies it. plannedIdentity says whether the apply
// carries the identity the plan returned (Terraform 1.12+) or none
// (Terraform 1.11).
func (p *protocolProvider) planAndApply(prior *tfprotov6.DynamicValue, priorIdentity *tfprotov6.ResourceIdentityData, config map[string]tftypes.Value, sendIdentity bool) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	s := p.keySchema()
	cfg := p.dynamic(s, config)
	priorState := prior
	if priorState == nil {
		priorState = protocoltest.Dynamic(p.t, tftypes.NewValue(s.ValueType(), nil))
	}
	proposed := config
	if prior != nil {
		proposed = protocoltest.ProposedNewState(p.attributes(s, prior), config)
	}
	planReq := &tfprotov6.PlanResourceChangeRequest{
		TypeName: keyType, PriorState: priorState, ProposedNewState: p.dynamic(s, proposed), Config: cfg,
	}
	if sendIdentity {
		planReq.PriorIdentity = priorIdentity
	}
	plan, err := p.srv.PlanResourceChange(p.ctx, planReq)
	if err != nil {
		p.t.Fatalf("PlanResourceChange: %v", err)
	}
	p.requireNoErrors("PlanResourceChange", plan.Diagnostics)
	applyReq := &tfprotov6.ApplyResourceChangeRequest{
		TypeName: keyType, PriorState: priorState, PlannedState: plan.PlannedState, Config: cfg,
		PlannedPrivate: plan.PlannedPrivate,
	}
	if sendIdentity {
		applyReq.PlannedIdentity = plan.PlannedIdentity
	}
	resp, err := p.srv.ApplyResourceChange(p.ctx, applyReq)
	if err != nil {
		p.t.Fatalf("ApplyResourceChange: %v", err)
	}
	return resp
}

func TestProtocolIdentity_schema(t *testing.T) {
	env := newTestEnv(t, false)
	p := env.protocol(t)
	resp, err := p.srv.GetResourceIdentitySchemas(p.ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s := resp.IdentitySchemas[keyType]
	if s == nil || len(s.IdentityAttributes) != 1 {
		t.Fatalf("identity schema of %s: %+v, want exactly one attribute", keyType, s)
	}
	a := s.IdentityAttributes[0]
	if a.Name != "id" || !a.RequiredForImport || !a.Type.Is(tftypes.String) || a.Description == "" {
		t.Errorf("identity attribute = %+v, want id, a string, required for import, described", a)
	}
}

// TestProtocolIdentity_lifecycle runs create, read, update and import twice:
// once as Terraform 1.12+ does (identity in every request) and once as
// Terraform 1.11 does (none, not even for the update).
func TestProtocolIdentity_lifecycle(t *testing.T) {
	for _, tc := range []struct {
		name         string
		sendIdentity bool
	}{{"terraform 1.12+", true}, {"terraform 1.11", false}} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, false)
			p := env.protocol(t)
			s := p.keySchema()
			config := map[string]tftypes.Value{
				"environment": protocoltest.String("testing"),
				"description": protocoltest.String("identity"),
				"expiration":  protocoltest.String(env.future(30 * day)),
			}

			created := p.planAndApply(nil, nil, config, tc.sendIdentity)
			p.requireNoErrors("create", created.Diagnostics)
			id := protocoltest.AsString(t, p.attributes(s, created.NewState)["id"])
			if got := p.identityID(created.NewIdentity); got != id || id == "" {
				t.Fatalf("create: identity id %q, want the key's id %q", got, id)
			}

			readReq := &tfprotov6.ReadResourceRequest{TypeName: keyType, CurrentState: created.NewState}
			if tc.sendIdentity {
				readReq.CurrentIdentity = created.NewIdentity
			}
			read, err := p.srv.ReadResource(p.ctx, readReq)
			if err != nil {
				t.Fatal(err)
			}
			p.requireNoErrors("read", read.Diagnostics)
			if got := p.identityID(read.NewIdentity); got != id {
				t.Fatalf("read: identity id %q, want %q", got, id)
			}

			config["description"] = protocoltest.String("identity, updated")
			updated := p.planAndApply(read.NewState, read.NewIdentity, config, tc.sendIdentity)
			p.requireNoErrors("update", updated.Diagnostics)
			if got := p.identityID(updated.NewIdentity); got != id {
				t.Fatalf("update: identity id %q, want %q", got, id)
			}
			if got := protocoltest.AsString(t, p.attributes(s, updated.NewState)["description"]); got != "identity, updated" {
				t.Fatalf("update: description %q", got)
			}
			if k, _ := env.emu.Key(id); k.Description != "identity, updated" {
				t.Fatalf("the emulator's key has description %q: the update was not sent", k.Description)
			}

			// A key deleted outside Terraform leaves state, with no error
			// about a missing identity when Terraform sent none.
			if err := env.emu.DeleteKeyOutOfBand(id); err != nil {
				t.Fatal(err)
			}
			readReq = &tfprotov6.ReadResourceRequest{TypeName: keyType, CurrentState: updated.NewState}
			if tc.sendIdentity {
				readReq.CurrentIdentity = updated.NewIdentity
			}
			gone, err := p.srv.ReadResource(p.ctx, readReq)
			if err != nil {
				t.Fatal(err)
			}
			p.requireNoErrors("read of a deleted key", gone.Diagnostics)
			if attrs := p.attributes(s, gone.NewState); attrs != nil {
				t.Fatalf("a deleted key stays in state: %v", attrs)
			}
		})
	}
}

func TestProtocolIdentity_import(t *testing.T) {
	env := newTestEnv(t, false)
	k, _ := env.issueKey(env.boot.UserID, testingKey("from the dashboard", env.clock.Now().Add(30*day)))
	p := env.protocol(t)
	s := p.keySchema()

	for _, tc := range []struct {
		name string
		req  *tfprotov6.ImportResourceStateRequest
	}{
		{"by id", &tfprotov6.ImportResourceStateRequest{TypeName: keyType, ID: k.ID}},
		{"by identity", &tfprotov6.ImportResourceStateRequest{TypeName: keyType, Identity: p.identity(k.ID)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := p.srv.ImportResourceState(p.ctx, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			p.requireNoErrors("import", resp.Diagnostics)
			if len(resp.ImportedResources) != 1 {
				t.Fatalf("imported %d resources", len(resp.ImportedResources))
			}
			imported := resp.ImportedResources[0]
			if got := protocoltest.AsString(t, p.attributes(s, imported.State)["id"]); got != k.ID {
				t.Errorf("imported state id %q, want %q", got, k.ID)
			}
			if got := p.identityID(imported.Identity); got != k.ID {
				t.Errorf("imported identity id %q, want %q", got, k.ID)
			}
			// Terraform reads the imported key next, with that identity.
			read, err := p.srv.ReadResource(p.ctx, &tfprotov6.ReadResourceRequest{
				TypeName: keyType, CurrentState: imported.State, CurrentIdentity: imported.Identity,
			})
			if err != nil {
				t.Fatal(err)
			}
			p.requireNoErrors("read after import", read.Diagnostics)
			attrs := p.attributes(s, read.NewState)
			if got := protocoltest.AsString(t, attrs["description"]); got != "from the dashboard" {
				t.Errorf("description after import %q", got)
			}
			if got := protocoltest.AsString(t, attrs["key"]); got != "<null>" {
				t.Errorf("key after import is %s, want null", got)
			}
		})
	}

	t.Run("invalid identity", func(t *testing.T) {
		resp, err := p.srv.ImportResourceState(p.ctx, &tfprotov6.ImportResourceStateRequest{
			TypeName: keyType, Identity: p.identity("not-a-uuid"),
		})
		if err != nil {
			t.Fatal(err)
		}
		d := protocoltest.RequireErrorAt(t, resp.Diagnostics, nil, "Invalid import identity")
		// The value is not repeated: it may be a secret pasted by mistake.
		if strings.Contains(d.Detail, "not-a-uuid") || !strings.Contains(d.Detail, "UUID") {
			t.Errorf("detail %q repeats the value or does not say what is expected", d.Detail)
		}
	})
}

// TestAccAPIKey_identity runs through Terraform 1.12+: the identity in
// state after create and update, an import block with `identity`, and the
// configuration Terraform generates for it. It skips on older Terraform.
func TestAccAPIKey_identity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	exp := env.future(30 * day)
	config := func(description string) string {
		return keyConfig(env, fmt.Sprintf(`
  environment = "testing"
  description = %q
  expiration  = %q`, description, exp))
	}
	identityIsID := []statecheck.StateCheck{
		statecheck.ExpectIdentity(keyAddr, map[string]knownvalue.Check{"id": knownvalue.StringRegexp(uuidPattern)}),
		statecheck.ExpectIdentityValueMatchesState(keyAddr, tfjsonpath.New("id")),
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{featureIdentity},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkNoKeysLeft,
		Steps: []resource.TestStep{
			{Config: config("identity"), ConfigStateChecks: identityIsID},
			{
				Config:            config("identity, updated"),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: identityIsID,
			},
			{
				ResourceName:    keyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				// Terraform writes the configuration of the imported key (the
				// testing framework imports it to domaintrust_api_key.generated).
				ResourceName:    keyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				GenerateConfig:  true,
			},
		},
	})
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
