package provider

import (
	"context"
	"fmt"
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
	"github.com/domaintrust/terraform-provider-domaintrust/internal/tfmodel"
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
func unreadPrior(ctx context.Context) apiKeyModel { return keyModel().Null(ctx) }

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
// listed has prior unreadPrior(ctx).
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

// The resource reads and writes its model whole (internal/tfmodel): Read,
// ModifyPlan and apply run for every key on every plan, and the framework's
// Get and Set cost about ten times more.

// keyModel is apiKeyModel's codec, made at its first use (the schema's plan
// modifiers read models, so it cannot be made while the package
// initializes).
func keyModel() *tfmodel.Codec[apiKeyModel] {
	keyCodec.once.Do(func() {
		var sr resource.SchemaResponse
		(&apiKeyResource{}).Schema(context.Background(), resource.SchemaRequest{}, &sr)
		types := map[string]attr.Type{}
		for name, a := range sr.Schema.Attributes {
			types[name] = a.GetType()
		}
		var err error
		if keyCodec.codec, err = tfmodel.New[apiKeyModel](types); err != nil {
			panic(err) // TestAPIKeyAttributes says which
		}
	})
	return keyCodec.codec
}

var keyCodec struct {
	once  sync.Once
	codec *tfmodel.Codec[apiKeyModel]
}

func (m *apiKeyModel) get(name string) attr.Value    { return keyModel().Get(m, name) }
func (m *apiKeyModel) set(name string, v attr.Value) { keyModel().Set(m, name, v) }

// keyModelOf reads a configuration's, plan's or state's value, raw, whole.
func keyModelOf(ctx context.Context, raw tftypes.Value) (apiKeyModel, diag.Diagnostics) {
	return keyModel().Read(ctx, raw)
}

// writeKeyModel replaces *raw, a plan's or state's value, with m.
func writeKeyModel(ctx context.Context, raw *tftypes.Value, m apiKeyModel, diags *diag.Diagnostics) {
	keyModel().Write(ctx, raw, m, diags)
}
