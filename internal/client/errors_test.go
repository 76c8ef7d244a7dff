package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestGoldenProblemsDecoded(t *testing.T) {
	type check struct {
		name string
		is   func(error) bool
	}
	checks := []check{
		{"IsUnauthorized", IsUnauthorized}, {"IsForbidden", IsForbidden}, {"IsNotFound", IsNotFound},
		{"IsValidation", IsValidation}, {"IsOutcomeUnknown", IsOutcomeUnknown},
	}
	for _, tc := range []struct {
		file, title, detail, text string
		status                    int
		is                        string
	}{
		{"problem_401.json", "Unauthorized", "a valid API key is required",
			"GET /keys/k1: 401 Unauthorized: a valid API key is required", 401, "IsUnauthorized"},
		{"problem_403.json", "Forbidden", "this organization does not have production access",
			"GET /keys/k1: 403 Forbidden: this organization does not have production access", 403, "IsForbidden"},
		{"problem_404.json", "Not Found", "key not found",
			"GET /keys/k1: 404 Not Found: key not found", 404, "IsNotFound"},
		{"problem_422.json", "Unprocessable Entity", "validation failed",
			"GET /keys/k1: 422 Unprocessable Entity: validation failed: expiry must be in the future (body.key.expiry)", 422, "IsValidation"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				replyProblem(w, tc.status, golden(t, tc.file))
			})
			_, err := newTestClient(t, f.URL+"/api").GetKey(context.Background(), "k1")
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %T %v, want *Error", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Title != tc.title || apiErr.Detail != tc.detail ||
				apiErr.Method != http.MethodGet || apiErr.Path != "/keys/k1" || apiErr.Body != BodyProblem {
				t.Errorf("error = %+v", apiErr)
			}
			if got := err.Error(); got != tc.text {
				t.Errorf("Error() = %q\n          want %q", got, tc.text)
			}
			for _, c := range checks {
				if got := c.is(err); got != (c.name == tc.is) {
					t.Errorf("%s = %v", c.name, got)
				}
			}
		})
	}
}

func TestValidationFieldErrorsDecoded(t *testing.T) {
	e := decodeProblem(422, "application/problem+json", golden(t, "problem_422.json"), nil)
	want := []FieldError{{Message: "expiry must be in the future", Location: "body.key.expiry", Value: "2020-01-01T00:00:00Z"}}
	if !reflect.DeepEqual(e.Errors, want) {
		t.Errorf("errors = %#v, want %#v", e.Errors, want)
	}
}

func TestIsHelpersSeeThroughWrapping(t *testing.T) {
	wrapped := fmt.Errorf("reading key: %w", &Error{StatusCode: 404})
	if !IsNotFound(wrapped) {
		t.Error("IsNotFound misses a wrapped 404")
	}
	for _, err := range []error{nil, errors.New("404"), &Error{StatusCode: 410}} {
		if IsNotFound(err) || IsUnauthorized(err) || IsForbidden(err) || IsValidation(err) || IsOutcomeUnknown(err) {
			t.Errorf("a helper matched %v", err)
		}
	}
	ou := fmt.Errorf("create: %w", &OutcomeUnknownError{Method: "POST", Path: "/keys", Cause: &Error{StatusCode: 502}})
	if !IsOutcomeUnknown(ou) {
		t.Error("IsOutcomeUnknown misses a wrapped OutcomeUnknownError")
	}
	var apiErr *Error
	if !errors.As(ou, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
		t.Error("OutcomeUnknownError does not unwrap to its cause")
	}
}

func TestOutcomeUnknownErrorText(t *testing.T) {
	for cause, want := range map[error]string{
		&Error{StatusCode: 502, Method: "POST", Path: "/keys"}: "POST /keys: outcome unknown, the request may have been carried out: 502 Bad Gateway",
		errors.New("connection reset"):                         "POST /keys: outcome unknown, the request may have been carried out: connection reset",
	} {
		err := &OutcomeUnknownError{Method: "POST", Path: "/keys", Cause: cause}
		if got := err.Error(); got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
}

func TestErrorText(t *testing.T) {
	many := make([]FieldError, 12)
	for i := range many {
		many[i] = FieldError{Message: fmt.Sprintf("m%d", i), Location: fmt.Sprintf("body.key.f%d", i)}
	}
	for _, tc := range []struct {
		err  Error
		want string
	}{
		{Error{StatusCode: 500}, "500 Internal Server Error"},
		{Error{StatusCode: 599}, "599"},
		{Error{StatusCode: 418, Title: "I'm a teapot", Detail: "short\nand\tstout", Method: "GET", Path: "/x"},
			"GET /x: 418 I'm a teapot: short and stout"},
		{Error{StatusCode: 422, Errors: []FieldError{{Message: "a"}, {Location: "body.key.b"}}},
			"422 Unprocessable Entity: a; invalid (body.key.b)"},
		{Error{StatusCode: 422, Detail: "d", Errors: many},
			"422 Unprocessable Entity: d: m0 (body.key.f0); m1 (body.key.f1); m2 (body.key.f2); m3 (body.key.f3); m4 (body.key.f4); " +
				"m5 (body.key.f5); m6 (body.key.f6); m7 (body.key.f7); m8 (body.key.f8); m9 (body.key.f9); and 2 more"},
		// A field's value is never shown: it may be a password.
		{Error{StatusCode: 422, Errors: []FieldError{{Message: "too short", Location: "body.login.password", Value: "hunter2"}}},
			"422 Unprocessable Entity: too short (body.login.password)"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q\n          want %q", got, tc.want)
		}
	}
}

func TestErrorTextBounded(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	fields := make([]FieldError, 1000)
	for i := range fields {
		fields[i] = FieldError{Message: long, Location: long}
	}
	e := &Error{StatusCode: 422, Title: long, Detail: long, Errors: fields, Method: "PATCH", Path: "/keys/" + long}
	if n := len(e.Error()); n > maxErrorTextBytes {
		t.Errorf("Error() is %d bytes", n)
	}
}

// maxErrorTextBytes bounds Error(): the call, title, detail and ten field
// errors at their rune limits, at up to 4 bytes a rune, plus separators.
const maxErrorTextBytes = 4*(2*maxFieldRunes+maxTitleRunes+maxDetailRunes+maxFieldErrors*2*maxFieldRunes) + 200

func TestNonProblemBodies(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body, detail string
		kind                            BodyKind
	}{
		{"nginx page", "text/html",
			"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n",
			"502 Bad Gateway 502 Bad Gateway nginx/1.25.3", BodyHTML},
		{"page with style and script, no content type", "",
			`<!DOCTYPE html><html><head><STYLE type="text/css">body{color:red}</STYLE><script>var a = "<b>";</script></head><body><p>Service &amp; API down</p></body></html>`,
			"Service & API down", BodyHTML},
		{"unterminated tag", "text/html", "oops <b", "oops", BodyHTML},
		{"plain text", "text/plain; charset=utf-8", "upstream connect error\nor disconnect/reset before headers", "upstream connect error or disconnect/reset before headers", BodyOther},
		{"JSON that is no problem", "application/json", `{"message":"gateway says no"}`, `{"message":"gateway says no"}`, BodyJSON},
		{"JSON array", "", `["no"]`, `["no"]`, BodyJSON},
		{"problem type but not JSON", "application/problem+json", "not json", "not json", BodyOther},
		{"binary", "application/octet-stream", "\x00\x01ab\xff\xfecd\x1b[31m", "ab cd [31m", BodyOther},
		{"empty", "", "", "", BodyOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := decodeProblem(502, tc.contentType, []byte(tc.body), nil)
			if e.StatusCode != http.StatusBadGateway || e.Title != "Bad Gateway" || e.Detail != tc.detail || e.Errors != nil {
				t.Errorf("error = %#v, want detail %q", e, tc.detail)
			}
			if e.Body != tc.kind {
				t.Errorf("body kind = %v, want %v", e.Body, tc.kind)
			}
		})
	}
}

func TestProblemRecognisedByShape(t *testing.T) {
	e := decodeProblem(409, "application/json", []byte(`{"title":"Conflict","status":409,"detail":"busy"}`), nil)
	if e.Title != "Conflict" || e.Detail != "busy" || e.Body != BodyProblem {
		t.Errorf("JSON with a title was not read as a problem: %#v", e)
	}
	// The HTTP status is the truth even when the document says otherwise.
	e = decodeProblem(500, "application/problem+json", []byte(`{"title":"Oops","status":200}`), nil)
	if e.StatusCode != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", e.StatusCode)
	}
}

func TestHugeErrorBodyGivesShortMessage(t *testing.T) {
	huge := bytes.Repeat([]byte("<div>overloaded </div>\n"), (6<<20)/23)
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		reply(w, http.StatusInternalServerError, "text/html", huge)
	})
	_, err := newTestClient(t, f.URL+"/api").GetKey(context.Background(), "k1")
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	if len(msg) > 300 || !strings.HasPrefix(msg, "GET /keys/k1: 500 Internal Server Error: overloaded overloaded") || !strings.HasSuffix(msg, "…") {
		t.Errorf("message (%d bytes) = %q", len(msg), msg)
	}
}

func FuzzDecodeProblem(f *testing.F) {
	f.Add(422, "application/problem+json", []byte(`{"title":"x","status":422,"errors":[{"message":"m","location":"l","value":[1,{"a":null}]}]}`))
	f.Add(502, "text/html", []byte("<html><style>x</style>"+apiKeyHead+"&#76;EAKCHECKtail7Wp4zz</html>"))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		e := decodeProblem(status, contentType, body, []string{testAPIKey})
		e.Method, e.Path = "POST", "/keys"
		msg := e.Error()
		if len(msg) > maxErrorTextBytes {
			t.Fatalf("Error() is %d bytes", len(msg))
		}
		if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\r\n\t\x00") {
			t.Fatalf("Error() is not one printable line: %q", msg)
		}
		if strings.Contains(msg, testAPIKey) || strings.Contains(fmt.Sprintf("%#v", *e), testAPIKey) {
			t.Fatalf("secret survived decoding: %q", msg)
		}
		if e.StatusCode != status {
			t.Fatalf("status = %d, want %d", e.StatusCode, status)
		}
	})
}

// TestErrorsNeverContainAPIKey drives every error path against a server that
// echoes the Authorization header wherever it can, and checks that neither
// the key nor either half of it shows up in the error or its fields.
func TestErrorsNeverContainAPIKey(t *testing.T) {
	echo := func(r *http.Request) string { return r.Header.Get("Authorization") }
	paths := []struct {
		name   string
		call   func(*Client) error
		answer func(t *testing.T, w http.ResponseWriter, r *http.Request)
		config func(*Config)
	}{
		{"401 problem", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			replyProblem(w, 401, []byte(`{"title":"Unauthorized","status":401,"detail":"unknown key `+echo(r)+`"}`))
		}, nil},
		{"422 problem", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			k := echo(r)
			replyProblem(w, 422, []byte(`{"title":"`+k+`","status":422,"detail":"`+k+`","errors":[{"message":"`+k+`","location":"`+k+`","value":{"`+k+`":["`+k+`"]}}]}`))
		}, nil},
		{"422 problem with escaped key", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			// Escaped, the key only appears once the JSON is decoded.
			k := strings.Replace(echo(r), "d", `\u0064`, 1)
			replyProblem(w, 422, []byte(`{"title":"`+k+`","status":422,"detail":"`+k+`","errors":[{"message":"`+k+`","location":"`+k+`","value":[{"`+k+`":"`+k+`"}]}]}`))
		}, nil},
		{"500 HTML page", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			reply(w, 500, "text/html", []byte("<html><body><h1>Error</h1><pre>Authorization: "+echo(r)+"</pre></body></html>"))
		}, nil},
		{"HTML page with entity-encoded key across the excerpt cut", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			k := strings.Replace(echo(r), "L", "&#76;", 1)
			pad := maxSnippetRunes - len(apiKeyHead) - 3 - len("Bearer ")
			reply(w, 500, "text/html", []byte("<p>"+strings.Repeat("x", pad)+k+"</p>"))
		}, nil},
		{"key across the scan limit", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			// Blanks collapse, so text cut at the scan limit lands in the excerpt.
			pad := maxScanBytes - len(apiKeyHead) - len("Bearer ")
			reply(w, 400, "text/plain", []byte(strings.Repeat(" ", pad)+echo(r)))
		}, nil},
		{"key across the excerpt cut", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			// The cut falls inside the tail, so an excerpt cut before scrubbing
			// would keep the whole head.
			pad := maxSnippetRunes - len(apiKeyHead) - 3 - len("Bearer ")
			reply(w, 400, "text/plain", []byte(strings.Repeat("x", pad)+echo(r)))
		}, nil},
		{"malformed success answer", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			replyJSON(w, 200, []byte(`{"key":{"id":"k1","created":"`+echo(r)+`"}}`))
		}, nil},
		{"connection lost", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) { hangUp(t, w) }, nil},
		{"timeout", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			func(c *Config) { c.RequestTimeout = 20 * time.Millisecond }},
		{"retries exhausted", nil, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			reply(w, 503, "text/plain", []byte("busy "+echo(r)))
		}, nil},
		{"outcome unknown", createKey, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			replyProblem(w, 502, []byte(`{"title":"Bad Gateway","status":502,"detail":"`+echo(r)+`"}`))
		}, nil},
		{"outcome unknown, connection lost", createKey,
			func(t *testing.T, w http.ResponseWriter, r *http.Request) { hangUp(t, w) }, nil},
		{"refused connection", nil, nil, nil},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			endpoint := "http://" + closedAddr(t) + "/api"
			if p.answer != nil {
				f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { p.answer(t, w, r) })
				endpoint = f.URL + "/api"
			}
			opts := []func(*Config){func(c *Config) { c.MaxRetries = 1 }}
			if p.config != nil {
				opts = append(opts, p.config)
			}
			c := newTestClient(t, endpoint, opts...)
			call := p.call
			if call == nil {
				call = func(c *Client) error { _, err := c.GetKey(context.Background(), "k1"); return err }
			}
			err := call(c)
			if err == nil {
				t.Fatal("no error")
			}
			texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				texts = append(texts, fmt.Sprintf("%#v", *apiErr))
			}
			for _, text := range texts {
				for _, part := range []string{apiKeyHead, apiKeyTail} {
					if strings.Contains(text, part) {
						t.Errorf("error shows part of the API key: %s", text)
					}
				}
			}
		})
	}
}
