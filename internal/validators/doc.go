// Package validators holds the provider's attribute and configuration
// validators: each reports a mistake at validate time, as one diagnostic at
// the attribute to fix, with a message that says what to write instead.
package validators
