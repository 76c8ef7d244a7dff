// A 404 that cannot be proven says so: the read that could not prove its
// endpoint keeps its key in state and explains why, with the proof's cause,
// from the same proof that kept the key (the overlap of two reads' proofs is
// forced in internal/keys' TestEndpointProof_* tests).

package provider

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
)

// unavailableOnce answers the first GET /user through it with 503, and
// counts every GET /user.
func unavailableOnce(userGets *atomic.Int32) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/user") && userGets.Add(1) == 1 {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, `{"title":"Service Unavailable","status":503,"detail":"down for maintenance"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestAPIKey_readOfAnUnprovenNotFound: two keys deleted outside Terraform,
// max_retries = 0, no proof at Configure, and the first GET /user answered
// 503. The first read keeps its key and says why, with the 503, without a
// second GET /user for the message; the next read proves its key deleted.
func TestAPIKey_readOfAnUnprovenNotFound(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	var ids []string
	for _, description := range []string{"first", "second"} {
		k, _ := env.issueKey(env.boot.UserID, testingKey(description, env.clock.Now().Add(30*day)))
		if err := env.emu.DeleteKeyOutOfBand(k.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, k.ID)
	}
	var userGets atomic.Int32
	env.wrap(unavailableOnce(&userGets))
	cfg := client.DefaultConfig()
	cfg.Endpoint, cfg.APIKey, cfg.Clock, cfg.MaxRetries = env.endpoint, env.boot.APIKey, env.clock, 0
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res := &apiKeyResource{data: newProviderData(c, env.clock, env.endpoint, keys.ListPolicy{})}

	first := readKey(t, res, ids[0], env.boot.UserID)
	if !first.Diagnostics.HasError() || first.State.Raw.IsNull() {
		t.Fatalf("the first read: state removed %v, diagnostics %v; want an error and the key kept",
			first.State.Raw.IsNull(), first.Diagnostics)
	}
	d := first.Diagnostics.Errors()[0]
	expectOutput(t, d.Summary()+"\n"+d.Detail(),
		"Could not read Domain Trust API key "+ids[0]+": the endpoint could not be verified",
		"404 Not Found", "This 404 could not be proven", "a key in state stays there",
		"503 Service Unavailable", "down for maintenance")
	if n := userGets.Load(); n != 1 {
		t.Errorf("%d GET /user requests for the first read, want 1: its message comes from its proof", n)
	}

	second := readKey(t, res, ids[1], env.boot.UserID)
	if second.Diagnostics.HasError() || !second.State.Raw.IsNull() {
		t.Fatalf("the second read: state removed %v, diagnostics %v; want its key proven deleted",
			second.State.Raw.IsNull(), second.Diagnostics)
	}
	if w := second.Diagnostics.Warnings(); len(w) != 1 || w[0].Summary() != "API key deleted outside Terraform" {
		t.Errorf("the second read warned %v, want \"API key deleted outside Terraform\"", w)
	}
}

// readKey calls the resource's Read for the key id of owner as state holds
// it after a create, and returns the response.
func readKey(t *testing.T, r *apiKeyResource, id, owner string) *resource.ReadResponse {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	state := tfsdk.State{Schema: sr.Schema, Raw: protocoltest.Object(t, typ, map[string]tftypes.Value{
		"id": protocoltest.String(id), "environment": protocoltest.String("testing"),
		"description": protocoltest.String("deleted outside Terraform"), "user_id": protocoltest.String(owner),
	})}
	resp := &resource.ReadResponse{State: state}
	r.Read(ctx, resource.ReadRequest{State: state}, resp)
	return resp
}

// TestAccAPIKey_unprovenNotFoundExplains is the issue's plan: two keys
// deleted outside Terraform, max_retries = 0, skip_credentials_validation,
// and the plan's first GET /user answered 503. However the two reads
// overlap, one key is proven deleted (the other read's attempt of its own
// succeeds, or it comes after the failure), and the other fails with the
// proof's cause and the word that its key stays in state, never a bare
// "404 Not Found". The next plan proves both.
func TestAccAPIKey_unprovenNotFoundExplains(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, false)
	cli := newTFCLI(t, env)
	cli.write(twoKeysConfig(env, env.endpoint, false))
	cli.mustRun("apply", "-auto-approve")
	for _, k := range cli.stateKeys() {
		if err := env.emu.DeleteKeyOutOfBand(k.id); err != nil {
			t.Fatal(err)
		}
	}
	var userGets atomic.Int32
	env.wrap(unavailableOnce(&userGets))
	cli.write(strings.Replace(twoKeysConfig(env, env.endpoint, true),
		"skip_credentials_validation", "max_retries = 0\n  skip_credentials_validation", 1))
	before := cli.readFile("terraform.tfstate")

	out, code := cli.exitCode("plan", "-detailed-exitcode")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1 (one key's 404 unproven):\n%s", code, out)
	}
	expectOutput(t, out, "Warning: API key deleted outside Terraform", "the endpoint could not be verified",
		"This 404 could not be proven", "a key in state stays there", "503 Service Unavailable")
	if n := strings.Count(out, "Error: "); n != 1 {
		t.Errorf("%d errors, want 1:\n%s", n, out)
	}
	if n := strings.Count(out, "Warning: API key deleted outside Terraform"); n != 1 {
		t.Errorf("%d keys proven deleted, want 1:\n%s", n, out)
	}
	if cli.readFile("terraform.tfstate") != before {
		t.Error("the failed plan changed state")
	}

	// Both keys proven deleted: both are created again.
	out, code = cli.exitCode("plan", "-detailed-exitcode")
	if code != 2 {
		t.Fatalf("the next plan exited %d, want 2:\n%s", code, out)
	}
	expectOutput(t, out, "Warning: API key deleted outside Terraform", "Plan: 2 to add, 0 to change, 0 to destroy.")
}
