package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// State version 1: version 0's attributes, raised only so that builds of
// version 0 refuse it (api_key_state_v0.go). Frozen: never change it.

// apiKeySchemaV1 is the schema state of version 1 is read with: version 0's.
func apiKeySchemaV1() schema.Schema {
	s := apiKeySchemaV0()
	s.Version = 1
	return s
}

// apiKeyModelV1 is state of version 1, which has version 0's attributes.
type apiKeyModelV1 = apiKeyModelV0

// apiKeyStateV2FromV1 is the step from version 1 to 2, which adds
// secret_version: the key's creation time in Unix seconds, so that a key in
// state plans no change; null for a key whose created is not known yet,
// which its next read fills.
func apiKeyStateV2FromV1(v1 apiKeyModelV1) apiKeyModel {
	m := apiKeyStateV1FromV0(v1)
	m.SecretVersion = types.Int64Null()
	if v := secretVersionOf(m.Created); !v.IsUnknown() {
		m.SecretVersion = v
	}
	return m
}
