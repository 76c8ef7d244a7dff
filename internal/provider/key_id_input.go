package provider

import (
	"context"
	"crypto/sha256"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// Key ids that users type (an import id or identity, the domaintrust_api_key
// data source's id, the revoke action's id) are not known to be ids until
// Domain Trust has answered a key by them. CONTRACT.md leaves open what a
// secret looks like, and under the other reading (the emulator's
// uuid-secrets variant) a secret is a UUID, shaped like an id: a secret
// pasted where an id belongs passes every check of form. So, until Domain
// Trust has confirmed it:
//   - an id is refused, without being repeated, when it is a secret the
//     provider knows: its own API key, or a key it created in this process;
//   - no diagnostic repeats it, and it is masked in every log line of the
//     calls made with it (client.MaskInLogs), the request path included;
//   - no diagnostic about it is attached to its attribute: Terraform would
//     print the attribute's line, or the value of the expression that set
//     it, under the message. Attached to the block, only the block's first
//     line shows, and the message names the attribute.
// Once Domain Trust answers a key by it, the id is that key's id, and
// messages name it as usual.

// knownSecrets holds the SHA-256 of every secret this provider process
// knows: its API key, and the secret of each key it created. Only hashes
// are kept, so holding them adds no copy of a secret.
type knownSecrets struct {
	mu     sync.Mutex
	hashes map[[sha256.Size]byte]bool
}

func newKnownSecrets() *knownSecrets {
	return &knownSecrets{hashes: map[[sha256.Size]byte]bool{}}
}

// add remembers secret; "" is no secret.
func (k *knownSecrets) add(secret string) {
	if k == nil || secret == "" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.hashes[sha256.Sum256([]byte(secret))] = true
}

// holds reports whether s is a secret the provider knows.
func (k *knownSecrets) holds(s string) bool {
	if k == nil || s == "" {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.hashes[sha256.Sum256([]byte(s))]
}

// unconfirmedID is an id a user typed, not yet confirmed by Domain Trust.
type unconfirmedID struct {
	value string
	// what names where it came from, for messages: "import id", "id".
	what string
	// fix says what to give instead; "" is a key's id.
	fix string
}

// keyIDFix is what to give instead of a secret where a key id belongs.
const keyIDFix = "Give the key's id instead: the `id` attribute of domaintrust_api_key, as shown in the Domain Trust " +
	"dashboard, by the domaintrust_api_keys data source or by terraform query."

// userIDFix is what to give instead of a secret where a user id belongs.
const userIDFix = "Give the user's id instead: the `id` of the domaintrust_current_user data source, or a key's `user_id`."

// userIDInput is a user_id a user typed.
func userIDInput(id string) unconfirmedID {
	return unconfirmedID{value: id, what: "user_id", fix: userIDFix}
}

// refusedAsSecret returns the error for an id that is a secret the
// provider knows, or nil. The message never repeats the value.
func (d *providerData) refusedAsSecret(id unconfirmedID) diag.Diagnostics {
	if d == nil || !d.secrets.holds(strings.TrimSpace(id.value)) {
		return nil
	}
	var diags diag.Diagnostics
	fix := id.fix
	if fix == "" {
		fix = keyIDFix
	}
	summary := "Secret given as " + id.what
	detail := "The " + id.what + " given is the secret value of a Domain Trust API key (the provider's own API key, " +
		"or a key this provider created), not an id; it is not repeated here, and nothing was sent to Domain " +
		"Trust with it. " + fix + " A secret shown in logs or configuration by mistake should be treated as " +
		"leaked: revoke the key and create a new one."
	diags.AddError(summary, detail)
	return diags
}

// maskedFor returns ctx with the id masked in every log line, for the calls
// made with an unconfirmed id.
func (id unconfirmedID) maskedFor(ctx context.Context) context.Context {
	return client.MaskInLogs(ctx, id.value)
}

// scrub returns diags with the id replaced wherever an API error quoted it
// (a request path, a problem detail), keeping each diagnostic's attribute.
func (id unconfirmedID) scrub(diags diag.Diagnostics) diag.Diagnostics {
	if id.value == "" {
		return diags
	}
	replace := func(s string) string { return strings.ReplaceAll(s, id.value, "{id}") }
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		var nd diag.Diagnostic
		if d.Severity() == diag.SeverityWarning {
			nd = diag.NewWarningDiagnostic(replace(d.Summary()), replace(d.Detail()))
		} else {
			nd = diag.NewErrorDiagnostic(replace(d.Summary()), replace(d.Detail()))
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			nd = diag.WithPath(withPath.Path(), nd)
		}
		out = append(out, nd)
	}
	return out
}
