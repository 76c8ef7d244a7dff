// Package release builds, checks and serves a release of the provider the
// way the Terraform Registry and the OpenTofu registry publish it, for
// `make release-check`: Check tells whether GoReleaser's output is what the
// registries accept and the CLIs install, Published finds that output in
// GoReleaser's dist directory, Registry serves it over the Provider Registry
// Protocol, and Keyring signs and verifies with GnuPG keys of its own.
//
// TestReleaseInstalls puts them together: it builds a signed release with
// the pinned GoReleaser (tools/goreleaser), serves it on loopback HTTPS and
// installs it with Terraform and OpenTofu. Nothing here is part of the
// provider's binary.
package release
