package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// The resource's model: what a configuration, plan or state of
// domaintrust_api_key holds, and where each attribute comes from.

type apiKeyModel struct {
	ID               types.String `tfsdk:"id"`
	Environment      types.String `tfsdk:"environment"`
	Description      types.String `tfsdk:"description"`
	Expiration       timestamp    `tfsdk:"expiration"`
	Rotation         types.Object `tfsdk:"rotation"`
	RotationTriggers types.Map    `tfsdk:"rotation_triggers"`
	UserID           types.String `tfsdk:"user_id"`
	Key              types.String `tfsdk:"key"`
	Created          timestamp    `tfsdk:"created"`
	Seal             types.Object `tfsdk:"seal"`
	SealedKey        types.String `tfsdk:"sealed_key"`
	RetireAfter      types.String `tfsdk:"retire_after"`
	SecretVersion    types.Int64  `tfsdk:"secret_version"`
}

// unreadPrior is what state knows of a key Terraform has never read: nothing.
// Its secret, plain or sealed, stays null, as Domain Trust shows it only at
// creation.
func unreadPrior() apiKeyModel {
	var m apiKeyModel
	for name, f := range keyModelFields() {
		v, err := f.typ.ValueFromTerraform(context.Background(), tftypes.NewValue(f.typ.TerraformType(context.Background()), nil))
		if err != nil {
			panic(fmt.Sprintf("a null %s: %v", name, err)) // the schema's own types take null
		}
		m.set(name, v)
	}
	return m
}

// keyAttribute says where one attribute of domaintrust_api_key comes from.
// apiKeyAttributes lists every attribute once; what a key read from Domain
// Trust writes to state (keyState), the drift a refresh reports (driftOf),
// and the attribute a problem location of the API points at (fieldPaths)
// all follow it. TestAPIKeyAttributes fails when the schema, the model and
// this list disagree.
type keyAttribute struct {
	name string
	// fromKey is the value as Domain Trust shows the key, given the value
	// state holds (prior); nil for what only the configuration or the
	// creation knows, which state keeps as it is.
	fromKey func(k *client.Key, prior attr.Value) attr.Value
	// wire is the key field's name in the API's bodies (its problem
	// locations are body.key.<wire>), for attributes users write; "" else.
	wire string
	// changesInPlace says Domain Trust can change it on an existing key
	// (in the dashboard too), so a refresh that finds it changed reports
	// drift.
	changesInPlace bool
}

var apiKeyAttributes = []keyAttribute{
	{name: "id"}, // set once, at creation or import; Terraform requires it unchanged
	{name: "environment", wire: "environment", fromKey: func(k *client.Key, _ attr.Value) attr.Value {
		return types.StringValue(k.Environment)
	}},
	{name: "description", wire: "description", changesInPlace: true, fromKey: func(k *client.Key, _ attr.Value) attr.Value {
		return types.StringValue(k.Description)
	}},
	{name: "expiration", wire: "expiry", changesInPlace: true, fromKey: func(k *client.Key, prior attr.Value) attr.Value {
		return keepInstantText(prior.(timestamp), k.Expiry)
	}},
	{name: "user_id", wire: "userID", fromKey: func(k *client.Key, _ attr.Value) attr.Value {
		return types.StringValue(k.UserID)
	}},
	{name: "created", fromKey: func(k *client.Key, prior attr.Value) attr.Value {
		return keepInstantText(prior.(timestamp), k.Created)
	}},
	{name: "secret_version", fromKey: func(k *client.Key, _ attr.Value) attr.Value { return secretVersion(k.Created) }},
	// The secret, plain or sealed: Domain Trust shows it once, at creation.
	{name: "key"},
	{name: "sealed_key"},
	// What only the configuration knows.
	{name: "rotation"},
	{name: "rotation_triggers"},
	{name: "seal"},
	{name: "retire_after"},
}

// keyState is the state of key k as every path that learns of a key writes
// it (create, read, update, import, the list resource's results): what
// Domain Trust shows of the key, with prior's text kept for a time that
// names the same instant; everything else from prior. A key imported or
// listed has prior unreadPrior().
func keyState(k *client.Key, prior apiKeyModel) apiKeyModel {
	s := prior
	if s.ID.IsNull() || s.ID.IsUnknown() {
		s.ID = types.StringValue(k.ID)
	}
	for _, a := range apiKeyAttributes {
		if a.fromKey != nil {
			s.set(a.name, a.fromKey(k, prior.get(a.name)))
		}
	}
	return s
}

// driftOf lists what changed outside Terraform between state and the key as
// Domain Trust holds it, or "" when nothing did. Attributes state does not
// know yet (a key just imported) are no drift.
func driftOf(state apiKeyModel, key *client.Key) string {
	var changes []string
	for _, a := range apiKeyAttributes {
		before := state.get(a.name)
		if !a.changesInPlace || before.IsNull() || before.IsUnknown() {
			continue
		}
		if after := a.fromKey(key, before); !after.Equal(before) {
			changes = append(changes, fmt.Sprintf("%s %s → %s", a.name, shown(before), shown(after)))
		}
	}
	return strings.Join(changes, "; ")
}

// shown is a value as a drift warning quotes it: text quoted, a time in UTC.
func shown(v attr.Value) string {
	switch v := v.(type) {
	case timestamp:
		if t, ok := v.instant(); ok {
			return t.UTC().Format(time.RFC3339)
		}
		return v.ValueString()
	case types.String:
		return fmt.Sprintf("%q", v.ValueString())
	}
	return v.String()
}

// fieldPaths maps the API's problem locations to the attributes users write.
var fieldPaths = func() map[string]path.Path {
	paths := map[string]path.Path{}
	for _, a := range apiKeyAttributes {
		if a.wire != "" {
			paths["body.key."+a.wire] = path.Root(a.name)
		}
	}
	return paths
}()

// Reading and writing a whole key at once. Read, ModifyPlan and apply run
// for every key on every plan, and the framework's Get and Set reflect on
// the model through its schema walk: about 600 allocations to read a key
// and 900 to write one (BenchmarkKeyModel), against about 60 here. So the
// resource moves its model to and from Terraform's values itself, by the
// model's tfsdk tags and the schema's types; TestKeyModelCodec checks it
// gives what Get and Set give.

// modelField is one field of apiKeyModel: its index and the type of its
// attribute.
type modelField struct {
	index int
	typ   attr.Type
}

// keyModelFields are apiKeyModel's fields by attribute name, indexed at the
// first use (the schema's plan modifiers read models, so the index cannot
// be built while the package initializes).
func keyModelFields() map[string]modelField {
	keyModelIndex.once.Do(func() { keyModelIndex.fields = indexKeyModel() })
	return keyModelIndex.fields
}

var keyModelIndex struct {
	once   sync.Once
	fields map[string]modelField
}

func indexKeyModel() map[string]modelField {
	var sr resource.SchemaResponse
	(&apiKeyResource{}).Schema(context.Background(), resource.SchemaRequest{}, &sr)
	fields := map[string]modelField{}
	t := reflect.TypeFor[apiKeyModel]()
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("tfsdk")
		if a, ok := sr.Schema.Attributes[name]; ok {
			fields[name] = modelField{index: i, typ: a.GetType()}
		}
	}
	return fields
}

// get is the value of the attribute name.
func (m *apiKeyModel) get(name string) attr.Value {
	return reflect.ValueOf(m).Elem().Field(keyModelFields()[name].index).Interface().(attr.Value)
}

// set sets the attribute name to v, a value of its type.
func (m *apiKeyModel) set(name string, v attr.Value) {
	reflect.ValueOf(m).Elem().Field(keyModelFields()[name].index).Set(reflect.ValueOf(v))
}

// keyModelOf reads a configuration's, plan's or state's value, raw, whole.
func keyModelOf(ctx context.Context, raw tftypes.Value) (apiKeyModel, diag.Diagnostics) {
	var m apiKeyModel
	var diags diag.Diagnostics
	vals := map[string]tftypes.Value{}
	if err := raw.As(&vals); err != nil {
		diags.AddError("Unexpected value", fmt.Sprintf("reading the key's attributes: %v; please report this bug", err))
		return m, diags
	}
	for name, f := range keyModelFields() {
		v, err := f.typ.ValueFromTerraform(ctx, vals[name])
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unexpected value", fmt.Sprintf("%v; please report this bug", err))
			continue
		}
		m.set(name, v)
	}
	return m, diags
}

// terraformValue is m as a value of typ, the schema's object type.
func (m apiKeyModel) terraformValue(ctx context.Context, typ tftypes.Type) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	vals := make(map[string]tftypes.Value, len(keyModelFields()))
	for name := range keyModelFields() {
		v, err := m.get(name).ToTerraformValue(ctx)
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unexpected value", fmt.Sprintf("%v; please report this bug", err))
		}
		vals[name] = v
	}
	if err := tftypes.ValidateValue(typ, vals); err != nil {
		diags.AddError("Unexpected value", fmt.Sprintf("writing the key's attributes: %v; please report this bug", err))
	}
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(typ, vals), diags
}

// writeKeyModel replaces *raw, a plan's or state's value, with m.
func writeKeyModel(ctx context.Context, raw *tftypes.Value, m apiKeyModel, diags *diag.Diagnostics) {
	v, d := m.terraformValue(ctx, raw.Type())
	diags.Append(d...)
	if !d.HasError() {
		*raw = v
	}
}
