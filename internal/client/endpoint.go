package client

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseEndpoint is the one rule for the API's base URL: an absolute https
// URL, or plain http to a loopback host only (the local emulator), since an
// API key sent in clear text to anything else is a leak; no credentials,
// query or fragment. It returns the endpoint without a trailing slash, or
// why raw is not acceptable. The reason never quotes raw, which may carry
// credentials; it reads after the value it is about ("...": reason), and
// ends without a full stop.
func ParseEndpoint(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "", errors.New("it must be an absolute URL such as " + DefaultEndpoint)
	}
	if u.User != nil {
		return "", errors.New("it must not carry credentials; set api_key instead")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", errors.New("it must not have a query or fragment")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", errors.New("plain http would send the API key unencrypted; use https (http is accepted only " +
				"for loopback hosts such as 127.0.0.1, for the local emulator)")
		}
	default:
		return "", fmt.Errorf("scheme %q is not supported; use https", u.Scheme)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
