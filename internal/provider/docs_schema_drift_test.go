package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
)

// make docs renders the list resource and action pages only with Terraform
// 1.14+, and keeps the committed pages otherwise (GNUmakefile). So that they
// cannot fall behind the code, TestDocsMatchServedSchemas compares each
// page's argument list with the schema the provider serves: names, whether
// required, optional or read-only, types and descriptions.

var schemaItem = regexp.MustCompile("^- `([^`]+)` \\(([A-Za-z]+)(?:, [A-Za-z ]+)?\\) (.*)$")

// documentedArguments reads the "## Schema" section of a page: each
// argument as "section type description", keyed by name.
func documentedArguments(t *testing.T, page string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(page)))
	if err != nil {
		t.Fatal(err)
	}
	_, schema, ok := strings.Cut(string(raw), "\n## Schema\n")
	if !ok {
		t.Fatalf("%s has no ## Schema section", page)
	}
	out := map[string]string{}
	section := ""
	for _, line := range strings.Split(schema, "\n") {
		if s, ok := strings.CutPrefix(line, "### "); ok {
			section = s
			continue
		}
		if m := schemaItem.FindStringSubmatch(line); m != nil {
			out[m[1]] = section + " " + m[2] + " " + m[3]
		}
	}
	return out
}

// servedArguments is the same for a schema the provider serves.
func servedArguments(t *testing.T, s *tfprotov6.Schema) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range s.Block.Attributes {
		section := "Optional"
		switch {
		case a.Required:
			section = "Required"
		case a.Computed && !a.Optional:
			section = "Read-Only"
		}
		typ := ""
		switch {
		case a.Type.Is(tftypes.String):
			typ = "String"
		case a.Type.Is(tftypes.Bool):
			typ = "Boolean"
		default:
			t.Fatalf("%s: type %s: extend this test", a.Name, a.Type)
		}
		out[a.Name] = section + " " + typ + " " + a.Description
	}
	return out
}

func TestDocsMatchServedSchemas(t *testing.T) {
	t.Parallel()
	srv, err := ctxrelease.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	listSchema := resp.ListResourceSchemas["domaintrust_api_key"]
	action := resp.ActionSchemas["domaintrust_revoke_api_key"]
	if listSchema == nil || action == nil {
		t.Fatal("the provider serves no list resource domaintrust_api_key or action domaintrust_revoke_api_key")
	}
	for page, s := range map[string]*tfprotov6.Schema{
		"docs/list-resources/api_key.md": listSchema,
		"docs/actions/revoke_api_key.md": action.Schema,
	} {
		documented, served := documentedArguments(t, page), servedArguments(t, s)
		for name, want := range served {
			if got, ok := documented[name]; !ok {
				t.Errorf("%s does not document %s (%s): run make docs with Terraform 1.14+", page, name, want)
			} else if got != want {
				t.Errorf("%s documents %s as\n  %s\nthe provider serves\n  %s\nrun make docs with Terraform 1.14+", page, name, got, want)
			}
		}
		for name := range documented {
			if _, ok := served[name]; !ok {
				t.Errorf("%s documents %s, which the provider does not serve", page, name)
			}
		}
	}
}
