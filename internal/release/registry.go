package release

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Registry serves one release of one provider over the Provider Registry
// Protocol (https://developer.hashicorp.com/terraform/internals/provider-registry-protocol),
// as the Terraform Registry and the OpenTofu registry serve a published
// release: service discovery, the list of versions, each platform's
// download answer with the checksums' and signature's addresses and the
// signing key, and the release's files under /files/. The release test
// installs from it with every CLI; it serves TLS only through an
// httptest.Server, and never outside tests.
type Registry struct {
	Namespace string
	Type      string
	// Files are the release's published files (Published makes them from
	// GoReleaser's dist): the zips and SHA256SUMS with its signature.
	Files Files
	// SigningKey is the key the download answers name.
	SigningKey Key
	// Alter, when set, changes the bytes served for a file by name (a
	// tampered zip, a checksum file changed after signing); the download
	// answers still give the checksums of the unchanged files.
	Alter map[string]func([]byte) []byte
}

// Files are a release's published files, with its version.
type Files struct {
	Version string
	// Paths are where the files lie, by the names they are published as.
	Paths map[string]string
}

// Path is where the file published as name lies, or "" for none.
func (f Files) Path(name string) string { return f.Paths[name] }

// Handler serves the registry: service discovery at /.well-known/terraform.json,
// the protocol at /v1/providers/, the files at /files/.
func (r *Registry) Handler() (http.Handler, error) {
	sumsPath, manifestPath := r.Files.Path(r.prefix()+"SHA256SUMS"), r.Files.Path(r.prefix()+"manifest.json")
	if sumsPath == "" || manifestPath == "" {
		return nil, fmt.Errorf("the release has no %sSHA256SUMS or no %smanifest.json", r.prefix(), r.prefix())
	}
	sums, err := readSums(sumsPath)
	if err != nil {
		return nil, err
	}
	manifest, err := readManifest(manifestPath)
	if err != nil {
		return nil, err
	}
	platforms := r.platforms()
	if len(platforms) == 0 {
		return nil, fmt.Errorf("the release has no zip named %s<os>_<arch>.zip", r.prefix())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/terraform.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]string{"providers.v1": "/v1/providers/"})
	})
	provider := "/v1/providers/" + r.Namespace + "/" + r.Type
	mux.HandleFunc("GET "+provider+"/versions", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, r.versions(manifest.Metadata.ProtocolVersions, platforms))
	})
	mux.HandleFunc("GET "+provider+"/"+r.Files.Version+"/download/{os}/{arch}", func(w http.ResponseWriter, req *http.Request) {
		name := r.prefix() + req.PathValue("os") + "_" + req.PathValue("arch") + ".zip"
		if _, ok := sums[name]; !ok {
			http.NotFound(w, req)
			return
		}
		writeJSON(w, r.download(req, manifest.Metadata.ProtocolVersions, name, sums[name]))
	})
	mux.HandleFunc("GET /files/{name}", r.serveFile)
	return mux, nil
}

// prefix is what every file name of the release starts with.
func (r *Registry) prefix() string {
	return "terraform-provider-" + r.Type + "_" + r.Files.Version + "_"
}

// platforms are the os_arch pairs of the release's zips.
func (r *Registry) platforms() []map[string]string {
	var platforms []map[string]string
	for _, name := range sortedKeys(r.Files.Paths) {
		rest, ok := strings.CutPrefix(name, r.prefix())
		if !ok || !strings.HasSuffix(rest, ".zip") {
			continue
		}
		goos, arch, ok := strings.Cut(strings.TrimSuffix(rest, ".zip"), "_")
		if ok {
			platforms = append(platforms, map[string]string{"os": goos, "arch": arch})
		}
	}
	return platforms
}

// versions answers the versions list; like the Terraform Registry, it takes
// the protocols from the release's manifest.
func (r *Registry) versions(protocols []string, platforms []map[string]string) any {
	return map[string]any{"versions": []any{map[string]any{
		"version":   r.Files.Version,
		"protocols": protocols,
		"platforms": platforms,
	}}}
}

func (r *Registry) download(req *http.Request, protocols []string, name, shasum string) any {
	files := "https://" + req.Host + "/files/"
	goos, arch := req.PathValue("os"), req.PathValue("arch")
	return map[string]any{
		"protocols":             protocols,
		"os":                    goos,
		"arch":                  arch,
		"filename":              name,
		"download_url":          files + name,
		"shasums_url":           files + r.prefix() + "SHA256SUMS",
		"shasums_signature_url": files + r.prefix() + "SHA256SUMS.sig",
		"shasum":                shasum,
		"signing_keys": map[string]any{"gpg_public_keys": []any{map[string]any{
			"key_id":          r.SigningKey.KeyID,
			"ascii_armor":     r.SigningKey.PublicArmor,
			"trust_signature": "",
			"source":          "Domain Trust release test",
			"source_url":      nil,
		}}},
	}
}

func (r *Registry) serveFile(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	path := r.Files.Path(name)
	if path == "" {
		http.NotFound(w, req)
		return
	}
	body, err := os.ReadFile(path) //nolint:gosec // only the release's own files: path comes from Files, by name
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if alter := r.Alter[name]; alter != nil {
		body = alter(body)
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// readSums reads a SHA256SUMS file: hex checksum by file name.
func readSums(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the release's SHA256SUMS
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	for i, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 || name == "" {
			return nil, fmt.Errorf("%s line %d is not \"<sha256>  <name>\": %q", filepath.Base(path), i+1, line)
		}
		if _, dup := sums[name]; dup {
			return nil, fmt.Errorf("%s lists %s twice", filepath.Base(path), name)
		}
		sums[name] = sum
	}
	return sums, nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
