package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUnknownVariantOrRoleRefused: an unknown -variant or -role stops the
// command before it listens, naming the valid ones.
func TestUnknownVariantOrRoleRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-variant", "no-patch,hidden"}, `-variant: unknown variant "hidden": valid variants are expired-hidden, no-key-paging, admin-writes, no-patch, uuid-secrets`},
		{[]string{"-role", "owner"}, `-role: unknown role "owner": valid roles are admin, member and trial`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tc.args...), &stdout, &stderr); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", tc.args, code, exitUsage)
		}
		if stdout.Len() != 0 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: stdout %q, stderr %q; want %q", tc.args, stdout.String(), stderr.String(), tc.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &stdout, &stderr); code != exitOK ||
		!strings.Contains(stderr.String(), "-variant") || !strings.Contains(stderr.String(), "uuid-secrets") {
		t.Errorf("-h: exit %d, usage %q; want -variant with its names", code, stderr.String())
	}
}

// TestMemberUnderAdminWrites: -role member -variant admin-writes,no-patch
// starts a member whose key writes are refused.
func TestMemberUnderAdminWrites(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-role", "member", "-variant", "admin-writes,no-patch"}, pw, &stderr)
		pw.Close()
	}()
	endpoint, key := readEnv(t, pr)
	c := &client{t: t, endpoint: endpoint, key: key}
	var user struct {
		User struct{ Role, ID string }
	}
	c.do("GET", "/user", "", http.StatusOK, &user)
	if user.User.Role != "member" {
		t.Errorf("the bootstrap user is a %q, want a member", user.User.Role)
	}
	c.do("POST", "/keys", `{"key":{"environment":"testing","expiry":"2099-01-01T00:00:00Z"}}`, http.StatusForbidden, nil)
	c.do("PATCH", "/keys/"+user.User.ID, `{"key":{}}`, http.StatusMethodNotAllowed, nil)
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d; stderr %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	if !strings.Contains(stderr.String(), "variants=\"[admin-writes no-patch]\"") {
		t.Errorf("the log does not say which variants run: %s", stderr.String())
	}
}
