package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// timestampType is an RFC 3339 string whose semantic equality compares
// instants. timetypes.RFC3339 (which it builds on, for parsing and
// validation) treats 2027-06-30T00:00:00Z and 2027-06-30T02:00:00+02:00 as
// different values; for an expiry they are the same moment, and a diff
// between them would be noise.
type timestampType struct {
	timetypes.RFC3339Type
}

var (
	_ basetypes.StringTypable                    = timestampType{}
	_ basetypes.StringValuableWithSemanticEquals = timestamp{}
	_ xattr.ValidateableAttribute                = timestamp{}
)

func (t timestampType) String() string { return "provider.timestampType" }

func (t timestampType) ValueType(context.Context) attr.Value { return timestamp{} }

func (t timestampType) Equal(o attr.Type) bool {
	_, ok := o.(timestampType)
	return ok
}

func (t timestampType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return timestamp{RFC3339: timetypes.RFC3339{StringValue: in}}, nil
}

func (t timestampType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return timestamp{RFC3339: timetypes.RFC3339{StringValue: s}}, nil
}

// timestamp is the value of timestampType.
type timestamp struct {
	timetypes.RFC3339
}

func (v timestamp) Type(context.Context) attr.Type { return timestampType{} }

func (v timestamp) Equal(o attr.Value) bool {
	other, ok := o.(timestamp)
	return ok && v.StringValue.Equal(other.StringValue)
}

// ValidateAttribute reports text that is not an RFC 3339 time as one
// diagnostic that shows what to write; timetypes' own message quotes Go's
// parse error instead.
func (v timestamp) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return // nothing to check yet
	}
	if _, ok := v.instant(); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time",
			fmt.Sprintf("%q is not an RFC 3339 time. Write a date and a time with its offset, such as "+
				"\"2027-06-30T00:00:00Z\" (UTC) or \"2027-06-30T02:00:00+02:00\".", v.ValueString()))
	}
}

// StringSemanticEquals reports whether both values name the same instant.
func (v timestamp) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(timestamp)
	if !ok {
		return false, nil
	}
	return sameInstant(v, other), nil
}

func sameInstant(a, b timestamp) bool {
	ta, okA := a.instant()
	tb, okB := b.instant()
	return okA && okB && ta.Equal(tb)
}

// instant is the provider's one RFC 3339 parser: the value as a time, and
// whether it is one. A null or unknown value is not (its empty text would
// not parse either; the check says so rather than relying on it).
func (v timestamp) instant() (time.Time, bool) {
	if v.IsNull() || v.IsUnknown() {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	return t, err == nil
}

func timestampUnknown() timestamp { return timestamp{RFC3339: timetypes.NewRFC3339Unknown()} }

// timestampOf formats t in UTC, as the API does.
func timestampOf(t time.Time) timestamp {
	return timestamp{RFC3339: timetypes.NewRFC3339TimeValue(t.UTC())}
}

// keepInstantText returns prior when it names the same instant as actual, so
// that the text the user configured (and Terraform planned) survives the
// API's normalised form; otherwise the API's value.
func keepInstantText(prior timestamp, actual time.Time) timestamp {
	if t, ok := prior.instant(); ok && t.Equal(actual) {
		return prior
	}
	return timestampOf(actual)
}
