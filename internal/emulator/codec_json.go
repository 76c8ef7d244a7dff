package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxNesting bounds how deep a request body may nest, in JSON as in CBOR.
const maxNesting = 32

// decodeJSON reads one JSON document into the shapes the CBOR decoder makes
// (map[string]any, []any, json.Number, string, bool, nil), keeping each string
// as it was sent. encoding/json alone puts U+FFFD in place of an invalid byte
// or of an escape that names half a surrogate pair, and then the rule for text
// (validText in fields.go) could not tell such a string from one that holds
// U+FFFD itself; the CBOR decoder and a dashboard form hand strings over as sent.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := jsonValue(dec, raw, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

func jsonValue(dec *json.Decoder, raw []byte, depth int) (any, error) {
	from := dec.InputOffset()
	tok, err := dec.Token()
	if err != nil {
		return nil, unexpectedEOF(err)
	}
	switch tok := tok.(type) {
	case string:
		return sentString(tok, raw[from:dec.InputOffset()]), nil
	case json.Delim:
		if depth >= maxNesting {
			return nil, fmt.Errorf("the JSON value nests deeper than %d levels", maxNesting)
		}
		// Token reports a closing delimiter where a value is due as an error,
		// so tok opens an object or an array.
		if tok == '{' {
			return jsonObject(dec, raw, depth+1)
		}
		return jsonArray(dec, raw, depth+1)
	}
	return tok, nil
}

func jsonObject(dec *json.Decoder, raw []byte, depth int) (map[string]any, error) {
	m := map[string]any{}
	for dec.More() {
		from := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, unexpectedEOF(err)
		}
		name, isName := tok.(string)
		if !isName {
			return nil, fmt.Errorf("a member name must be a string, not %v", tok)
		}
		v, err := jsonValue(dec, raw, depth)
		if err != nil {
			return nil, err
		}
		m[sentString(name, raw[from:dec.InputOffset()])] = v
	}
	return m, closeJSON(dec)
}

func jsonArray(dec *json.Decoder, raw []byte, depth int) ([]any, error) {
	a := []any{}
	for dec.More() {
		v, err := jsonValue(dec, raw, depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	return a, closeJSON(dec)
}

// closeJSON reads the delimiter that closes an object or an array.
func closeJSON(dec *json.Decoder) error {
	_, err := dec.Token()
	return unexpectedEOF(err)
}

// unexpectedEOF is the end of the body inside a value, as encoding/json names it.
func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// sentString is the string a JSON literal was sent as. span holds the literal,
// after what separated it from the token before (white space, a comma or a
// colon, none of them a quote). encoding/json has decoded it into decoded; only
// when that holds U+FFFD, which is where it may have replaced something, is the
// literal read again.
func sentString(decoded string, span []byte) string {
	if !strings.ContainsRune(decoded, utf8.RuneError) {
		return decoded
	}
	span = span[:bytes.LastIndexByte(span, '"')]
	return unquoteAsSent(span[bytes.IndexByte(span, '"')+1:])
}

// unquoteAsSent decodes the inside of a JSON string literal that encoding/json
// has accepted, keeping invalid bytes as they are and writing an escape of
// half a surrogate pair as the three bytes UTF-8 would give it, which no valid
// UTF-8 contains.
func unquoteAsSent(s []byte) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'u':
			r := hexRune(s[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				if pair := utf16.DecodeRune(r, hexRune(s[i+3:i+7])); pair != utf8.RuneError {
					out = utf8.AppendRune(out, pair)
					i += 6
					continue
				}
			}
			if utf16.IsSurrogate(r) {
				out = append(out, 0xED, 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F)) // r is in U+D800..U+DFFF
				continue
			}
			out = utf8.AppendRune(out, r)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default: // '"', '\\' and '/' stand for themselves
			out = append(out, c)
		}
	}
	return string(out)
}

// hexRune reads the four hex digits of a \u escape encoding/json has accepted.
func hexRune(hex []byte) rune {
	n, _ := strconv.ParseUint(string(hex), 16, 16)
	return rune(n)
}
