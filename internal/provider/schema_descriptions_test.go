package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// describable is what every schema attribute offers; nested attributes are
// reached through their own schema walk below.
type describable interface {
	GetMarkdownDescription() string
}

// TestEveryAttributeHasADescription keeps the generated docs complete: an
// attribute without a description renders as a bare name.
func TestEveryAttributeHasADescription(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := New("test")().(*domainTrustProvider)

	var ps provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &ps)
	checkDescribed(t, "provider", ps.Schema.GetMarkdownDescription(), ps.Schema.GetAttributes())

	for _, f := range p.Resources(ctx) {
		r := f()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "domaintrust"}, &meta)
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		checkDescribed(t, meta.TypeName, s.Schema.GetMarkdownDescription(), s.Schema.GetAttributes())
	}
	for _, f := range p.DataSources(ctx) {
		d := f()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "domaintrust"}, &meta)
		var s datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &s)
		checkDescribed(t, "data."+meta.TypeName, s.Schema.GetMarkdownDescription(), s.Schema.GetAttributes())
	}
	for _, f := range p.EphemeralResources(ctx) {
		e := f()
		var meta ephemeral.MetadataResponse
		e.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "domaintrust"}, &meta)
		var s ephemeral.SchemaResponse
		e.Schema(ctx, ephemeral.SchemaRequest{}, &s)
		checkDescribed(t, "ephemeral."+meta.TypeName, s.Schema.GetMarkdownDescription(), s.Schema.GetAttributes())
	}
	for _, f := range p.ListResources(ctx) {
		l := f()
		var meta resource.MetadataResponse
		l.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "domaintrust"}, &meta)
		var s list.ListResourceSchemaResponse
		l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &s)
		checkDescribed(t, "list."+meta.TypeName, s.Schema.GetMarkdownDescription(), s.Schema.GetAttributes())
	}
	for _, f := range p.Actions(ctx) {
		a := f()
		var meta action.MetadataResponse
		a.Metadata(ctx, action.MetadataRequest{ProviderTypeName: "domaintrust"}, &meta)
		var s action.SchemaResponse
		a.Schema(ctx, action.SchemaRequest{}, &s)
		checkDescribed(t, "action."+meta.TypeName, s.Schema.GetMarkdownDescription(), s.Schema.GetAttributes())
	}
}

func checkDescribed[A describable](t *testing.T, owner, description string, attrs map[string]A) {
	t.Helper()
	if description == "" {
		t.Errorf("%s has no description", owner)
	}
	for name, a := range attrs {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s.%s has no description", owner, name)
		}
		for child, d := range nestedAttributes(a) {
			if d == "" {
				t.Errorf("%s.%s.%s has no description", owner, name, child)
			}
		}
	}
}

// nestedAttributes returns the descriptions of a nested attribute's children.
// The framework's nested-object types live in an internal package, so they
// are reached by method name.
func nestedAttributes(a any) map[string]string {
	out := map[string]string{}
	m := reflect.ValueOf(a).MethodByName("GetNestedObject")
	if !m.IsValid() {
		return out
	}
	obj := m.Call(nil)[0]
	attrs := obj.MethodByName("GetAttributes").Call(nil)[0]
	iter := attrs.MapRange()
	for iter.Next() {
		d, _ := iter.Value().Interface().(describable)
		if d != nil {
			out[iter.Key().String()] = d.GetMarkdownDescription()
		}
	}
	return out
}

// TestDocumentedRetryBounds keeps the provider page's retry numbers true to
// the client's defaults, where they are defined.
func TestDocumentedRetryBounds(t *testing.T) {
	t.Parallel()
	doc := providerPageTemplate(t)
	defaults := client.DefaultConfig()
	waits := defaults
	waits.RequestTimeout = 0
	hung := defaults.WorstCaseCallTime()
	for _, want := range []string{
		fmt.Sprintf("| `max_retries` | `%d` |", defaults.MaxRetries),
		fmt.Sprintf("| `request_timeout` | `%s` |", defaults.RequestTimeout.String()),
		fmt.Sprintf("unless %d attempts in a row fail", defaults.MaxRetries+1),
		fmt.Sprintf("(%g s of waits)", waits.WorstCaseCallTime().Seconds()),
		fmt.Sprintf("about **%d minutes** (%d × `request_timeout` + %g s)", int(hung.Round(time.Minute).Minutes()),
			defaults.MaxRetries+1, waits.WorstCaseCallTime().Seconds()),
		fmt.Sprintf("then %g s between attempts", defaults.RetryWaitMax.Seconds()),
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("templates/index.md.tmpl lacks %q", want)
		}
	}
}

// TestDocumentedListingPolicy keeps the provider page's account of how a
// refresh reads keys true to the listing policy's defaults (key_reader.go).
func TestDocumentedListingPolicy(t *testing.T) {
	t.Parallel()
	doc := providerPageTemplate(t)
	for _, want := range []string{
		fmt.Sprintf("A single `GET /keys` answers up to %s keys", thousands(defaultListPageSize)),
		fmt.Sprintf("The first %d reads of one user's keys", defaultListThreshold-1),
		fmt.Sprintf("The %s read lists that user's keys", ordinal(defaultListThreshold)),
		fmt.Sprintf("in pages of %s and holding at most %s keys", thousands(defaultListPageSize), thousands(defaultListMaxHeld)),
		// 500 or 1,000 keys fit one page: the GETs before the listing, the
		// listing, and the credentials check.
		fmt.Sprintf("A refresh of 500 or 1,000 keys thus costs about %d requests", defaultListThreshold-1+1+1),
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("templates/index.md.tmpl lacks %q", want)
		}
	}
}

// providerPageTemplate is the provider page's template with its whitespace
// runs made single spaces, so that a line break does not hide a phrase.
func providerPageTemplate(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "templates", "index.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(raw)), " ")
}

// thousands writes n as the documentation does: 20000 as 20,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ordinal writes n as the documentation does: 16 as 16th, 21 as 21st.
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// TestProviderExampleShowsTheDefaults: the provider example says its values
// are the defaults; they must be the client's.
func TestProviderExampleShowsTheDefaults(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "provider", "provider.tf"))
	if err != nil {
		t.Fatal(err)
	}
	example := strings.Join(strings.Fields(string(raw)), " ")
	defaults := client.DefaultConfig()
	for _, want := range []string{
		"these are the defaults.",
		fmt.Sprintf("max_retries = %d", defaults.MaxRetries),
		fmt.Sprintf("request_timeout = %q", defaults.RequestTimeout.String()),
	} {
		if !strings.Contains(example, want) {
			t.Errorf("examples/provider/provider.tf lacks %q", want)
		}
	}
}
