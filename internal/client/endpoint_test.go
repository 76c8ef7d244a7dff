package client

import (
	"strings"
	"testing"
)

// TestParseEndpoint is the endpoint rule's test: https anywhere, plain http
// to loopback hosts only, no credentials, query or fragment; a reason that
// never quotes the credentials.
func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://domain-trust.globalcyberalliance.org/api":  "https://domain-trust.globalcyberalliance.org/api",
		"https://domain-trust.globalcyberalliance.org/api/": "https://domain-trust.globalcyberalliance.org/api",
		"HTTPS://example.org/api":                           "https://example.org/api",
		"http://127.0.0.1:8580/api":                         "http://127.0.0.1:8580/api",
		"http://localhost:8580/api":                         "http://localhost:8580/api",
		"http://[::1]:8580/api":                             "http://[::1]:8580/api",
		"http://127.8.9.10/api":                             "http://127.8.9.10/api",
		"":                                                  "absolute URL",
		"not a url":                                         "absolute URL",
		"domain-trust.globalcyberalliance.org/api":          "absolute URL",
		"/api":                             "absolute URL such as " + DefaultEndpoint,
		"http://":                          "absolute URL",
		"http://example.org/api":           "plain http would send the API key unencrypted",
		"http://10.0.0.1/api":              "plain http",
		"http://localhost.example.org/api": "plain http",
		"ftp://example.org/api":            `scheme "ftp" is not supported`,
		"https://user:hunter2secret@example.org/api": "must not carry credentials",
		"http://user:hunter2secret@exa mple.org/api": "absolute URL",
		"https://example.org/api?x=1":                "query or fragment",
		"https://example.org/api?":                   "query or fragment",
		"https://example.org/api#frag":               "query or fragment",
	} {
		got, err := ParseEndpoint(raw)
		switch {
		case strings.HasPrefix(want, "http"): // accepted, in this form
			if err != nil || got != want {
				t.Errorf("ParseEndpoint(%q) = %q, %v; want %q", raw, got, err, want)
			}
		case err == nil:
			t.Errorf("ParseEndpoint(%q) = %q, want an error saying %q", raw, got, want)
		case !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2secret"):
			t.Errorf("ParseEndpoint(%q) error %q, want it to say %q and not the credentials", raw, err, want)
		}
	}
}

// TestNewAppliesTheEndpointRule: the client refuses what the rule refuses,
// plain http to a remote host included, and keeps the parsed form.
func TestNewAppliesTheEndpointRule(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{Endpoint: "http://domain-trust.example.org/api"}); err == nil ||
		!strings.Contains(err.Error(), "plain http") {
		t.Errorf("New with plain http to a remote host: %v, want it refused", err)
	}
	c, err := New(Config{Endpoint: "http://127.0.0.1:8580/api/"})
	if err != nil || c.endpoint != "http://127.0.0.1:8580/api" {
		t.Errorf("New(http://127.0.0.1:8580/api/) = %+v, %v", c, err)
	}
}
