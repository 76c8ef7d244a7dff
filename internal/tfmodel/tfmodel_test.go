package tfmodel

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type model struct {
	Name   types.String `tfsdk:"name"`
	Count  types.Int64  `tfsdk:"count"`
	Labels types.Map    `tfsdk:"labels"`
	Nested types.Object `tfsdk:"nested"`
}

var testSchema = schema.Schema{Attributes: map[string]schema.Attribute{
	"name":   schema.StringAttribute{Required: true},
	"count":  schema.Int64Attribute{Computed: true},
	"labels": schema.MapAttribute{ElementType: types.StringType, Optional: true},
	"nested": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
		"inner": schema.StringAttribute{Required: true},
	}},
}}

func typesOf(s schema.Schema) map[string]attr.Type {
	out := map[string]attr.Type{}
	for name, a := range s.Attributes {
		out[name] = a.GetType()
	}
	return out
}

// TestCodecAgreesWithTheFramework: Read reads what Get reads, Value writes
// what Set writes, with known, null and unknown values.
func TestCodecAgreesWithTheFramework(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := New[model](typesOf(testSchema))
	if err != nil {
		t.Fatal(err)
	}
	nestedType := testSchema.Attributes["nested"].GetType().(types.ObjectType).AttrTypes
	for name, m := range map[string]model{
		"null": c.Null(ctx),
		"known": {Name: types.StringValue("n"), Count: types.Int64Value(3),
			Labels: types.MapValueMust(types.StringType, map[string]attr.Value{"a": types.StringValue("b")}),
			Nested: types.ObjectValueMust(nestedType, map[string]attr.Value{"inner": types.StringValue("i")})},
		"unknown": {Name: types.StringValue("n"), Count: types.Int64Unknown(), Labels: types.MapUnknown(types.StringType),
			Nested: types.ObjectUnknown(nestedType)},
	} {
		typ := testSchema.Type().TerraformType(ctx)
		viaSet := tfsdk.State{Schema: testSchema, Raw: tftypes.NewValue(typ, nil)}
		if d := viaSet.Set(ctx, m); d.HasError() {
			t.Fatalf("%s: Set: %v", name, d)
		}
		ours, d := c.Value(ctx, m, typ)
		if d.HasError() || !ours.Equal(viaSet.Raw) {
			t.Errorf("%s: Value (%v):\n got %s\nwant %s", name, d, ours, viaSet.Raw)
		}
		var viaGet model
		if d := viaSet.Get(ctx, &viaGet); d.HasError() {
			t.Fatalf("%s: Get: %v", name, d)
		}
		read, d := c.Read(ctx, viaSet.Raw)
		if d.HasError() || !reflect.DeepEqual(read, viaGet) {
			t.Errorf("%s: Read (%v):\n got %+v\nwant %+v", name, d, read, viaGet)
		}
		written := tftypes.NewValue(typ, nil)
		c.Write(ctx, &written, m, &d)
		if !written.Equal(viaSet.Raw) {
			t.Errorf("%s: Write gave %s", name, written)
		}
	}
}

// TestNewRefusesAMismatch: a model and a schema that disagree are an error
// naming the difference, not a panic at the first use.
func TestNewRefusesAMismatch(t *testing.T) {
	t.Parallel()
	extra := typesOf(testSchema)
	extra["more"] = types.StringType
	wrong := typesOf(testSchema)
	wrong["count"] = types.StringType
	missing := typesOf(testSchema)
	delete(missing, "labels")
	for want, attrs := range map[string]map[string]attr.Type{
		`attribute "more" has no field`: extra,
		`model.Count holds basetypes.Int64Value, but attribute "count" holds basetypes.StringValue`: wrong,
		`model.Labels (tfsdk "labels") is no attribute`:                                             missing,
	} {
		if _, err := New[model](attrs); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err %v, want %q", err, want)
		}
	}
	if _, d := (&Codec[model]{}).Read(context.Background(), tftypes.NewValue(tftypes.String, "x")); !d.HasError() {
		t.Error("Read of a string: no error")
	}
}
