package validators

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Endpoint accepts absolute https URLs, and plain http only for loopback
// hosts: an API key sent in clear text to anything else is a leak. example
// is the URL the messages hold up as the right form.
func Endpoint(example string) validator.String { return endpoint{example: example} }

type endpoint struct {
	example string
}

func (endpoint) Description(context.Context) string {
	return "must be an absolute https URL (http only for loopback hosts)"
}

func (v endpoint) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v endpoint) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := CheckEndpoint(req.ConfigValue.ValueString(), v.example); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Domain Trust endpoint",
			fmt.Sprintf("%q: %s", req.ConfigValue.ValueString(), problem))
	}
}

// CheckEndpoint returns why raw is not an acceptable endpoint, or "". It is
// the validator's rule, for endpoints that come from elsewhere than the
// configuration (an environment variable).
func CheckEndpoint(raw, example string) string {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "it must be an absolute URL such as " + example + "."
	}
	if u.User != nil {
		return "it must not carry credentials; set api_key instead."
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "it must not have a query or fragment."
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return ""
	case "http":
		if isLoopback(u.Hostname()) {
			return ""
		}
		return "plain http would send the API key unencrypted; use https (http is accepted only for loopback hosts such as 127.0.0.1, for the local emulator)."
	default:
		return fmt.Sprintf("scheme %q is not supported; use https.", u.Scheme)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
