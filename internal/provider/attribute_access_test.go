package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// resourceState is a state of the key resource with the given attributes set and
// the others null.
func resourceState(t testing.TB, set map[string]string) tfsdk.State {
	t.Helper()
	var sr resource.SchemaResponse
	(&apiKeyResource{}).Schema(context.Background(), resource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the resource's schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		vals[name] = tftypes.NewValue(tftypes.String, v)
	}
	return tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}
}

var storedKey = map[string]string{
	"id": "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70", "environment": "testing", "description": "ci",
	"user_id": "5b0c7a34-8d3f-4a8e-9f49-2a1f3f0b6c11", "key": "dtk_x",
	"created": "2027-01-01T00:00:00Z", "expiration": "2027-06-30T00:00:00Z",
}

// countingSetter records which attributes setChanged writes.
type countingSetter struct{ written []string }

func (c *countingSetter) SetAttribute(_ context.Context, p path.Path, _ any) diag.Diagnostics {
	c.written = append(c.written, p.String())
	return nil
}

// TestSetChangedWritesOnlyChanges: only attributes whose value changed are
// written; in a refresh without drift, nothing is.
func TestSetChangedWritesOnlyChanges(t *testing.T) {
	t.Parallel()
	var set countingSetter
	var d diag.Diagnostics
	setChanged(context.Background(), &set, &d, []attributeUpdate{
		{"description", types.StringValue("ci"), types.StringValue("ci")},
		{"expiration", timestampOf(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)), timestampOf(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC))},
		{"user_id", types.StringValue("a"), types.StringValue("b")},
		{"created", types.StringNull(), types.StringValue("2027-01-01T00:00:00Z")},
	})
	if got := strings.Join(set.written, ","); got != "user_id,created" || d.HasError() {
		t.Errorf("wrote %q (%v), want user_id,created", got, d)
	}

	// Against a real state, the written value is the new one.
	ctx := context.Background()
	st := resourceState(t, storedKey)
	setChanged(ctx, &st, &d, []attributeUpdate{{"description", types.StringValue("ci"), types.StringValue("renamed")}})
	var got types.String
	d.Append(st.GetAttribute(ctx, path.Root("description"), &got)...)
	if d.HasError() || got.ValueString() != "renamed" {
		t.Fatalf("description = %v (%v), want renamed", got, d)
	}
}

func BenchmarkAttributeReadWholeModel(b *testing.B) {
	st := resourceState(b, storedKey)
	ctx := context.Background()
	for b.Loop() {
		var m apiKeyModel
		st.Get(ctx, &m)
	}
}

func BenchmarkAttributeReadSix(b *testing.B) {
	st := resourceState(b, storedKey)
	ctx := context.Background()
	for b.Loop() {
		var m apiKeyModel
		var d diag.Diagnostics
		getAttributes(ctx, st, &d, map[string]any{
			"id": &m.ID, "environment": &m.Environment, "description": &m.Description,
			"user_id": &m.UserID, "created": &m.Created, "expiration": &m.Expiration,
		})
	}
}

func BenchmarkAttributeWriteWholeModel(b *testing.B) {
	st := resourceState(b, storedKey)
	ctx := context.Background()
	var m apiKeyModel
	st.Get(ctx, &m)
	for b.Loop() {
		st.Set(ctx, m)
	}
}
