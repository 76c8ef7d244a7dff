package emulator

import (
	"math"
	"time"
	"unicode/utf8"
)

// object is one object of a decoded request body together with its location, so that
// validation errors can name the exact field ("body.key.expiry").
type object struct {
	fields map[string]any
	loc    string
}

// errs collects every validation failure of a request, so one 422 names them all.
type errs []fieldError

func (e *errs) add(loc, msg string, value any) {
	*e = append(*e, fieldError{Message: msg, Location: loc, Value: reportable(value)})
}

func (o object) at(name string) string { return o.loc + "." + name }

// get treats an explicit null like an absent field, as JSON clients often send one
// for "not set".
func (o object) get(name string) (any, bool) {
	v, found := o.fields[name]
	return v, found && v != nil
}

// child returns the object in the required field name.
func (o object) child(name string, errs *errs) (object, bool) {
	v, found := o.get(name)
	if !found {
		errs.add(o.at(name), name+" is required", nil)
		return object{}, false
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		errs.add(o.at(name), name+" must be an object", v)
		return object{}, false
	}
	return object{fields: m, loc: o.at(name)}, true
}

func (o object) str(name string, errs *errs) (string, bool) {
	v, found := o.get(name)
	if !found {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		errs.add(o.at(name), name+" must be a string", v)
		return "", false
	}
	if !o.validText(name, s, errs) {
		return "", false
	}
	return s, true
}

// validText is the one rule for the text of a request, whichever door it came
// in by: the API's JSON and CBOR bodies and the dashboard's forms all hand
// strings over as they were sent, and a string must be valid UTF-8. Invalid
// text is refused rather than mended, so that what is stored is what the
// client sent or nothing (CONTRACT.md); the value is not echoed, as no encoder
// could write it back faithfully.
func (o object) validText(name, s string, errs *errs) bool {
	if utf8.ValidString(s) {
		return true
	}
	errs.add(o.at(name), name+" must be valid UTF-8 text", nil)
	return false
}

func (o object) requiredStr(name string, errs *errs) (string, bool) {
	if _, found := o.get(name); !found {
		errs.add(o.at(name), name+" is required", nil)
		return "", false
	}
	return o.str(name, errs)
}

func (o object) description(errs *errs) (string, bool) {
	d, found := o.str(fieldDescription, errs)
	if found && utf8.RuneCountInString(d) > maxDescriptionRune {
		errs.add(o.at(fieldDescription), "description must be at most 1024 characters", nil)
		return "", false
	}
	return d, found
}

// futureTime reads a time that must lie after now. JSON carries RFC 3339 strings;
// CBOR may also carry Unix seconds (integer or float, as the SDK's default encoder
// writes them) or a tag 0/1 time, which the decoder has already turned into a time.Time.
func (o object) futureTime(name string, now time.Time, errs *errs) (time.Time, bool) {
	v, found := o.get(name)
	if !found {
		return time.Time{}, false
	}
	if s, isStr := v.(string); isStr && !o.validText(name, s, errs) {
		return time.Time{}, false
	}
	t, valid := asTime(v)
	switch {
	case !valid:
		errs.add(o.at(name), name+" must be an RFC 3339 date and time", v)
		return time.Time{}, false
	case t.Year() < 1 || t.Year() > 9999:
		errs.add(o.at(name), name+" is out of range", v)
		return time.Time{}, false
	case !t.After(now):
		errs.add(o.at(name), name+" must be in the future", v)
		return time.Time{}, false
	}
	return t, true
}

func asTime(v any) (time.Time, bool) {
	switch v := v.(type) {
	case string:
		t, err := time.Parse(time.RFC3339, v)
		return t.UTC(), err == nil
	case time.Time:
		return v.UTC(), true
	case uint64:
		if v > math.MaxInt64 {
			return time.Time{}, false
		}
		return time.Unix(int64(v), 0).UTC(), true
	case int64:
		return time.Unix(v, 0).UTC(), true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1<<62 {
			return time.Time{}, false
		}
		sec, frac := math.Modf(v)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	// Anything else, a JSON number included, is not a time: JSON carries RFC 3339 strings.
	return time.Time{}, false
}
