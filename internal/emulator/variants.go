package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Variant is another plausible reading of the Domain Trust API than the one
// the emulator implements by default: CONTRACT.md ("Open questions") says
// which parts of the contract are assumptions, and each variant is the other
// reading of one of them. Tests and people run the provider against each, so
// that it is right whichever reading turns out to be true, and the contract
// check (internal/cmd/contractcheck) names the variants the real API matches.
type Variant string

// The variants, by the names the -variant flag and the contract check use.
const (
	// VariantExpiredHidden: a key past its expiry answers 404 to GET, PATCH
	// and DELETE /keys/{id}, and listings leave it out.
	VariantExpiredHidden Variant = "expired-hidden"
	// VariantNoKeyPaging: GET /keys ignores pageToken and never answers
	// nextPageToken; limit (up to 10000) still holds.
	VariantNoKeyPaging Variant = "no-key-paging"
	// VariantAdminWrites: only admins may create, update and delete keys
	// through /keys; a member or trial user gets 403.
	VariantAdminWrites Variant = "admin-writes"
	// VariantNoPatch: PATCH /keys/{id} does not exist (405).
	VariantNoPatch Variant = "no-patch"
	// VariantUUIDSecrets: key secrets are UUIDs, shaped like key ids.
	VariantUUIDSecrets Variant = "uuid-secrets"
)

// AllVariants lists every variant, in the order CONTRACT.md describes them.
func AllVariants() []Variant {
	return []Variant{VariantExpiredHidden, VariantNoKeyPaging, VariantAdminWrites, VariantNoPatch, VariantUUIDSecrets}
}

// ParseVariants reads a comma-separated list of variant names, as the
// -variant flag takes it ("" is none). An unknown name is an error that
// lists the valid ones.
func ParseVariants(list string) ([]Variant, error) {
	var out []Variant
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		v := Variant(name)
		if !slices.Contains(AllVariants(), v) {
			return nil, fmt.Errorf("unknown variant %q: valid variants are %s", name, joinVariants(AllVariants()))
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// ParseRole reads a role name, as the -role flag takes it. An unknown name is
// an error that lists the valid ones.
func ParseRole(name string) (Role, error) {
	r := Role(strings.TrimSpace(name))
	if !r.valid() {
		return "", fmt.Errorf("unknown role %q: valid roles are %s, %s and %s", name, RoleAdmin, RoleMember, RoleTrial)
	}
	return r, nil
}

func joinVariants(vs []Variant) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// variantSet is the variants an emulator runs with; fixed at New, so read
// without a lock.
type variantSet struct {
	expiredHidden, noKeyPaging, adminWrites, noPatch, uuidSecrets bool
}

func newVariantSet(vs []Variant) (variantSet, error) {
	var s variantSet
	for _, v := range vs {
		switch v {
		case VariantExpiredHidden:
			s.expiredHidden = true
		case VariantNoKeyPaging:
			s.noKeyPaging = true
		case VariantAdminWrites:
			s.adminWrites = true
		case VariantNoPatch:
			s.noPatch = true
		case VariantUUIDSecrets:
			s.uuidSecrets = true
		default:
			return s, fmt.Errorf("emulator: unknown variant %q: valid variants are %s", v, joinVariants(AllVariants()))
		}
	}
	return s, nil
}

func (s variantSet) list() []Variant {
	var out []Variant
	for v, on := range map[Variant]bool{
		VariantExpiredHidden: s.expiredHidden, VariantNoKeyPaging: s.noKeyPaging, VariantAdminWrites: s.adminWrites,
		VariantNoPatch: s.noPatch, VariantUUIDSecrets: s.uuidSecrets,
	} {
		if on {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b Variant) int {
		return slices.Index(AllVariants(), a) - slices.Index(AllVariants(), b)
	})
	return out
}

// Variants returns the variants the emulator runs with, in AllVariants order.
func (e *Emulator) Variants() []Variant { return e.variants.list() }

// refusedRoute is what a variant answers instead of a route the API would
// not have under it, before authentication, as a router does: no-patch
// answers PATCH /keys/{id} with 405.
func (e *Emulator) refusedRoute(rt *route) (response, bool) {
	if e.variants.noPatch && rt.name == RouteUpdateKey {
		return problemResponse(http.StatusMethodNotAllowed, http.MethodPatch+" is not allowed here").
			with("Allow", http.MethodGet+", "+http.MethodDelete), true
	}
	return response{}, false
}

// refuseKeyWrite is admin-writes' rule for creating, updating and deleting
// keys: only an admin may.
func (e *Emulator) refuseKeyWrite(c caller) (response, bool) {
	if e.variants.adminWrites && c.role != RoleAdmin {
		return problemResponse(http.StatusForbidden, "only an organization admin may create, update or delete API keys"), true
	}
	return response{}, false
}

// hidesExpired reports whether k is hidden from the API as expired-hidden
// hides a key past its expiry. Callers hold e.mu.
func (e *Emulator) hidesExpired(k *apiKey) bool {
	return e.variants.expiredHidden && !e.Now().Before(k.expiry)
}

// newSecret mints a key's secret: dtk_ and 43 base64url characters, or a
// UUID under uuid-secrets.
func (e *Emulator) newSecret() string {
	if e.variants.uuidSecrets {
		return uuid.NewString()
	}
	return newSecret()
}
