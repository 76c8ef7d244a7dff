package emulator

import (
	"encoding/json"
	"math"
	"math/big"
	"net/http"
	"time"
	"unicode/utf8"
)

// response is what a handler produces; it is encoded only at the end so that a
// lost response or a recovered panic can still replace it whole.
type response struct {
	status int
	body   any // nil: no body
	header http.Header
}

func answer(status int, body any) response { return response{status: status, body: body} }

func problemResponse(status int, detail string) response {
	return response{status: status, body: &problem{Title: http.StatusText(status), Status: status, Detail: detail}}
}

func validationFailed(errs []fieldError) response {
	st := http.StatusUnprocessableEntity
	return response{status: st, body: &problem{Title: http.StatusText(st), Status: st, Detail: "validation failed", Errors: errs}}
}

func (r response) with(name, value string) response {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(name, value)
	return r
}

func unauthorized() response {
	return problemResponse(http.StatusUnauthorized, "a valid API key is required").with("WWW-Authenticate", `Bearer realm="domaintrust"`)
}

func keyNotFound() response { return problemResponse(http.StatusNotFound, "key not found") }

func userNotFound() response { return problemResponse(http.StatusNotFound, "user not found") }

// reportable turns a decoded request value into something every encoder can
// write back in a problem document, or nil when it cannot be shown faithfully
// (text that is not valid UTF-8, NaN, a time outside year 1..9999, nested structures).
func reportable(v any) any {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			return nil
		}
		return v
	case bool, json.Number, int64, uint64:
		return v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	case *big.Int:
		return v.String()
	case time.Time:
		if y := v.Year(); y < 1 || y > 9999 {
			return nil
		}
		return v.UTC().Format(time.RFC3339Nano)
	}
	return nil
}
