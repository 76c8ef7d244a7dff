package validators

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// uuidPattern is the canonical form the API assigns to key and user ids;
// rejecting anything else at validate time beats a 404 that only says "not
// found".
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// UUID accepts a UUID; what names the id in the message, e.g. "a Domain
// Trust user id".
func UUID(what string) validator.String {
	return stringvalidator.RegexMatches(uuidPattern, "must be "+what+", a UUID such as 0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70")
}
