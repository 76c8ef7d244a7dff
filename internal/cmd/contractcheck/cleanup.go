package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// deleteKey deletes the testing key. A key Domain Trust hides once expired
// cannot be deleted, and no longer works: it is beyond reach, not left
// working.
func (c *checker) deleteKey(ctx context.Context) {
	err := c.api.DeleteKey(ctx, c.key.ID)
	switch {
	case err == nil:
		c.keyGone = true
		fmt.Fprintf(c.out, "Deleted the testing key %s.\n", c.key.ID)
	case client.IsNotFound(err) && !c.serverNow().Before(c.key.Expiry):
		c.keyGone, c.hidden = true, true
		fmt.Fprintf(c.out, "The testing key %s cannot be deleted (404): Domain Trust hides it since it expired at %s, "+
			"and it no longer works.\n", c.key.ID, c.key.Expiry.UTC().Format(time.RFC3339))
	default:
		fmt.Fprintf(c.out, "Deleting the testing key %s failed: %v\n", c.key.ID, err)
	}
}

// cleanup deletes the testing key if it still exists, on a context of its
// own: the check's may have ended (Ctrl-C).
func (c *checker) cleanup(ctx context.Context) {
	switch {
	case c.hidden:
		fmt.Fprintf(c.out, "Left behind: nothing that works; the testing key %s expired, and Domain Trust hides it "+
			"and refuses to delete it.\n", c.key.ID)
		return
	case c.key == nil || c.keyGone:
		fmt.Fprintln(c.out, "Left behind: nothing.")
		return
	}
	cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	c.deleteKey(cleanupCtx)
	if c.keyGone {
		fmt.Fprintln(c.out, "Left behind: nothing.")
		return
	}
	fmt.Fprintf(c.out, "Left behind: the testing key %s, which expires at %s. Delete it in the Domain Trust dashboard, "+
		"or run the check again: it deletes keys earlier runs left.\n", c.key.ID, c.key.Expiry.UTC().Format(time.RFC3339))
}

// serverDefaults sends POST /keys with an expiry only, and that in the
// past, so that the API refuses it whatever it defaults, and reads which
// fields its refusal names. Should it create a key all the same, that key
// is deleted at once.
func (c *checker) serverDefaults(ctx context.Context) {
	past := c.serverNow().Add(-time.Hour).UTC().Format(time.RFC3339)
	code, locations, createdID, err := c.rawCreate(ctx, `{"key":{"expiry":"`+past+`"}}`)
	switch {
	case err != nil:
		c.note(qDefaults, "POST /keys could not be sent: %v", notSettled, "", err)
	case createdID != "":
		c.note(qDefaults, "POST /keys with an expiry in the past and no environment created key %s (deleted again): "+
			"the API defaults environment and does not check the expiry", noMatch, "", createdID)
		c.deleteStray(ctx, createdID)
	case code == http.StatusUnprocessableEntity && slices.Contains(locations, "body.key.environment"):
		c.note(qDefaults, "POST /keys without environment answered 422, naming %v: environment is required", defaultMatch, "", locations)
	case code == http.StatusUnprocessableEntity:
		c.note(qDefaults, "POST /keys without environment answered 422 naming only %v: environment may be defaulted", noMatch, "", locations)
	default:
		c.note(qDefaults, "POST /keys without environment answered %d %s", notSettled, "", code, http.StatusText(code))
	}
}

// deleteStray deletes a key the defaults probe created against all odds.
func (c *checker) deleteStray(ctx context.Context, id string) {
	cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := c.api.DeleteKey(cleanupCtx, id); err != nil {
		fmt.Fprintf(c.out, "Deleting key %s, which the defaults probe created, failed: %v. Delete it in the dashboard.\n", id, err)
	}
}
