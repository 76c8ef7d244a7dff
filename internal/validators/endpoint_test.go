package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const example = "https://domain-trust.globalcyberalliance.org/api"

func TestCheckEndpoint(t *testing.T) {
	t.Parallel()
	for raw, wantOK := range map[string]bool{
		"https://domain-trust.globalcyberalliance.org/api": true,
		"http://127.0.0.1:8580/api":                        true,
		"http://localhost:8580/api":                        true,
		"http://[::1]:8580/api":                            true,
		"http://127.8.9.10/api":                            true,
		"http://example.org/api":                           false,
		"http://10.0.0.1/api":                              false,
		"ftp://example.org/api":                            false,
		"/api":                                             false,
		"https://user:pw@example.org/api":                  false,
		"https://example.org/api?x=1":                      false,
		"not a url":                                        false,
	} {
		if got := CheckEndpoint(raw, example) == ""; got != wantOK {
			t.Errorf("CheckEndpoint(%q) ok = %v, want %v (%s)", raw, got, wantOK, CheckEndpoint(raw, example))
		}
	}
	if got := CheckEndpoint("/api", example); !strings.Contains(got, example) {
		t.Errorf("CheckEndpoint(/api) = %q, want it to show %s", got, example)
	}
}

func TestEndpointValidator(t *testing.T) {
	t.Parallel()
	for value, wantErr := range map[string]bool{example: false, "http://example.org/api": true} {
		var resp validator.StringResponse
		Endpoint(example).ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("endpoint"), ConfigValue: types.StringValue(value)}, &resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%q: %v", value, resp.Diagnostics)
		}
	}
}
