package emulator

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// A page token names the last key of the previous page by its position in the
// listing order, (created, id), not by an offset: keys deleted or added between two
// pages then neither shift nor repeat the remaining ones.
type pageToken struct {
	created time.Time
	id      string
}

const pageTokenPrefix = "k1:"

func (t pageToken) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(pageTokenPrefix + strconv.FormatInt(t.created.UnixNano(), 10) + ":" + t.id))
}

var errBadPageToken = errors.New("pageToken is not a token from a previous page")

func parsePageToken(s string) (pageToken, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pageToken{}, errBadPageToken
	}
	rest, found := strings.CutPrefix(string(raw), pageTokenPrefix)
	if !found {
		return pageToken{}, errBadPageToken
	}
	nanos, id, found := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(nanos, 10, 64)
	if !found || err != nil || uuid.Validate(id) != nil {
		return pageToken{}, errBadPageToken
	}
	return pageToken{created: time.Unix(0, n).UTC(), id: id}, nil
}

// after reports whether k comes after the token in the listing order.
func (t pageToken) after(k *apiKey) bool {
	if c := k.created.Compare(t.created); c != 0 {
		return c > 0
	}
	return k.id > t.id
}
