package provider

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
)

// fakeUserAPI answers CurrentUser with err (nil: a user); other calls panic
// through the nil embedded interface, which its tests never make.
type fakeUserAPI struct {
	keys.API
	err error
}

func (f *fakeUserAPI) CurrentUser(context.Context) (*client.User, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &client.User{ID: "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11"}, nil
}

func notFound(body client.BodyKind) error {
	return &client.Error{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: "/keys/k1", Body: body}
}

// TestDiagnoseEndpoint: each way an endpoint can be wrong gets a message that
// names the endpoint and says what to fix.
func TestDiagnoseEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, endpoint string
		err            error
		attribute      string
		wants          []string
		unwanted       []string
	}{
		{"no /api", "http://127.0.0.1:8580", &client.Error{StatusCode: 404, Body: client.BodyProblem},
			"endpoint", []string{"http://127.0.0.1:8580", "answered 404 Not Found", "does not end in /api", client.DefaultEndpoint}, nil},
		{"HTML", "https://proxy.example/api", &client.Error{StatusCode: 404, Body: client.BodyHTML},
			"endpoint", []string{"https://proxy.example/api", "an HTML page", "web server or proxy"}, []string{"/api:"}},
		{"JSON", "https://proxy.example/api", &client.Error{StatusCode: 404, Body: client.BodyJSON},
			"endpoint", []string{"JSON but not a problem document"}, []string{"does not end in /api"}},
		{"404 problem at /api", "https://other.example/api", &client.Error{StatusCode: 404, Body: client.BodyProblem},
			"endpoint", []string{"always serves GET /user, so this is not the API's base URL"}, nil},
		{"rejected key", "https://domain-trust.example/api", &client.Error{StatusCode: 401, Body: client.BodyProblem},
			"api_key", []string{"at https://domain-trust.example/api answered 401 Unauthorized", envAPIKey}, nil},
		{"no answer", "https://domain-trust.example/api", &client.GaveUpError{Attempts: 13, Elapsed: time.Minute, Err: errors.New("GET /user: connection refused")},
			"endpoint", []string{"gave up after 13 attempts", "skip_credentials_validation = true"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			diags := describeProofFailure(tc.endpoint, keys.ClassifyProof(tc.err)).diagnostics("Could not verify the Domain Trust credentials", "")
			if len(diags) != 1 {
				t.Fatalf("%d diagnostics, want 1", len(diags))
			}
			d := diags[0]
			for _, want := range tc.wants {
				if !strings.Contains(d.Summary()+" "+d.Detail(), want) {
					t.Errorf("%q / %q lacks %q", d.Summary(), d.Detail(), want)
				}
			}
			for _, bad := range tc.unwanted {
				if strings.Contains(d.Detail(), bad) {
					t.Errorf("%q holds %q", d.Detail(), bad)
				}
			}
			if wp, ok := d.(interface{ Path() path.Path }); !ok || !wp.Path().Equal(path.Root(tc.attribute)) {
				t.Errorf("diagnostic not at %s", tc.attribute)
			}
		})
	}
}

// TestAPIDiagnosticsForA404: a 404 from an endpoint that is not proven is
// explained as the endpoint problem; one from the proven API that is not its
// problem document is blamed on what sits in front; the API's own 404 is
// reported as such. Each says that state was left alone where it matters.
func TestAPIDiagnosticsForA404(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		api   *fakeUserAPI
		err   error
		wants []string
	}{
		{"endpoint not proven", &fakeUserAPI{err: notFound(client.BodyHTML)}, notFound(client.BodyProblem),
			[]string{"Could not read key k1: the endpoint is not the Domain Trust API", "state is left as it was"}},
		{"proven API, a proxy's page", &fakeUserAPI{}, notFound(client.BodyHTML),
			[]string{"Could not read key k1: the answer was not Domain Trust's", "came as an HTML page", "state is left as it was"}},
		{"proven API, its own 404", &fakeUserAPI{}, notFound(client.BodyProblem),
			[]string{"Could not read key k1 GET /keys/k1: 404 Not Found"}},
		{"the proof failed for a while", &fakeUserAPI{err: &client.Error{StatusCode: http.StatusServiceUnavailable, Method: http.MethodGet, Path: "/user", Body: client.BodyProblem}},
			notFound(client.BodyProblem),
			[]string{"Could not read key k1: the endpoint could not be verified", "GET /keys/k1: 404 Not Found",
				"This 404 could not be proven", "a key in state stays there", "GET /user: 503 Service Unavailable"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := newProviderData(tc.api, clock.NewMock(), "https://domain-trust.example/api", keys.DefaultListPolicy)
			diags := data.apiErrorDiagnostics(context.Background(), "read key k1", tc.err)
			if len(diags) != 1 || !diags.HasError() {
				t.Fatalf("diagnostics %v, want one error", diags)
			}
			text := strings.Join(strings.Fields(diags[0].Summary()+" "+diags[0].Detail()), " ")
			for _, want := range tc.wants {
				if !strings.Contains(text, want) {
					t.Errorf("%q lacks %q", text, want)
				}
			}
		})
	}
}
