package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// newRawClient is the raw probe's HTTP client: a redirected POST would turn
// into a GET, and the API never redirects.
func newRawClient() *http.Client {
	return &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// rawCreate sends POST /keys with body as it is: the client always sends
// environment, and the defaults question is about leaving it out. It
// returns the status, the problem's field locations, and the id of a key
// the API created.
func (c *checker) rawCreate(ctx context.Context, body string) (code int, locations []string, createdID string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// The endpoint is the user's own (DOMAINTRUST_ENDPOINT), checked by
	// client.New before anything is sent.
	url := strings.TrimRight(c.cfg.endpoint, "/") + "/keys"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body)) //nolint:gosec // see above
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.apiKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.raw.Do(req) //nolint:gosec // the user's own endpoint, as above
	if err != nil {
		// The error quotes the URL, never the header.
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	var doc struct {
		Key    struct{ ID, Key string }
		Errors []struct{ Location string }
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, nil, "", err
	}
	_ = json.Unmarshal(raw, &doc)
	for _, e := range doc.Errors {
		locations = append(locations, e.Location)
	}
	if resp.StatusCode < 300 {
		c.out.add(doc.Key.Key)
		return resp.StatusCode, nil, doc.Key.ID, nil
	}
	return resp.StatusCode, locations, "", nil
}
