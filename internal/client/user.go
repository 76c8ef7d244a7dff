package client

import (
	"context"
	"net/http"
)

// User is the owner of the API key in use.
type User struct {
	ID             string
	Email          string
	FirstName      string
	LastName       string
	OrganizationID string
	Role           string // admin, member or trial
}

// Version returns the API's version, e.g. "2.0.6".
func (c *Client) Version(ctx context.Context) (string, error) {
	var answer wireVersion
	if err := c.do(ctx, request{method: http.MethodGet, path: "/version"}, &answer); err != nil {
		return "", err
	}
	return answer.Version, nil
}

// CurrentUser returns the owner of the configured API key.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	var answer wireUserAnswer
	if err := c.do(ctx, request{method: http.MethodGet, path: "/user"}, &answer); err != nil {
		return nil, err
	}
	u := answer.User
	return &User{
		ID:             u.ID,
		Email:          u.Email,
		FirstName:      u.FirstName,
		LastName:       u.LastName,
		OrganizationID: u.OrganizationID,
		Role:           u.Role,
	}, nil
}

// Login exchanges credentials for a new auto-generated key, returned with its
// secret. It sends no Authorization header. Like CreateKey, an ambiguous
// failure is an *OutcomeUnknownError: a key may have been minted.
func (c *Client) Login(ctx context.Context, email, password string) (*Key, error) {
	return c.keyCall(ctx, request{
		method:  http.MethodPost,
		path:    "/auth/login",
		body:    wireLoginRequest{Login: wireLogin{Email: email, Password: password}},
		noAuth:  true,
		secrets: []string{password},
	})
}
