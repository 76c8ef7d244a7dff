package emulatortest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// ShiftedListing doctors the API's GET /keys answers so that every page
// after the first starts with the previous page's last key again: what a key
// created while a listing is read does to an API that pages by offset. The
// emulator pages by cursor and never does it itself. The callers of
// client.KeyPages rely on it to yield each key once; their tests put its
// Middleware in front of the emulator (Server.Serve) to show that they do.
type ShiftedListing struct {
	t       testing.TB
	mu      sync.Mutex
	last    map[string]json.RawMessage // by the token of the next page: the last key of the page that gave it out
	repeats int
}

// NewShiftedListing returns a ShiftedListing that reports what it cannot
// decode to t.
func NewShiftedListing(t testing.TB) *ShiftedListing {
	return &ShiftedListing{t: t, last: map[string]json.RawMessage{}}
}

// Repeated is how many keys the doctored answers have sent a second time,
// so that a test can tell that its listing did shift.
func (s *ShiftedListing) Repeated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repeats
}

// Middleware shifts the pages of every GET /keys it passes on.
func (s *ShiftedListing) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/keys" {
			next.ServeHTTP(w, r)
			return
		}
		// Uncompressed, so that the answer can be read and changed.
		r = r.Clone(r.Context())
		r.Header.Del("Accept-Encoding")
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			body = s.shift(r.URL.Query().Get("pageToken"), body)
		}
		for name, values := range rec.Header() {
			w.Header()[name] = values
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// shift puts the last key of the page before token's in front of the page.
func (s *ShiftedListing) shift(token string, body []byte) []byte {
	var page map[string]json.RawMessage
	var keys []json.RawMessage
	if err := json.Unmarshal(body, &page); err != nil {
		s.t.Errorf("ShiftedListing: decoding a page: %v", err)
		return body
	}
	if err := json.Unmarshal(page["keys"], &keys); err != nil {
		s.t.Errorf("ShiftedListing: decoding a page's keys: %v", err)
		return body
	}
	var next string
	if raw, ok := page["nextPageToken"]; ok {
		if err := json.Unmarshal(raw, &next); err != nil {
			s.t.Errorf("ShiftedListing: decoding nextPageToken: %v", err)
			return body
		}
	}
	s.mu.Lock()
	if prev, ok := s.last[token]; ok {
		keys = append([]json.RawMessage{prev}, keys...)
		s.repeats++
	}
	if next != "" && len(keys) > 0 {
		s.last[next] = keys[len(keys)-1]
	}
	s.mu.Unlock()
	var err error
	if page["keys"], err = json.Marshal(keys); err != nil {
		s.t.Errorf("ShiftedListing: encoding a page's keys: %v", err)
		return body
	}
	var out bytes.Buffer
	if err := json.NewEncoder(&out).Encode(page); err != nil {
		s.t.Errorf("ShiftedListing: encoding a page: %v", err)
		return body
	}
	return out.Bytes()
}
