package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

const (
	emulatorStartTimeout = 60 * time.Second
	emulatorStopTimeout  = 15 * time.Second
)

type emulatorProc struct {
	cmd      *exec.Cmd
	done     chan struct{}
	endpoint string // http://127.0.0.1:PORT/api
	base     string // http://127.0.0.1:PORT
	apiKey   string
	http     *http.Client
}

// startEmulator starts the emulator on a free loopback port and waits for the
// two lines it prints once listening.
func startEmulator(ctx context.Context, path string, latency time.Duration, logPath string) (*emulatorProc, error) {
	e, stdout, err := launchEmulator(ctx, path, latency, logPath)
	if err != nil {
		return nil, err
	}
	lines := scanLines(stdout)
	if err := e.awaitEndpoint(ctx, lines, logPath); err != nil {
		return nil, err
	}
	go func() {
		for line := range lines {
			_ = line // whatever else it prints is of no interest
		}
	}()
	e.base = strings.TrimSuffix(e.endpoint, "/api")
	return e, nil
}

// launchEmulator starts the emulator's process, its stderr to logPath, and
// returns it with its stdout.
func launchEmulator(ctx context.Context, path string, latency time.Duration, logPath string) (*emulatorProc, io.Reader, error) {
	logFile, err := os.Create(logPath) //nolint:gosec // path chosen by the benchmark
	if err != nil {
		return nil, nil, err
	}
	// Not cancelled with ctx: on Ctrl-C terraform must be able to finish its
	// in-flight requests first; stop() ends the emulator afterwards.
	cmd := exec.CommandContext(context.WithoutCancel(ctx), path, "-addr", "127.0.0.1:0", "-latency", latency.String()) //nolint:gosec // the emulator the benchmark built
	cmd.Stderr = logFile
	// Its own process group: Ctrl-C reaches the benchmark, which stops the
	// emulator only after terraform has finished.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = logFile.Close()
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, nil, err
	}
	e := &emulatorProc{cmd: cmd, done: make(chan struct{}), http: &http.Client{Timeout: 30 * time.Second}}
	go func() {
		_ = cmd.Wait()
		_ = logFile.Close()
		close(e.done)
	}()
	return e, stdout, nil
}

// scanLines sends r's lines until r ends, then closes the channel.
func scanLines(r io.Reader) <-chan string {
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, r)
	}()
	return lines
}

// awaitEndpoint reads the endpoint and the API key from the emulator's lines.
// When they do not come, it stops the emulator and says why.
func (e *emulatorProc) awaitEndpoint(ctx context.Context, lines <-chan string, logPath string) error {
	timeout := time.NewTimer(emulatorStartTimeout)
	defer timeout.Stop()
	for e.endpoint == "" || e.apiKey == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				_ = e.stop()
				return fmt.Errorf("the emulator exited before it was listening: %s", tail(logPath, 10))
			}
			if v, found := strings.CutPrefix(line, "DOMAINTRUST_ENDPOINT="); found {
				e.endpoint = v
			}
			if v, found := strings.CutPrefix(line, "DOMAINTRUST_API_KEY="); found {
				e.apiKey = v
			}
		case <-timeout.C:
			_ = e.stop()
			return errors.New("the emulator did not print its endpoint within " + emulatorStartTimeout.String())
		case <-ctx.Done():
			_ = e.stop()
			return ctx.Err()
		}
	}
	return nil
}

// stop asks the emulator to shut down gracefully and kills it if it does not.
func (e *emulatorProc) stop() error {
	select {
	case <-e.done:
		return nil
	default:
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.done:
		return nil
	case <-time.After(emulatorStopTimeout):
		_ = e.cmd.Process.Kill()
		<-e.done
		return errors.New("the emulator did not stop on SIGTERM and was killed")
	}
}

type emulatorStats struct {
	Total    int64            `json:"total"`
	ByRoute  map[string]int64 `json:"byRoute"`
	ByStatus map[string]int64 `json:"byStatus"`
}

func (e *emulatorProc) stats(ctx context.Context) (emulatorStats, error) {
	var s emulatorStats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.base+"/_emulator/stats", http.NoBody) //nolint:gosec // G704: the loopback address that the emulator this benchmark started printed
	if err != nil {
		return s, err
	}
	resp, err := e.http.Do(req) //nolint:gosec // G704: the loopback address that the emulator this benchmark started printed
	if err != nil {
		return s, fmt.Errorf("reading emulator stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("reading emulator stats: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return s, fmt.Errorf("decoding emulator stats: %w", err)
	}
	return s, nil
}

// minus returns the requests counted between before and s.
func (s emulatorStats) minus(before emulatorStats) (routes, statuses map[string]int64, total int64) {
	diff := func(a, b map[string]int64) map[string]int64 {
		out := map[string]int64{}
		for k, v := range a {
			if d := v - b[k]; d != 0 {
				out[k] = d
			}
		}
		return out
	}
	return diff(s.ByRoute, before.ByRoute), diff(s.ByStatus, before.ByStatus), s.Total - before.Total
}

// cpu is the emulator's CPU time so far.
func (e *emulatorProc) cpu() time.Duration {
	return processCPU(e.cmd.Process.Pid)
}

// seedKeys creates n testing keys through the API, as another tool would:
// keys in the account that Terraform does not manage.
func (e *emulatorProc) seedKeys(ctx context.Context, n int, expiry string) error {
	const workers = 16
	jobs := make(chan int)
	errs := make(chan error, workers)
	for range workers {
		go func() {
			var first error
			for i := range jobs {
				if first == nil {
					first = e.createKey(ctx, fmt.Sprintf("not managed by terraform %d", i), expiry)
				}
			}
			errs <- first
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	var err error
	for range workers {
		err = errors.Join(err, <-errs)
	}
	return err
}

func (e *emulatorProc) createKey(ctx context.Context, description, expiry string) error {
	body, err := json.Marshal(map[string]any{"key": map[string]string{
		"description": description, "environment": "testing", "expiry": expiry,
	}})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.endpoint+"/keys", bytes.NewReader(body)) //nolint:gosec // G704: the loopback address that the emulator this benchmark started printed
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.apiKey)
	resp, err := e.http.Do(req) //nolint:gosec // G704: the loopback address that the emulator this benchmark started printed
	if err != nil {
		return fmt.Errorf("creating a key Terraform does not manage: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("creating a key Terraform does not manage: %s", resp.Status)
	}
	return nil
}
