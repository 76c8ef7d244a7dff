package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Error is any non-2xx answer of the API, decoded from its RFC 9457 problem
// document when it has one.
type Error struct {
	StatusCode int
	Title      string
	// Detail is the problem's detail, or for an answer that is not a problem
	// document a short printable excerpt of its body.
	Detail string
	Errors []FieldError
	// Method and Path name the call, e.g. "POST" and "/keys"; never the full
	// URL, which may carry credentials.
	Method     string
	Path       string
	RetryAfter time.Duration
	// Body says what the answer's body was. Only a problem document is the
	// Domain Trust API's own answer; a proxy, a web server or a wrong path
	// answers with anything else.
	Body BodyKind
}

// BodyKind classifies the body of an error answer.
type BodyKind int

const (
	BodyOther   BodyKind = iota // empty, plain text or unrecognised
	BodyProblem                 // an RFC 9457 problem document, as the API sends
	BodyJSON                    // JSON that is not a problem document
	BodyHTML                    // an HTML page, as web servers and proxies send
)

func (k BodyKind) String() string {
	switch k {
	case BodyProblem:
		return "a problem document"
	case BodyJSON:
		return "JSON that is not a problem document"
	case BodyHTML:
		return "an HTML page"
	}
	return "no recognisable body"
}

// FieldError is one entry of a problem's "errors" list.
type FieldError struct {
	Message  string
	Location string // e.g. "body.key.expiry"
	Value    any
}

// Limits on what Error() shows, so that a hostile or broken server cannot
// turn a diagnostic into megabytes of text.
const (
	maxTitleRunes   = 200
	maxDetailRunes  = 500
	maxFieldRunes   = 200
	maxFieldErrors  = 10
	maxSnippetRunes = 200
	// maxScanBytes bounds the work spent cleaning one string for display.
	maxScanBytes = 64 << 10
)

// Error returns one line: call, status, title, detail and field messages.
// Field values are left out because they may echo secrets such as a password.
func (e *Error) Error() string {
	var b strings.Builder
	if call := clean(e.Method+" "+e.Path, maxFieldRunes); call != "" {
		b.WriteString(call)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	title := clean(e.Title, maxTitleRunes)
	if title == "" {
		title = http.StatusText(e.StatusCode)
	}
	if title != "" {
		b.WriteString(" ")
		b.WriteString(title)
	}
	if detail := clean(e.Detail, maxDetailRunes); detail != "" {
		b.WriteString(": ")
		b.WriteString(detail)
	}
	for i, fe := range e.Errors {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		if i == maxFieldErrors {
			fmt.Fprintf(&b, "%sand %d more", sep, len(e.Errors)-i)
			break
		}
		b.WriteString(sep)
		msg := clean(fe.Message, maxFieldRunes)
		if msg == "" {
			msg = "invalid"
		}
		b.WriteString(msg)
		if loc := clean(fe.Location, maxFieldRunes); loc != "" {
			b.WriteString(" (")
			b.WriteString(loc)
			b.WriteString(")")
		}
	}
	return b.String()
}

func hasStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == status
}

// IsNotFound reports a 404 answer: the key does not exist or is not visible
// to the caller.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports a 401 answer: the API key is unknown, expired or deleted.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports a 403 answer, e.g. production access missing.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsValidation reports a 422 answer; its Errors name the offending fields.
func IsValidation(err error) bool { return hasStatus(err, http.StatusUnprocessableEntity) }

// OutcomeUnknownError reports a POST that may or may not have been carried
// out: the connection was lost after sending, the answer timed out, or the
// server answered with an error that does not rule out that it acted. Such a
// POST is never re-sent, because a create would then happen twice; the
// caller has to look at the server's state instead. Only CreateKey returns
// it.
type OutcomeUnknownError struct {
	Method string
	Path   string
	Cause  error
}

func (e *OutcomeUnknownError) Error() string {
	call := e.Method + " " + e.Path
	// The client's own causes already name the call; saying it once reads better.
	cause := strings.TrimPrefix(fmt.Sprint(e.Cause), call+": ")
	return call + ": outcome unknown, the request may have been carried out: " + cause
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Cause }

// IsOutcomeUnknown reports an *OutcomeUnknownError.
func IsOutcomeUnknown(err error) bool {
	var e *OutcomeUnknownError
	return errors.As(err, &e)
}

// GaveUpError wraps the last failure of a call whose retries ran out, so the
// message says how hard the client tried: "after 13 attempts over 1m26s"
// tells a user at once that a flaky API, not a typo, is to blame.
type GaveUpError struct {
	Attempts int
	Elapsed  time.Duration
	Err      error
}

func (e *GaveUpError) Error() string {
	unit := "attempts"
	if e.Attempts == 1 {
		unit = "attempt"
	}
	return fmt.Sprintf("%v (gave up after %d %s over %s)", e.Err, e.Attempts, unit, roundDuration(e.Elapsed))
}

func (e *GaveUpError) Unwrap() error { return e.Err }

// roundDuration keeps a duration readable: milliseconds below a second,
// tenths of a second below a minute, whole seconds above.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond)
	case d < time.Minute:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// decodeProblem builds the Error of a non-2xx answer from its body: the
// problem document when there is one (application/problem+json, or any JSON
// object with a title or status), else a short printable excerpt. Every
// secret is replaced wherever the server may have echoed it (a proxy printing
// request headers, a validation error quoting a password).
func decodeProblem(status int, contentType string, body []byte, secrets []string) *Error {
	body = scrubBytes(body, secrets)
	e := &Error{StatusCode: status}
	mediaType, _, _ := mime.ParseMediaType(contentType)
	isProblemType := mediaType == "application/problem+json"
	if isProblemType || mediaType == "" || mediaType == "application/json" || strings.HasSuffix(mediaType, "+json") {
		var p wireProblem
		err := json.Unmarshal(body, &p)
		if err == nil && (isProblemType || p.Title != "" || p.Status != 0) {
			e.Body = BodyProblem
			// Decoding resolves JSON escapes, which can spell out a secret
			// the raw scrub did not see.
			e.Title, e.Detail = scrubString(p.Title, secrets), scrubString(p.Detail, secrets)
			for _, fe := range p.Errors {
				e.Errors = append(e.Errors, FieldError{
					Message:  scrubString(fe.Message, secrets),
					Location: scrubString(fe.Location, secrets),
					Value:    scrubValue(fe.Value, secrets),
				})
			}
			return e
		}
		if json.Valid(body) && len(bytes.TrimSpace(body)) > 0 {
			e.Body = BodyJSON
		}
	}
	e.Title = http.StatusText(status)
	text := string(body[:min(len(body), maxScanBytes)])
	if mediaType == "text/html" || mediaType == "application/xhtml+xml" || strings.HasPrefix(strings.TrimSpace(text), "<") {
		e.Body = BodyHTML
		text = htmlText(text)
	}
	// Scrubbed again after HTML entities are resolved, and before the cut,
	// so that no secret, whole or in part, survives in the excerpt.
	e.Detail = clip(scrubString(oneLine(text), secrets), maxSnippetRunes)
	return e
}

const redacted = "[REDACTED]"

// isSecret tells whether s is worth scrubbing: values shorter than 4 bytes
// are not real credentials, and replacing them would shred the message.
func isSecret(s string) bool { return len(s) >= 4 }

func scrubBytes(b []byte, secrets []string) []byte {
	for _, s := range secrets {
		if isSecret(s) {
			b = bytes.ReplaceAll(b, []byte(s), []byte(redacted))
		}
	}
	return b
}

func scrubString(v string, secrets []string) string {
	for _, s := range secrets {
		if isSecret(s) {
			v = strings.ReplaceAll(v, s, redacted)
		}
	}
	return v
}

// scrubValue cleans a field error's value, which JSON decoding made a
// string, number, bool, nil, []any or map[string]any.
func scrubValue(v any, secrets []string) any {
	switch v := v.(type) {
	case string:
		return scrubString(v, secrets)
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = scrubValue(item, secrets)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			out[scrubString(k, secrets)] = scrubValue(item, secrets)
		}
		return out
	}
	return v
}

// clean makes s one printable line of at most n runes.
func clean(s string, n int) string { return clip(oneLine(s), n) }

// oneLine replaces invalid UTF-8 and unprintable characters by spaces and
// collapses whitespace. Nothing is deleted outright, so cleaning cannot join
// the pieces of a secret that scrubbing has already passed over.
func oneLine(s string) string {
	if len(s) > maxScanBytes {
		s = s[:maxScanBytes]
	}
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// clip cuts s to n runes, marking the cut with "…".
func clip(s string, n int) string {
	if runes := []rune(s); len(runes) > n {
		return string(runes[:n]) + "…"
	}
	return s
}

// htmlText keeps the visible text of an HTML error page, which proxies and
// load balancers send instead of problem documents; script and style
// contents are dropped because they are never the message.
func htmlText(s string) string {
	var b strings.Builder
	for s != "" {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:lt])
		b.WriteByte(' ')
		s = s[lt:]
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			break
		}
		name := tagName(s[1:gt])
		s = s[gt+1:]
		if name == "script" || name == "style" {
			end := indexASCIIFold(s, "</"+name)
			if end < 0 {
				break
			}
			s = s[end:]
		}
	}
	return html.UnescapeString(b.String())
}

func tagName(tag string) string {
	end := strings.IndexFunc(tag, func(r rune) bool { return unicode.IsSpace(r) || r == '/' })
	if end < 0 {
		end = len(tag)
	}
	return strings.ToLower(tag[:end])
}

// indexASCIIFold is strings.Index ignoring ASCII case. strings.ToLower cannot
// be used to search, as it may change byte offsets of non-ASCII text.
func indexASCIIFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
