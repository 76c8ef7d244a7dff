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
