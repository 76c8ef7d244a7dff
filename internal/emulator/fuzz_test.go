package emulator

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// FuzzDecodeRequest feeds arbitrary bodies, media types and encodings through the
// request decoding and the key validation built on it. Whatever comes in, nothing
// panics, the outcome is either a document or a 400/413/415/422 problem, and every
// problem can be encoded in both formats (values echoed from the request included).
// The seed corpus is in testdata/fuzz/FuzzDecodeRequest.
func FuzzDecodeRequest(f *testing.F) {
	f.Add("application/json", "", []byte(`{"key":{"description":"d","environment":"testing","expiry":"2027-06-30T00:00:00Z"}}`))
	f.Add("application/cbor", "", []byte("\xa1\x63key\xa1\x66expiry\x1a\x6b\x49\xd2\x00"))
	const maxBody = 64 << 10
	now := time.Date(2026, 11, 27, 5, 10, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, contentType, contentEncoding string, body []byte) {
		doc, p := decodeRequestBody(contentType, contentEncoding, bytes.NewReader(body), maxBody)
		if (doc == nil) == (p == nil) {
			t.Fatalf("got document %v and problem %v", doc, p)
		}
		if p != nil {
			switch p.status {
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
			default:
				t.Fatalf("status %d", p.status)
			}
			encodeBoth(t, p.body)
			return
		}
		var errs errs
		in, _ := object{fields: doc, loc: "body"}.child(fieldKey, &errs)
		in.description(&errs)
		in.requiredStr(fieldEnvironment, &errs)
		in.str(fieldUserID, &errs)
		in.futureTime(fieldExpiry, now, &errs)
		for _, name := range immutableKeyFields {
			in.get(name)
		}
		encodeBoth(t, validationFailed(errs).body)
	})
}

func encodeBoth(t *testing.T, body any) {
	t.Helper()
	for _, asCBOR := range []bool{false, true} {
		if _, _, err := encodeBody(body, asCBOR); err != nil {
			t.Fatalf("encoding %+v (CBOR %v): %v", body, asCBOR, err)
		}
	}
}
