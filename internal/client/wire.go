package client

import (
	"errors"
	"time"
)

// The JSON shapes of the API contract. They stay private to this package:
// the emulator keeps its own, so that a field-name mistake on either side is
// caught by the golden wire files instead of passing silently on both.

// answer is implemented by decoded answers whose required object may be
// missing from an otherwise valid JSON body.
type answer interface {
	complete() error
}

type wireUserAnswer struct {
	User *wireUser `json:"user"`
}

func (a *wireUserAnswer) complete() error {
	switch {
	case a.User == nil:
		return errors.New(`answer has no "user" object`)
	case a.User.ID == "":
		return errors.New(`answer's "user" has no "id"`)
	}
	return nil
}

type wireUser struct {
	ID             string `json:"id"`
	Email          string `json:"email"`
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	OrganizationID string `json:"organizationID"`
	Role           string `json:"role"`
}

type wireProblem struct {
	Title  string           `json:"title"`
	Status int              `json:"status"`
	Detail string           `json:"detail"`
	Errors []wireFieldError `json:"errors"`
}

type wireFieldError struct {
	Message  string `json:"message"`
	Location string `json:"location"`
	Value    any    `json:"value"`
}

// wireTime formats a time the way the API expects: RFC 3339 in UTC, with
// fractional seconds only when present.
func wireTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
