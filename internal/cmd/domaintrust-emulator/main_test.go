package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestInvalidFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"-fault-rate", "1.5"},
		{"-fault-rate", "-0.1"},
		{"-fault-rate", "NaN"},
		{"-lost-response-rate", "2"},
		{"-latency", "soon"},
		{"-latency", "-1s"},
		{"-production-access=maybe"},
		{"-no-such-flag"},
		{"extra-argument"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		if stdout.Len() != 0 || stderr.Len() == 0 {
			t.Errorf("%v: stdout %q, stderr %q", args, stdout.String(), stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &stdout, &stderr); code != exitOK || !strings.Contains(stderr.String(), "-lost-response-rate") {
		t.Errorf("-h: exit %d, usage %q", code, stderr.String())
	}
}

func TestBadStateExitsOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	const corrupt = `{"version": 1, "keys": [`
	if err := os.WriteFile(path, []byte(corrupt), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, p := range []string{path, dir} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-state", p}, &stdout, &stderr); code != exitError {
			t.Errorf("%s: exit %d, want %d", p, code, exitError)
		}
		if !strings.Contains(stderr.String(), p) || stdout.Len() != 0 {
			t.Errorf("%s: stdout %q, stderr %q", p, stdout.String(), stderr.String())
		}
	}
	if data, _ := os.ReadFile(path); string(data) != corrupt {
		t.Error("the corrupt state file was changed")
	}
}

func TestListenFailureExitsOne(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-addr", "256.0.0.1:0"}, &stdout, &stderr); code != exitError || stdout.Len() != 0 {
		t.Errorf("exit %d, stdout %q", code, stdout.String())
	}
}

// readEnv reads the two lines the emulator prints once it listens.
func readEnv(t *testing.T, r io.Reader) (endpoint, key string) {
	t.Helper()
	sc := bufio.NewScanner(r)
	for _, name := range []string{"DOMAINTRUST_ENDPOINT", "DOMAINTRUST_API_KEY"} {
		if !sc.Scan() {
			t.Fatalf("stdout ended before %s: %v", name, sc.Err())
		}
		value, found := strings.CutPrefix(sc.Text(), name+"=")
		if !found || value == "" {
			t.Fatalf("stdout line %q, want %s=...", sc.Text(), name)
		}
		if name == "DOMAINTRUST_ENDPOINT" {
			endpoint = value
		} else {
			key = value
		}
	}
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") || !strings.HasSuffix(endpoint, "/api") {
		t.Errorf("endpoint %q", endpoint)
	}
	go func() { _, _ = io.Copy(io.Discard, r) }()
	return endpoint, key
}

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-api-key", "dtk_given", "-production-access=false"}, pw, &stderr)
		pw.Close()
	}()
	endpoint, key := readEnv(t, pr)
	if key != "dtk_given" {
		t.Errorf("printed key %q, want the -api-key value", key)
	}
	c := &client{t: t, endpoint: endpoint, key: key}
	c.do("POST", "/keys", `{"key":{"environment":"production","expiry":"2099-01-01T00:00:00Z"}}`, http.StatusForbidden, nil)
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d; stderr %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// build compiles the command once per test run, so the tests exercise the real
// process: flag parsing, stdout, signals and exit status.
func build(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "domaintrust-emulator-test-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "domaintrust-emulator")
		out, err := exec.Command(gotool, "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

type process struct {
	t        *testing.T
	cmd      *exec.Cmd
	stderr   *bytes.Buffer
	endpoint string
	key      string
}

func start(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(build(t), append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{t: t, cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	p.endpoint, p.key = readEnv(t, stdout)
	return p
}

// stop sends SIGTERM and expects a clean exit.
func (p *process) stop() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			p.t.Errorf("exit after SIGTERM: %v; stderr:\n%s", err, p.stderr)
		}
	case <-time.After(15 * time.Second):
		p.t.Fatal("no exit within 15s of SIGTERM")
	}
}

type client struct {
	t             *testing.T
	endpoint, key string
}

func (c *client) do(method, path, body string, status int, out any) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.endpoint+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatal(err)
		}
	}
}

type keyAnswer struct {
	Key struct {
		ID, Key, Expiry string
	} `json:"key"`
}

// TestCommandCurlSession is the "real curl session", over net/http against
// the built command: create a key, use it as bearer, patch its expiry, list it,
// delete it, and see 401 with it afterwards.
func TestCommandCurlSession(t *testing.T) {
	p := start(t)
	admin := &client{t: t, endpoint: p.endpoint, key: p.key}
	var created keyAnswer
	admin.do("POST", "/keys", `{"key":{"description":"curl","environment":"testing","expiry":"2099-01-01T00:00:00Z"}}`, http.StatusCreated, &created)

	own := &client{t: t, endpoint: p.endpoint, key: created.Key.Key}
	own.do("GET", "/user", "", http.StatusOK, nil)
	var patched keyAnswer
	own.do("PATCH", "/keys/"+created.Key.ID, `{"key":{"expiry":"2099-06-30T00:00:00Z"}}`, http.StatusOK, &patched)
	if patched.Key.Expiry != "2099-06-30T00:00:00Z" {
		t.Errorf("patched expiry %q", patched.Key.Expiry)
	}
	var page struct{ Keys []struct{ ID string } }
	own.do("GET", "/keys", "", http.StatusOK, &page)
	found := false
	for _, k := range page.Keys {
		found = found || k.ID == created.Key.ID
	}
	if !found {
		t.Errorf("created key not listed: %+v", page)
	}
	own.do("DELETE", "/keys/"+created.Key.ID, "", http.StatusNoContent, nil)
	own.do("GET", "/keys", "", http.StatusUnauthorized, nil)

	resp, err := http.Get(strings.TrimSuffix(p.endpoint, "/api") + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	var stats struct{ Total int64 }
	_ = json.NewDecoder(resp.Body).Decode(&stats)
	resp.Body.Close()
	if stats.Total != 6 {
		t.Errorf("stats total %d, want 6", stats.Total)
	}
	p.stop()
	if strings.Contains(p.stderr.String(), created.Key.Key) || strings.Contains(p.stderr.String(), p.key) {
		t.Error("stderr holds a secret")
	}
}

func TestCommandStateRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	first := start(t, "-state", state)
	var kept keyAnswer
	(&client{t: t, endpoint: first.endpoint, key: first.key}).do("POST", "/keys",
		`{"key":{"description":"kept","environment":"production","expiry":"2099-01-01T00:00:00Z"}}`, http.StatusCreated, &kept)
	first.stop()

	// A restart without -api-key mints a new bootstrap key (the old one is
	// only a hash) in place of the old one; all other data stays.
	second := start(t, "-state", state, "-production-access=false")
	if second.key == first.key {
		t.Error("restart printed the old bootstrap key without -api-key")
	}
	for _, key := range []string{second.key, kept.Key.Key} {
		(&client{t: t, endpoint: second.endpoint, key: key}).do("GET", "/keys/"+kept.Key.ID, "", http.StatusOK, nil)
	}
	(&client{t: t, endpoint: second.endpoint, key: first.key}).do("GET", "/user", "", http.StatusUnauthorized, nil)
	(&client{t: t, endpoint: second.endpoint, key: second.key}).do("POST", "/keys",
		`{"key":{"environment":"production","expiry":"2099-01-01T00:00:00Z"}}`, http.StatusForbidden, nil)
	second.stop()

	// With -api-key naming a key that is still valid, that key is reused.
	third := start(t, "-state", state, "-api-key", second.key)
	if third.key != second.key {
		t.Errorf("printed %q, want the given key", third.key)
	}
	var listed struct {
		Keys []struct{ Description string } `json:"keys"`
	}
	(&client{t: t, endpoint: third.endpoint, key: third.key}).do("GET", "/keys", "", http.StatusOK, &listed)
	if len(listed.Keys) != 2 {
		t.Errorf("the admin holds %d keys after three starts, want 2 (the bootstrap key and %q): %+v",
			len(listed.Keys), "kept", listed.Keys)
	}
	third.stop()
}

// TestCommandPrintsDashboard: the dashboard's address goes to stderr, where
// people read it, and stdout keeps exactly its two lines for scripts.
func TestCommandPrintsDashboard(t *testing.T) {
	cmd := exec.Command(build(t), "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	out := bufio.NewReader(stdout)
	endpointLine, _ := out.ReadString('\n')
	keyLine, _ := out.ReadString('\n')
	if !strings.HasPrefix(endpointLine, "DOMAINTRUST_ENDPOINT=") || !strings.HasPrefix(keyLine, "DOMAINTRUST_API_KEY=") {
		t.Fatalf("stdout begins %q, want the two DOMAINTRUST_ lines", endpointLine)
	}
	base := strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(endpointLine, "DOMAINTRUST_ENDPOINT=")), "/api")

	// The dashboard line is written right after stdout's two lines, before any log line.
	errLines := bufio.NewReader(stderr)
	dashboardLine, err := errLines.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, errLines) }()
	if want := "Dashboard: " + base + "/dashboard/ (sign in with the DOMAINTRUST_API_KEY value)\n"; dashboardLine != want {
		t.Errorf("stderr's first line is %q, want %q", dashboardLine, want)
	}
	resp, err := http.Get(base + "/dashboard/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("the dashboard answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(out)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
	if len(rest) != 0 {
		t.Errorf("stdout has more than its two lines: %d more bytes", len(rest))
	}
}
