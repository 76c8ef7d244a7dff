package browsertest

import (
	"fmt"
	"strings"
	"testing"
)

// recordingTB records what RequireBrowser asks of the test instead of doing it.
type recordingTB struct {
	testing.TB
	skipped, failed string
}

func (r *recordingTB) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recordingTB) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

// TestRequireBrowserWithoutBrowser: with no browser, a test skips and says how
// to install one; under CI it fails instead.
func TestRequireBrowserWithoutBrowser(t *testing.T) {
	for _, c := range []struct{ browserEnv, ci string }{
		{"", ""}, {"", "true"}, {"/nonexistent/chromium", ""}, {"/nonexistent/chromium", "true"},
	} {
		ci := c.ci
		t.Setenv("PATH", t.TempDir()) // no browser on PATH
		t.Setenv(BrowserEnv, c.browserEnv)
		t.Setenv("CI", ci)
		r := &recordingTB{TB: t}
		if p := RequireBrowser(r); p != "" {
			t.Errorf("CI=%q: path %q without a browser", ci, p)
		}
		msg := r.skipped
		if ci != "" {
			msg = r.failed
			if r.skipped != "" {
				t.Errorf("CI=%q: skipped: %s", ci, r.skipped)
			}
		} else if r.failed != "" {
			t.Errorf("CI unset: failed: %s", r.failed)
		}
		if !strings.Contains(msg, "apt-get install chromium-headless-shell") || !strings.Contains(msg, BrowserEnv) {
			t.Errorf("CI=%q: the message does not say how to install a browser: %q", ci, msg)
		}
	}
}
