package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/protocoltest"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestEveryAttributeHasADescription keeps the generated docs complete: an
// attribute without a description renders as a bare name. It reads the
// schemas as Terraform and tfplugindocs do, from GetProviderSchema, where
// the framework sends a markdown description with its kind.
func TestEveryAttributeHasADescription(t *testing.T) {
	t.Parallel()
	srv := providerserver.NewProtocol6(New("test")())()
	schemas, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	protocoltest.RequireNoErrors(t, "GetProviderSchema", schemas.Diagnostics)

	checkDescribed(t, "provider", schemas.Provider)
	for _, kind := range []struct {
		prefix  string
		schemas map[string]*tfprotov6.Schema
	}{
		{"", schemas.ResourceSchemas},
		{"data.", schemas.DataSourceSchemas},
		{"ephemeral.", schemas.EphemeralResourceSchemas},
		{"list.", schemas.ListResourceSchemas},
	} {
		for name, s := range kind.schemas {
			checkDescribed(t, kind.prefix+name, s)
		}
	}
	for name, s := range schemas.ActionSchemas {
		checkDescribed(t, "action."+name, s.Schema)
	}
}

// checkDescribed fails for the schema and each of its attributes, nested
// ones included, that has no markdown description.
func checkDescribed(t *testing.T, owner string, s *tfprotov6.Schema) {
	t.Helper()
	if !markdownDescribed(s.Block.Description, s.Block.DescriptionKind) {
		t.Errorf("%s has no description", owner)
	}
	checkAttributesDescribed(t, owner, s.Block.Attributes)
}

func checkAttributesDescribed(t *testing.T, owner string, attrs []*tfprotov6.SchemaAttribute) {
	t.Helper()
	for _, a := range attrs {
		if !markdownDescribed(a.Description, a.DescriptionKind) {
			t.Errorf("%s.%s has no description", owner, a.Name)
		}
		if a.NestedType != nil {
			checkAttributesDescribed(t, owner+"."+a.Name, a.NestedType.Attributes)
		}
	}
}

// markdownDescribed: the framework sends MarkdownDescription, when there
// is one, as a description of the markdown kind.
func markdownDescribed(description string, kind tfprotov6.StringKind) bool {
	return description != "" && kind == tfprotov6.StringKindMarkdown
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
		fmt.Sprintf("A single `GET /keys` answers up to %s keys", thousands(keys.DefaultListPageSize)),
		fmt.Sprintf("The first %d reads of one user's keys", keys.DefaultListThreshold-1),
		fmt.Sprintf("The %s read lists that user's keys", ordinal(keys.DefaultListThreshold)),
		fmt.Sprintf("in pages of %s and holding at most %s keys", thousands(keys.DefaultListPageSize), thousands(keys.DefaultListMaxHeld)),
		// 500 or 1,000 keys fit one page: the GETs before the listing, the
		// listing, and the credentials check.
		fmt.Sprintf("A refresh of 500 or 1,000 keys thus costs about %d requests", keys.DefaultListThreshold-1+1+1),
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
