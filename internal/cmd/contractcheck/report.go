package main

import (
	"fmt"
	"io"
	"strings"
)

// The emulator's variants by the names -variant takes (CONTRACT.md). They
// are written out here, not imported: the check reads the API as a user's
// account sees it and shares no code with the emulator.
const (
	variantExpiredHidden = "expired-hidden"
	variantNoKeyPaging   = "no-key-paging"
	variantAdminWrites   = "admin-writes"
	variantNoPatch       = "no-patch"
	variantUUIDSecrets   = "uuid-secrets"
)

// verdict is how an answer of the API compares with the emulator.
type verdict int

const (
	notSettled   verdict = iota // the check could not tell
	defaultMatch                // the emulator's default reading
	variantMatch                // the variant named in finding.variant
	noMatch                     // neither: CONTRACT.md must change
	informative                 // no variant covers the question
)

// finding is what the check learned about one open question.
type finding struct {
	question string // CONTRACT.md's name for it
	observed string // what the API did, in words
	verdict  verdict
	variant  string // for variantMatch
}

func (f finding) conclusion() string {
	switch f.verdict {
	case defaultMatch:
		return "matches the emulator's default reading (no variant)"
	case variantMatch:
		return "matches emulator variant: " + f.variant
	case noMatch:
		return "matches no emulator reading: please report it, CONTRACT.md must change"
	case informative:
		return "noted (no emulator variant covers this)"
	}
	return "not settled"
}

// report prints every finding and the summary: the -variant list that
// makes the emulator answer as this API did.
func report(w io.Writer, findings []finding) {
	var variants, unsettled []string
	for _, f := range findings {
		fmt.Fprintf(w, "\n%s\n  API: %s\n  => %s\n", f.question, f.observed, f.conclusion())
		switch f.verdict {
		case variantMatch:
			variants = append(variants, f.variant)
		case notSettled:
			unsettled = append(unsettled, f.question)
		}
	}
	fmt.Fprintln(w)
	if len(variants) == 0 {
		fmt.Fprintln(w, "Emulator variants this API matches: none (the emulator's default reading)")
	} else {
		fmt.Fprintln(w, "Emulator variants this API matches:", strings.Join(variants, ","))
		fmt.Fprintln(w, "Run the emulator as this API answers: go run ./internal/cmd/domaintrust-emulator -variant",
			strings.Join(variants, ","))
	}
	if len(unsettled) > 0 {
		fmt.Fprintln(w, "Not settled:", strings.Join(unsettled, "; "))
	}
	fmt.Fprintln(w, "\nPlease report this result (all of the output above; it holds no secret) in an issue of "+
		"terraform-provider-domaintrust, so that CONTRACT.md and the emulator can follow the real API.")
}
