// Package browsertest drives a real headless Chromium from tests, through
// chromedp. Each Browser is its own process with a fresh profile, started with
// every background service that would reach the network turned off, so tests
// run offline and leave nothing behind.
//
// Where no Chromium is installed, Start skips the test with a message that says
// how to install one; when the environment variable CI is set, it fails the
// test instead, so CI never silently skips a browser test.
package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// BrowserEnv names a Chrome or Chromium binary to use instead of the ones
// Start looks for on PATH.
const BrowserEnv = "BROWSERTEST_CHROMIUM"

// ScreenshotDirEnv names a directory where Screenshot writes its files; unset,
// they go to a temporary directory removed after the test.
const ScreenshotDirEnv = "DASHBOARD_SCREENSHOT_DIR"

// candidates are the browser binaries Start looks for, Debian's first.
var candidates = []string{"chromium-headless-shell", "chromium", "chromium-browser", "headless-shell", "google-chrome"}

// InstallHint says how to get a browser for these tests.
const InstallHint = "install Chromium (Debian/Ubuntu: apt-get install chromium-headless-shell, or chromium) " +
	"or set " + BrowserEnv + " to a Chrome or Chromium binary"

// stepTimeout bounds one Do or Run; a page of the emulator loads in milliseconds.
const stepTimeout = 30 * time.Second

// Browser is one headless Chromium with one tab.
type Browser struct {
	t   testing.TB
	ctx context.Context

	mu       sync.Mutex
	requests []string // every URL the tab asked for, in order
}

// FindBrowser returns the path of the browser Start would use, or an error
// that says how to install one.
func FindBrowser() (string, error) {
	if p := os.Getenv(BrowserEnv); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%s=%s: %w; %s", BrowserEnv, p, err, InstallHint)
		}
		return found, nil
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium on PATH (looked for %s): %s", strings.Join(candidates, ", "), InstallHint)
}

// RequireBrowser skips the test when no browser is installed, or fails it when
// CI is set. It returns the browser's path.
func RequireBrowser(t testing.TB) string {
	t.Helper()
	p, err := FindBrowser()
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("browser test under CI: %v", err)
		return ""
	}
	t.Skipf("browser test skipped: %v", err)
	return ""
}

// Start starts a headless Chromium for the test and stops it, removing its
// profile, when the test ends.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := RequireBrowser(t)
	b := &Browser{t: t}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocatorOptions(path, t.TempDir())...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx,
		chromedp.WithListener(b.recordRequest),
		chromedp.WithLogf(func(string, ...any) {}),
		chromedp.WithErrorf(func(string, ...any) {}),
	)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	b.ctx = ctx
	b.launch(path)
	return b
}

// allocatorOptions are how Chromium at path runs: headless, with a fresh
// profile in profileDir, and nothing that would reach the network.
func allocatorOptions(path, profileDir string) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profileDir),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 800),
		// Nothing in the background: the machine may have no network, and a
		// test must not depend on one.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		// /dev/shm is small in containers.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("force-device-scale-factor", "1"),
	}
	if runningAsRoot() {
		// Chromium's sandbox refuses to start as root, which is how CI runs.
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}

// recordRequest keeps the URL of every request the tab sends, for Requests.
func (b *Browser) recordRequest(ev any) {
	if req, ok := ev.(*network.EventRequestWillBeSent); ok {
		b.mu.Lock()
		b.requests = append(b.requests, req.Request.URL)
		b.mu.Unlock()
	}
}

// launch starts the browser process, failing the test when it does not start.
func (b *Browser) launch(path string) {
	b.t.Helper()
	// The first Run starts the browser; it must not carry a timeout, which
	// would stop the whole browser when it fires.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(b.ctx) }()
	select {
	case err := <-started:
		if err != nil {
			b.t.Fatalf("starting %s: %v", path, err)
		}
	case <-time.After(60 * time.Second):
		b.t.Fatalf("starting %s: no answer within 60 s", path)
	}
}

func runningAsRoot() bool { return runtime.GOOS != "windows" && os.Geteuid() == 0 }

// Context is the tab's chromedp context, for actions this package does not wrap.
func (b *Browser) Context() context.Context { return b.ctx }

// Do runs the steps in the tab, failing the test on the first error.
func (b *Browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// Run runs an action that returns a value, failing the test on an error.
func Run[T any](b *Browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return v
}

// Load runs the steps, which must start a navigation (such as a click on a
// form's submit button), waits for the page that results (after any
// redirects) and returns its HTTP status.
func (b *Browser) Load(steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	if resp == nil {
		b.t.Fatal("browser: the navigation had no response")
	}
	return resp.Status
}

// Navigate loads url and returns the page's HTTP status.
func (b *Browser) Navigate(url string) int64 {
	b.t.Helper()
	return b.Load(chromedp.Navigate(url))
}

// Text returns the visible text of the first element the CSS selector matches.
func (b *Browser) Text(css string) string {
	b.t.Helper()
	return Run(b, chromedp.Text(chromedp.CSS(css)))
}

// Has reports whether an element matches the CSS selector now, without waiting.
func (b *Browser) Has(css string) bool {
	b.t.Helper()
	return Run(b, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", css)))
}

// Requests returns every URL the tab has requested so far.
func (b *Browser) Requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

// ExpectOnlyOrigin fails the test when the tab requested anything from
// another origin than base's (data: URLs aside): the pages under test must
// work offline.
func (b *Browser) ExpectOnlyOrigin(base string) {
	b.t.Helper()
	want, err := url.Parse(base)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, raw := range b.Requests() {
		u, err := url.Parse(raw)
		if err == nil && u.Scheme == "data" {
			continue // built into the page or the browser, such as a date picker's icon
		}
		if err != nil || u.Scheme != want.Scheme || u.Host != want.Host {
			b.t.Errorf("the page requested %s, outside %s://%s", raw, want.Scheme, want.Host)
		}
	}
}

// Screenshot saves a PNG of the whole page as name (such as "dashboard.png")
// in the directory named by DASHBOARD_SCREENSHOT_DIR, or in a temporary
// directory of the test, and returns its path. It never writes into the
// source tree unless told to.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png := Run(b, chromedp.FullScreenshot(100))
	dir := os.Getenv(ScreenshotDirEnv)
	if dir == "" {
		dir = b.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o750); err != nil { //nolint:gosec // the directory whoever runs the tests named
		b.t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o600); err != nil { //nolint:gosec // as above, with the test's own file name
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s (%d bytes)", p, len(png))
	return p
}
