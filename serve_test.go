package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease/ctxreleasetest"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulatortest"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// TestCollectLessOften: the provider's GOGC is gcPercent, unless the user
// set one.
func TestCollectLessOften(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "150")
	_ = os.Unsetenv("GOGC")
	collectLessOften()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GOGC %d, want %d", got, gcPercent)
	}
	t.Setenv("GOGC", "150")
	collectLessOften()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, the provider changed it to %d", got)
	}
}

func TestServerFactoryWraps(t *testing.T) {
	srv := serverFactory("test")()
	if _, ok := srv.(*ctxrelease.Server); !ok {
		t.Fatalf("main serves %T, want the framework's server wrapped in *ctxrelease.Server", srv)
	}
}

// The provider as main.go serves it keeps no RPC's context for a later RPC:
// after configure, create, read, update and delete against an emulator, every
// one of those contexts can be collected. A client or logger built from
// ConfigureProvider's context, or a create coordinator holding a create's,
// fails this (and would keep its memory).
func TestProviderKeepsNoRPCContext(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.Options{})
	srv := serverFactory("test")()
	count := emu.Count()
	probe := keyLifecycle(t, srv, emu.Endpoint, emu.Boot.APIKey)

	for _, route := range []string{emulator.RouteCreateKey, emulator.RouteGetKey, emulator.RouteUpdateKey, emulator.RouteDeleteKey} {
		if n := count.Of(route); n != 1 {
			t.Errorf("%s sent %d times, want 1", route, n)
		}
	}

	for _, i := range probe.Kept() {
		t.Errorf("the context of RPC %d of %d is still kept after the RPCs returned", i, probe.Len())
	}
	runtime.KeepAlive(srv)
}

// keyLifecycle configures the provider and creates, reads, updates and
// deletes one key, as Terraform would, each RPC with a context of its own
// from the probe it returns. A function of its own, so that nothing of the
// RPCs is left on the test's stack.
func keyLifecycle(t *testing.T, srv tfprotov6.ProviderServer, endpoint, apiKey string) *ctxreleasetest.Probe {
	t.Helper()
	probe := &ctxreleasetest.Probe{}

	schemas := ctxreleasetest.Call(t, probe, srv.GetProviderSchema, &tfprotov6.GetProviderSchemaRequest{})
	protocoltest.RequireNoErrors(t, "GetProviderSchema", schemas.Diagnostics)
	providerType := schemas.Provider.ValueType()
	keyType := schemas.ResourceSchemas["domaintrust_api_key"].ValueType()

	configured := ctxreleasetest.Call(t, probe, srv.ConfigureProvider, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config: protocoltest.Dynamic(t, protocoltest.Object(t, providerType, map[string]tftypes.Value{
			"api_key": protocoltest.String(apiKey), "endpoint": protocoltest.String(endpoint),
		})),
	})
	protocoltest.RequireNoErrors(t, "ConfigureProvider", configured.Diagnostics)

	const typeName = "domaintrust_api_key"
	expiration := time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Hour)
	config := func(exp time.Time) map[string]tftypes.Value {
		return map[string]tftypes.Value{
			"environment": protocoltest.String("testing"), "description": protocoltest.String("context test"),
			"expiration": protocoltest.String(exp.Format(time.RFC3339)),
		}
	}
	null := protocoltest.Dynamic(t, tftypes.NewValue(keyType, nil))

	// apply plans and applies the change from prior (null: create) to cfg
	// (nil: delete).
	apply := func(prior *tfprotov6.DynamicValue, priorPrivate []byte, cfg map[string]tftypes.Value) *tfprotov6.ApplyResourceChangeResponse {
		t.Helper()
		config, proposed := null, null
		if cfg != nil {
			config = protocoltest.Dynamic(t, protocoltest.Object(t, keyType, cfg))
			proposed = config
			if prior != null {
				proposed = protocoltest.Dynamic(t, protocoltest.Object(t, keyType,
					protocoltest.ProposedNewState(protocoltest.Attributes(t, keyType, prior), cfg)))
			}
		}
		plan := ctxreleasetest.Call(t, probe, srv.PlanResourceChange, &tfprotov6.PlanResourceChangeRequest{
			TypeName: typeName, PriorState: prior, ProposedNewState: proposed, Config: config, PriorPrivate: priorPrivate,
		})
		protocoltest.RequireNoErrors(t, "PlanResourceChange", plan.Diagnostics)
		applied := ctxreleasetest.Call(t, probe, srv.ApplyResourceChange, &tfprotov6.ApplyResourceChangeRequest{
			TypeName: typeName, PriorState: prior, PlannedState: plan.PlannedState, Config: config, PlannedPrivate: plan.PlannedPrivate,
		})
		protocoltest.RequireNoErrors(t, "ApplyResourceChange", applied.Diagnostics)
		return applied
	}

	created := apply(null, nil, config(expiration))
	read := ctxreleasetest.Call(t, probe, srv.ReadResource, &tfprotov6.ReadResourceRequest{
		TypeName: typeName, CurrentState: created.NewState, Private: created.Private,
	})
	protocoltest.RequireNoErrors(t, "ReadResource", read.Diagnostics)
	updated := apply(read.NewState, read.Private, config(expiration.Add(24*time.Hour)))
	apply(updated.NewState, updated.Private, nil)
	return probe
}
