package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func timestampText(s string) timestamp {
	return timestamp{RFC3339: timetypes.RFC3339{StringValue: basetypes.NewStringValue(s)}}
}

// TestTimestampInstant is the RFC 3339 rule's test: a time with its offset
// is an instant; null, unknown and anything else are not, so callers need no
// checks of their own.
func TestTimestampInstant(t *testing.T) {
	t.Parallel()
	want := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	for value, ok := range map[timestamp]bool{
		timestampText("2027-06-30T00:00:00Z"):      true,
		timestampText("2027-06-30T02:00:00+02:00"): true,
		timestampText("2027-06-30"):                false,
		timestampText("2027-06-30T00:00:00"):       false,
		timestampText(""):                          false,
		{RFC3339: timetypes.NewRFC3339Null()}:      false,
		timestampUnknown():                         false,
	} {
		got, gotOK := value.instant()
		if gotOK != ok || (ok && !got.Equal(want)) {
			t.Errorf("%v.instant() = %v, %v; want %v", value, got, gotOK, ok)
		}
	}
	if !sameInstant(timestampText("2027-06-30T00:00:00Z"), timestampText("2027-06-30T02:00:00+02:00")) {
		t.Error("the same instant in two offsets is not the same")
	}
	if sameInstant(timestampUnknown(), timestampUnknown()) {
		t.Error("two unknown values are the same instant")
	}
	if got := keepInstantText(timestampUnknown(), want); got.ValueString() != "2027-06-30T00:00:00Z" {
		t.Errorf("keepInstantText(unknown) = %v, want the API's value", got)
	}
	if got := keepInstantText(timestampText("2027-06-30T02:00:00+02:00"), want); got.ValueString() != "2027-06-30T02:00:00+02:00" {
		t.Errorf("keepInstantText(same instant) = %v, want the configured text", got)
	}
}
