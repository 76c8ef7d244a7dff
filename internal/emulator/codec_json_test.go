package emulator

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeJSON_asEncodingJSON: valid text decodes exactly as encoding/json
// decodes it, numbers as json.Number.
func TestDecodeJSON_asEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`{"key":{"description":"d","environment":"testing","expiry":"2027-06-30T00:00:00Z"}}`,
		` { "a" : [ 1, 2.5e3, -0, true, false, null, "x", {}, [] ] , "b":{"c":{"d":"e"}} } `,
		`{"esc":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","dup":1,"dup":"last"}`,
		`{"fffd":"\ufffd and ` + "\uFFFD" + ` and \\ud800 as text"}`,
		`"top-level string"`, `[1,"two"]`, `12`,
	} {
		want := decodeWithEncodingJSON(t, doc)
		got, err := decodeJSON([]byte(doc))
		if err != nil {
			t.Errorf("decodeJSON(%s): %v", doc, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("decodeJSON(%s) = %#v, want %#v", doc, got, want)
		}
	}
}

func decodeWithEncodingJSON(t *testing.T, doc string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return v
}

// TestDecodeJSON_keepsTextAsSent: where encoding/json would put U+FFFD, in a
// value or a member name, the string keeps what was sent, so validText sees it.
func TestDecodeJSON_keepsTextAsSent(t *testing.T) {
	for doc, want := range map[string]map[string]any{
		`{"d":"caf` + "\xe9" + `"}`:                     {"d": "caf\xe9"},
		`{"d":"` + "\xff\xfe" + ` \n \u00e9"}`:          {"d": "\xff\xfe \n é"},
		`{"d":"\ud800"}`:                                {"d": "\xed\xa0\x80"},
		`{"d":"\udc00\ud800x"}`:                         {"d": "\xed\xb0\x80\xed\xa0\x80x"},
		`{"d":"\ud800\u0041"}`:                          {"d": "\xed\xa0\x80A"},
		`{"d":"\ud83d\ude00 \ud800"}`:                   {"d": "😀 \xed\xa0\x80"},
		`{"d":"\ufffd\\ud800"}`:                         {"d": "\uFFFD\\ud800"},
		`{"` + "\xff" + `": 1, "x" : "` + "\xe9" + `"}`: {"\xff": json.Number("1"), "x": "\xe9"},
	} {
		got, err := decodeJSON([]byte(doc))
		if err != nil {
			t.Errorf("decodeJSON(%q): %v", doc, err)
			continue
		}
		if !reflect.DeepEqual(got, any(want)) {
			t.Errorf("decodeJSON(%q) = %q, want %q", doc, got, want)
		}
	}
}

func TestDecodeJSON_refuses(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	if _, err := decodeJSON([]byte(deep(maxNesting))); err != nil {
		t.Errorf("%d levels: %v", maxNesting, err)
	}
	for doc, want := range map[string]string{
		`{"key": {`:                "unexpected EOF",
		`{"key": {}} {}`:           "unexpected data after the JSON value",
		`{"a" 1}`:                  "invalid character",
		`[1,]`:                     "invalid character",
		`{"a":1]`:                  "invalid character",
		deep(maxNesting + 1):       "nests deeper than 32 levels",
		`{"a":"` + "\x01" + `"}`:   "invalid character",
		`{"a":"\u12"}`:             "invalid character",
		`{"a":"` + "\xff\\" + `"}`: "unexpected EOF",
	} {
		_, err := decodeJSON([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("decodeJSON(%q): %v, want an error saying %q", doc, err, want)
		}
	}
	if _, err := decodeJSON(bytes.Repeat([]byte("["), 1<<20)); err == nil {
		t.Error("a megabyte of [ decoded")
	}
}
