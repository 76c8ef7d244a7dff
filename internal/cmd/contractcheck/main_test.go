package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulator"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/emulatortest"
)

// mockTime is the emulator's mock clock; Sleep moves it instead of waiting,
// so the expiry question settles at once.
type mockTime struct{ *clock.Mock }

func (m mockTime) Sleep(ctx context.Context, d time.Duration) error {
	m.Advance(d)
	return ctx.Err()
}

// checkAgainst runs the check against an in-process emulator with variants
// (under admin-writes, as a member) and returns its output and the server.
func checkAgainst(t *testing.T, ctx context.Context, variants ...emulator.Variant) (string, *emulatortest.Server, int) {
	t.Helper()
	opts := emulatortest.Options{Variants: variants}
	for _, v := range variants {
		if v == emulator.VariantAdminWrites {
			opts.Role = emulator.RoleMember
		}
	}
	s := emulatortest.Start(t, opts)
	env := map[string]string{envAPIKey: s.Boot.APIKey, envEndpoint: s.Endpoint}
	var stdout, stderr bytes.Buffer
	code := run(ctx, nil, func(k string) string { return env[k] }, &stdout, &stderr, mockTime{s.Clock})
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
	out := stdout.String()
	if strings.Contains(out, s.Boot.APIKey) {
		t.Error("the output holds the API key")
	}
	return out, s, code
}

// TestCheckNamesEachVariant: against the emulator in each variant, the
// check settles that question for the variant, names it in its summary,
// and leaves no key behind (an expired key that expired-hidden hides from
// the API is beyond deleting, and no longer works).
func TestCheckNamesEachVariant(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		variants []emulator.Variant
		summary  string
		question string
	}{
		"default":        {nil, "Emulator variants this API matches: none (the emulator's default reading)", ""},
		"expired-hidden": {[]emulator.Variant{emulator.VariantExpiredHidden}, "", qExpired},
		"no-key-paging":  {[]emulator.Variant{emulator.VariantNoKeyPaging}, "", qPaging},
		"admin-writes":   {[]emulator.Variant{emulator.VariantAdminWrites}, "", qWriters},
		"no-patch":       {[]emulator.Variant{emulator.VariantNoPatch}, "", qUpdate},
		"uuid-secrets":   {[]emulator.Variant{emulator.VariantUUIDSecrets}, "", qSecret},
		"three at once": {[]emulator.Variant{emulator.VariantNoPatch, emulator.VariantExpiredHidden, emulator.VariantNoKeyPaging},
			"Emulator variants this API matches: expired-hidden,no-key-paging,no-patch", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, s, code := checkAgainst(t, context.Background(), tc.variants...)
			if code != exitOK {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			want := tc.summary
			if want == "" {
				want = "Emulator variants this API matches: " + string(tc.variants[0])
				if !strings.Contains(out, tc.question+"\n") || !strings.Contains(out, "=> matches emulator variant: "+string(tc.variants[0])) {
					t.Errorf("the question is not settled for %s:\n%s", tc.variants[0], out)
				}
			}
			if !strings.Contains(out, want+"\n") {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
			left := "Left behind: nothing."
			if name == "expired-hidden" || name == "three at once" {
				left = "Left behind: nothing that works; the testing key"
			}
			if !strings.Contains(out, "Please report this result") || !strings.Contains(out, left) {
				t.Errorf("output lacks the request to report it, or what was left behind:\n%s", out)
			}
			for _, k := range s.Emulator.Keys() {
				if k.ID != s.Boot.KeyID && s.Clock.Now().Before(k.Expiry) {
					t.Errorf("key %s (%q) is left, working", k.ID, k.Description)
				}
			}
		})
	}
}

// TestCheckInterruptedDeletesItsKey: a check interrupted while it waits for
// the key to expire deletes the key before it returns.
func TestCheckInterruptedDeletesItsKey(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	s := emulatortest.Start(t, emulatortest.Options{})
	env := map[string]string{envAPIKey: s.Boot.APIKey, envEndpoint: s.Endpoint}
	var stdout, stderr bytes.Buffer
	sleeper := interruptingTime{Mock: s.Clock, cancel: cancel}
	code := run(ctx, nil, func(k string) string { return env[k] }, &stdout, &stderr, sleeper)
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	if ids := len(s.Emulator.Keys()); ids != 1 {
		t.Errorf("%d keys left, want only the bootstrap key:\n%s", ids, stdout.String())
	}
	if out := stdout.String(); !strings.Contains(out, "Left behind: nothing.") || !strings.Contains(out, "interrupted") {
		t.Errorf("output:\n%s", out)
	}
}

// interruptingTime cancels the check as it starts to wait, as Ctrl-C does.
type interruptingTime struct {
	*clock.Mock
	cancel context.CancelFunc
}

func (m interruptingTime) Sleep(ctx context.Context, _ time.Duration) error {
	m.cancel()
	<-ctx.Done()
	return ctx.Err()
}

// TestCheckSweepsLeftovers: a testing key an earlier, killed run left is
// deleted; keys of the user's own are not.
func TestCheckSweepsLeftovers(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, emulatortest.Options{})
	left, _, err := s.Emulator.IssueKey(s.Boot.UserID, emulator.KeySpec{Description: keyMarker + " (2026-01-01T00:00:00Z)"})
	if err != nil {
		t.Fatal(err)
	}
	mine, _, err := s.Emulator.IssueKey(s.Boot.UserID, emulator.KeySpec{Description: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{envAPIKey: s.Boot.APIKey, envEndpoint: s.Endpoint}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), nil, func(k string) string { return env[k] }, &stdout, &stderr, mockTime{s.Clock}); code != exitOK {
		t.Fatalf("exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	if _, ok := s.Emulator.Key(left.ID); ok {
		t.Error("the leftover testing key was not deleted")
	}
	if _, ok := s.Emulator.Key(mine.ID); !ok {
		t.Error("a key of the user's own was deleted")
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "set DOMAINTRUST_API_KEY"},
		{[]string{"-key-lifetime", "1h"}, map[string]string{envAPIKey: "k"}, "-key-lifetime must lie between"},
		{[]string{"extra"}, map[string]string{envAPIKey: "k"}, "unexpected arguments"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, func(k string) string { return tc.env[k] }, &stdout, &stderr, wallClock{})
		if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), exitUsage, tc.want)
		}
	}
}
