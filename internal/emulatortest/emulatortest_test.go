package emulatortest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
)

// TestCounterCountsAbandonedRequests: a request whose client gave up before
// the emulator handled it is counted by the next reading, not after it.
func TestCounterCountsAbandonedRequests(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	arrived := make(chan struct{})
	endpoint := s.Serve(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(arrived)
			<-r.Context().Done() // the client has given up
			next.ServeHTTP(w, r)
		})
	})
	count := s.Count()

	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/user", http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Boot.APIKey)
	go func() {
		<-arrived
		cancel()
	}()
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("the request was answered; want it abandoned")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("request: %v, want it cancelled", err)
	}
	if n := count.Of(emulator.RouteGetUser); n != 1 {
		t.Errorf("counted %d GET /user, want the abandoned request counted", n)
	}
	if n := count.Total(); n != 1 {
		t.Errorf("counted %d requests in all, want 1", n)
	}
}

// TestStartServesOneOrganization: the endpoint answers the bootstrap key.
func TestStartServesOneOrganization(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	if !s.Emulator.Authenticates(s.Boot.APIKey) {
		t.Fatal("the bootstrap key does not authenticate")
	}
	if s.URL()+"/api" != s.Endpoint {
		t.Errorf("URL %q and Endpoint %q disagree", s.URL(), s.Endpoint)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, s.Endpoint+"/user", http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Boot.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /user answered %d", resp.StatusCode)
	}
}

// TestStartWithVariants: Options.Variants and Options.Role reach the
// emulator: a member under admin-writes may not create keys.
func TestStartWithVariants(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{Variants: []emulator.Variant{emulator.VariantAdminWrites}, Role: emulator.RoleMember})
	if got := s.Emulator.Variants(); len(got) != 1 || got[0] != emulator.VariantAdminWrites {
		t.Fatalf("variants %v, want admin-writes", got)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.Endpoint+"/keys",
		strings.NewReader(`{"key":{"environment":"testing","expiry":"2099-01-01T00:00:00Z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Boot.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a member's POST /keys under admin-writes answered %d, want 403", resp.StatusCode)
	}
}
