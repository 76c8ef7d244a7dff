package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/provider"
)

// The framework floor is a fair floor only while its resource has the shape
// of domaintrust_api_key: the same attributes, types and flags. This fails
// when the provider's resource changes and the floor does not follow.
func TestFloorSchemaMatchesAPIKeyResource(t *testing.T) {
	want := resourceShape(t, ctxrelease.NewProtocol6(provider.New("test")())(), "domaintrust_api_key")
	got := resourceShape(t, ctxrelease.NewProtocol6(&floorProvider{})(), floorType+"_api_key")
	if got != want {
		t.Fatalf("the framework floor's resource differs from domaintrust_api_key:\nfloor:\n%s\nprovider:\n%s", got, want)
	}
}

func resourceShape(t *testing.T, srv tfprotov6.ProviderServer, typeName string) string {
	t.Helper()
	resp, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("%s: %s", d.Summary, d.Detail)
	}
	s, ok := resp.ResourceSchemas[typeName]
	if !ok {
		t.Fatalf("no resource %s in %v", typeName, slices.Collect(maps.Keys(resp.ResourceSchemas)))
	}
	if len(s.Block.BlockTypes) > 0 {
		t.Fatalf("%s has blocks; the comparison covers attributes only", typeName)
	}
	return attributesShape(s.Block.Attributes, "")
}

func attributesShape(attrs []*tfprotov6.SchemaAttribute, indent string) string {
	lines := make([]string, 0, len(attrs))
	for _, a := range attrs {
		line := fmt.Sprintf("%s%s required=%t optional=%t computed=%t sensitive=%t", indent, a.Name, a.Required, a.Optional, a.Computed, a.Sensitive)
		if a.NestedType != nil {
			line += fmt.Sprintf(" nesting=%v\n%s", a.NestedType.Nesting, attributesShape(a.NestedType.Attributes, indent+"  "))
		} else {
			line += " type=" + a.Type.String()
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
