package provider

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// testEnv is one in-process emulator with its own organization, plus a
// provider wired to it. Provider and emulator read the same mock clock, so a
// test moves time for both at once.
type testEnv struct {
	t        *testing.T
	emu      *emulator.Emulator
	clock    *clock.Mock
	boot     emulator.Bootstrap
	endpoint string
}

type envOption func(*emulator.Options)

func newTestEnv(t *testing.T, productionAccess bool, opts ...envOption) *testEnv {
	t.Helper()
	mock := clock.NewMock()
	o := emulator.Options{Clock: mock, Seed: 1}
	for _, opt := range opts {
		opt(&o)
	}
	emu, err := emulator.New(o)
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	boot, err := emu.Bootstrap("", productionAccess)
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testEnv{t: t, emu: emu, clock: mock, boot: boot, endpoint: srv.URL + "/api"}
}

// factories serves this provider in-process, with the test clock and retry
// waits short enough that injected faults do not slow tests down.
func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		// A new instance per call, as Terraform starts one provider process
		// per provider block (aliases included).
		"domaintrust": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(e.provider()())()
		},
	}
}

func (e *testEnv) provider() func() provider.Provider {
	return New("test",
		WithClock(e.clock),
		WithClientConfig(func(c *client.Config) {
			c.RetryWaitMin = time.Millisecond
			c.RetryWaitMax = 20 * time.Millisecond
		}),
	)
}

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

// future returns an RFC 3339 time d from the test clock's now, whole seconds.
func (e *testEnv) future(d time.Duration) string {
	return e.clock.Now().Add(d).UTC().Truncate(time.Second).Format(time.RFC3339)
}

// liveKeyIDs returns the ids of the keys the emulator holds, except the
// bootstrap key.
func (e *testEnv) liveKeyIDs() []string {
	var ids []string
	for _, k := range e.emu.Keys() {
		if k.ID != e.boot.KeyID {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

// checkNoKeysLeft is a CheckDestroy: after destroy the emulator holds only the
// bootstrap key.
func (e *testEnv) checkNoKeysLeft(*terraform.State) error {
	if ids := e.liveKeyIDs(); len(ids) > 0 {
		return fmt.Errorf("keys left after destroy: %v", ids)
	}
	return nil
}

// captureAttr stores an attribute of a resource in *dst during a Check.
func captureAttr(name, attr string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s not in state", name)
		}
		*dst = rs.Primary.Attributes[attr]
		return nil
	}
}

// checkKeyAuthenticates proves the secret in state is a working key, without
// ever printing it.
func (e *testEnv) checkKeyAuthenticates(name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s not in state", name)
		}
		if !e.emu.Authenticates(rs.Primary.Attributes["key"]) {
			return fmt.Errorf("the key value in state of %s does not authenticate (value withheld)", name)
		}
		return nil
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	got := userAgent("1.2.3", "1.11.4")
	want := "terraform-provider-domaintrust/1.2.3 (+https://www.terraform.io) Terraform/1.11.4"
	if got != want {
		t.Fatalf("userAgent = %q, want %q", got, want)
	}
	if got := userAgent("1.2.3", ""); strings.Contains(got, "Terraform/") {
		t.Fatalf("userAgent without Terraform version = %q", got)
	}
}

// expectError is a regexp that matches msg across Terraform's line wrapping.
func expectError(msg string) *regexp.Regexp {
	words := strings.Fields(regexp.QuoteMeta(msg))
	return regexp.MustCompile(strings.Join(words, `\s+`))
}
