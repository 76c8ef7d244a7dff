package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/fxamacker/cbor/v2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// DefaultMaxBodyBytes caps request bodies, before and after decompression.
const DefaultMaxBodyBytes = 1 << 20

// zstdMaxWindow bounds the memory a zstd frame may make the decoder allocate. It is the
// klauspost encoder's default window, so a streaming client with default options is
// accepted; decompressed output is capped separately at MaxBodyBytes.
const zstdMaxWindow = 8 << 20

const (
	mediaJSON        = "application/json"
	mediaCBOR        = "application/cbor"
	mediaProblemJSON = "application/problem+json"
	mediaProblemCBOR = "application/problem+cbor"
)

var errBodyTooLarge = errors.New("request body too large")

// cappedReader fails once more than n bytes have been read, so that neither a large
// upload nor a decompression bomb is ever held in memory beyond the cap.
type cappedReader struct {
	r io.Reader
	n int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.n < 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > c.n+1 {
		p = p[:c.n+1]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n < 0 {
		return n, errBodyTooLarge
	}
	return n, err
}

var cborDecMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DefaultMapType:   reflect.TypeFor[map[string]any](),
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  maxNesting,
		MaxArrayElements: 4096,
		MaxMapPairs:      4096,
		TimeTagToAny:     cbor.TimeTagToTime,
		// Text as sent, as from JSON and a form: the rule for text is validText's.
		UTF8: cbor.UTF8DecodeInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}()

// Times go out as Unix seconds, like the SDK's default encoder, but keep a fraction
// when there is one instead of silently truncating it.
var cborEncMode = func() cbor.EncMode {
	em, err := cbor.EncOptions{Time: cbor.TimeUnixDynamic}.EncMode()
	if err != nil {
		panic(err)
	}
	return em
}()

// decodeRequestBody turns a request body into its top-level object, whatever the
// negotiated media type and content encoding. It returns a problem response for a
// body that is too large (413), in an unsupported encoding (415), or malformed (400).
func decodeRequestBody(contentType, contentEncoding string, body io.Reader, maxBytes int64) (map[string]any, *response) {
	raw, err := readDecompressed(contentEncoding, body, maxBytes)
	if err != nil {
		var r response
		switch {
		case errors.Is(err, errBodyTooLarge):
			r = problemResponse(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body exceeds %d bytes (compressed or decompressed)", maxBytes))
		case errors.Is(err, errUnsupportedEncoding):
			r = problemResponse(http.StatusUnsupportedMediaType, err.Error())
		default:
			r = problemResponse(http.StatusBadRequest, "the request body could not be decompressed: "+err.Error())
		}
		return nil, &r
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		r := problemResponse(http.StatusBadRequest, "a request body is required")
		return nil, &r
	}
	var doc any
	if isCBORBody(contentType) {
		err = cborDecMode.Unmarshal(raw, &doc)
	} else {
		doc, err = decodeJSON(raw)
	}
	if err != nil {
		r := problemResponse(http.StatusBadRequest, "malformed request body: "+err.Error())
		return nil, &r
	}
	obj, isObj := doc.(map[string]any)
	if !isObj {
		r := validationFailed([]fieldError{{Message: "the request body must be an object", Location: "body"}})
		return nil, &r
	}
	return obj, nil
}

// isCBORBody reports whether a body is CBOR. Everything else is read as JSON: a
// missing Content-Type is common, and curl -d labels a JSON body as a form.
func isCBORBody(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == mediaCBOR || strings.HasSuffix(mt, "+cbor"))
}

var errUnsupportedEncoding = errors.New("unsupported Content-Encoding")

func readDecompressed(contentEncoding string, body io.Reader, maxBytes int64) ([]byte, error) {
	compressed := &cappedReader{r: body, n: maxBytes}
	var plain io.Reader
	switch enc := strings.ToLower(strings.TrimSpace(contentEncoding)); enc {
	case "", "identity":
		plain = compressed
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(compressed)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		plain = zr
	case "zstd":
		zr, err := zstd.NewReader(compressed,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(zstdMaxWindow),
			zstd.WithDecoderMaxMemory(zstdMaxWindow))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		plain = zr
	default:
		return nil, fmt.Errorf("%w %q: use gzip or zstd", errUnsupportedEncoding, enc)
	}
	raw, err := io.ReadAll(&cappedReader{r: plain, n: maxBytes})
	if errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		return nil, errBodyTooLarge
	}
	return raw, err
}

// qualities parses an Accept or Accept-Encoding header into value -> q.
func qualities(header string) map[string]float64 {
	out := map[string]float64{}
	for part := range strings.SplitSeq(header, ",") {
		fields := strings.Split(part, ";")
		name := strings.ToLower(strings.TrimSpace(fields[0]))
		if name == "" {
			continue
		}
		q := 1.0
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		out[name] = max(out[name], q)
	}
	return out
}

// wantsCBOR reports whether the client prefers CBOR to JSON. Ties and wildcards go
// to JSON, the format every client understands.
func wantsCBOR(accept string) bool {
	q := qualities(accept)
	best := func(names ...string) float64 {
		v, found := 0.0, false
		for _, n := range names {
			if x, ok := q[n]; ok {
				v, found = max(v, x), true
			}
		}
		if !found {
			return max(q["application/*"], q["*/*"])
		}
		return v
	}
	c := best(mediaCBOR, mediaProblemCBOR)
	return c > 0 && c > best(mediaJSON, mediaProblemJSON)
}

// responseEncoding picks zstd or gzip from Accept-Encoding; zstd wins a tie.
func responseEncoding(acceptEncoding string) string {
	q := qualities(acceptEncoding)
	get := func(names ...string) float64 {
		for _, n := range names {
			if x, ok := q[n]; ok {
				return x
			}
		}
		return q["*"]
	}
	z, g := get("zstd"), get("gzip", "x-gzip")
	switch {
	case z > 0 && z >= g:
		return "zstd"
	case g > 0:
		return "gzip"
	}
	return ""
}

// The encoder is safe for concurrent EncodeAll calls, so one serves every response.
var zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		panic(err)
	}
	return enc
})

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // a valid level never fails
	return w
}}

func compress(encoding string, data []byte) []byte {
	switch encoding {
	case "zstd":
		return zstdEncoder().EncodeAll(data, nil)
	case "gzip":
		var buf bytes.Buffer
		w := gzipWriters.Get().(*gzip.Writer)
		w.Reset(&buf)
		_, _ = w.Write(data) // writes to a bytes.Buffer cannot fail
		_ = w.Close()
		gzipWriters.Put(w)
		return buf.Bytes()
	}
	return data
}

// encodeBody encodes an answer in the negotiated format and returns it with its media type.
func encodeBody(body any, asCBOR bool) ([]byte, string, error) {
	_, isProblem := body.(*problem)
	if asCBOR {
		data, err := cborEncMode.Marshal(body)
		if isProblem {
			return data, mediaProblemCBOR, err
		}
		return data, mediaCBOR, err
	}
	data, err := json.Marshal(body)
	if isProblem {
		return data, mediaProblemJSON, err
	}
	return data, mediaJSON, err
}

// rendered is an answer ready to go on the wire.
type rendered struct {
	status int
	header http.Header
	body   []byte
}

// render encodes resp in the format and encoding the request asked for, with the
// Date header taken from the emulator's clock so clients can measure skew.
func (e *Emulator) render(r *http.Request, resp response) rendered {
	out := rendered{status: resp.status, header: http.Header{}}
	for k, v := range resp.header {
		out.header[k] = v
	}
	out.header.Set("Date", e.Now().UTC().Format(http.TimeFormat))
	if resp.body == nil {
		return out
	}
	asCBOR := wantsCBOR(strings.Join(r.Header.Values("Accept"), ","))
	data, mediaType, err := encodeBody(resp.body, asCBOR)
	if err != nil {
		e.log.Error("encoding an answer failed", "err", err)
		out.status = http.StatusInternalServerError
		data, mediaType, _ = encodeBody(problemResponse(out.status, "the answer could not be encoded").body, asCBOR)
	}
	out.header.Set("Content-Type", mediaType)
	out.header.Set("Vary", "Accept, Accept-Encoding")
	if enc := responseEncoding(strings.Join(r.Header.Values("Accept-Encoding"), ",")); enc != "" {
		data = compress(enc, data)
		out.header.Set("Content-Encoding", enc)
	}
	out.header.Set("Content-Length", strconv.Itoa(len(data)))
	out.body = data
	return out
}

func (out rendered) write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range out.header {
		h[k] = v
	}
	w.WriteHeader(out.status)
	if out.body != nil {
		_, _ = w.Write(out.body)
	}
}
