package validators

import (
	"context"
	"fmt"
	"regexp"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// uuidPattern is the one rule for a Domain Trust id (of a key or a user):
// a UUID in the canonical form the API assigns, 8-4-4-4-12 hexadecimal
// digits with hyphens, in either case. Other spellings of a UUID ({...},
// urn:uuid:..., no hyphens) are refused rather than rewritten: the API
// knows ids only in the canonical form, and refusing them early beats a 404
// that only says "not found".
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

const uuidExample = "0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70"

// CheckUUID returns why id is not what (e.g. "a Domain Trust user id"),
// worded to follow the attribute or id it is about, or "" when it is. An id
// that is a UUID in another spelling gets its canonical form as the fix.
func CheckUUID(id, what string) string {
	if uuidPattern.MatchString(id) {
		return ""
	}
	problem := fmt.Sprintf("must be %s, a UUID such as %s", what, uuidExample)
	if u, err := uuid.Parse(id); err == nil {
		problem += fmt.Sprintf(" (without braces, prefix or missing hyphens: write %s)", u.String())
	}
	return problem
}

// UUID accepts what CheckUUID accepts; what names the id in the message,
// e.g. "a Domain Trust user id".
func UUID(what string) validator.String { return uuidValidator{what: what} }

type uuidValidator struct {
	what string
}

func (v uuidValidator) Description(context.Context) string {
	return fmt.Sprintf("must be %s, a UUID such as %s", v.what, uuidExample)
}

func (v uuidValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v uuidValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := CheckUUID(req.ConfigValue.ValueString(), v.what); problem != "" {
		// The value is not repeated: what is not an id may be a secret
		// pasted in the wrong place (a key's value instead of its id).
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s %s; the value given is not one (not repeated here, in case it is a secret).",
				req.Path, problem))
	}
}
