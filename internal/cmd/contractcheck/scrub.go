package main

import (
	"io"
	"strings"
	"sync"
)

const redacted = "[REDACTED]"

// scrubber writes through to w with every secret it knows replaced. The
// check adds the testing key's secret as soon as it has it.
type scrubber struct {
	w       io.Writer
	mu      sync.Mutex
	secrets []string
}

func newScrubber(w io.Writer, secrets ...string) *scrubber {
	return &scrubber{w: w, secrets: secrets}
}

func (s *scrubber) add(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if secret != "" {
		s.secrets = append(s.secrets, secret)
	}
}

func (s *scrubber) Write(p []byte) (int, error) {
	s.mu.Lock()
	text := scrub(string(p), s.secrets...)
	s.mu.Unlock()
	if _, err := io.WriteString(s.w, text); err != nil {
		return 0, err
	}
	return len(p), nil
}

func scrub(text string, secrets ...string) string {
	for _, secret := range secrets {
		if len(secret) >= 4 {
			text = strings.ReplaceAll(text, secret, redacted)
		}
	}
	return text
}
