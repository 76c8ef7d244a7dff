package release

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// serveRegistry serves r over HTTPS on a loopback port of its own with a
// throwaway certificate, until the test ends. It returns the host
// (localhost:PORT) and the certificate's PEM.
func serveRegistry(t *testing.T, r *Registry) (string, []byte) {
	t.Helper()
	handler, err := r.Handler()
	if err != nil {
		t.Fatal(err)
	}
	cert, certPEM, err := SelfSignedCertificate(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return strings.Replace(srv.Listener.Addr().String(), "127.0.0.1", "localhost", 1), certPEM
}

// clientTrusting is an HTTP client that trusts only certPEM, as a CLI does
// with SSL_CERT_FILE.
func clientTrusting(t *testing.T, certPEM []byte) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(certPEM) {
		t.Fatal("the certificate's PEM does not parse")
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

func get(t *testing.T, client *http.Client, url string) (int, []byte) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func getJSON(t *testing.T, client *http.Client, url string, v any) {
	t.Helper()
	status, body := get(t, client, url)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
}

// downloadAnswer is the registry's answer for one platform of a version.
type downloadAnswer struct {
	Filename            string `json:"filename"`
	DownloadURL         string `json:"download_url"`
	ShasumsURL          string `json:"shasums_url"`
	ShasumsSignatureURL string `json:"shasums_signature_url"`
	Shasum              string `json:"shasum"`
	SigningKeys         struct {
		GPGPublicKeys []struct {
			KeyID      string `json:"key_id"`
			ASCIIArmor string `json:"ascii_armor"`
		} `json:"gpg_public_keys"`
	} `json:"signing_keys"`
}

// TestRegistry follows the protocol as a CLI does: discovery, versions,
// the download answer, then the files it names, over TLS to localhost.
func TestRegistry(t *testing.T) {
	t.Parallel()
	keyring := testKeyring(t)
	key := generateKey(t, keyring, "Release")
	files := fakeRelease(t, keyring, key, fakeWant, nil)
	zipName := fakeWant.prefix() + "linux_amd64.zip"
	host, certPEM := serveRegistry(t, &Registry{Namespace: "domaintrust", Type: "domaintrust", Files: files, SigningKey: key,
		Alter: map[string]func([]byte) []byte{zipName: func(b []byte) []byte { return append(b, 0) }}})
	client := clientTrusting(t, certPEM)
	base := providerBase(t, client, host)

	var download downloadAnswer
	getJSON(t, client, base+"1.2.3/download/linux/amd64", &download)
	keys := download.SigningKeys.GPGPublicKeys
	if download.Filename != zipName || len(keys) != 1 || keys[0].KeyID != key.KeyID || keys[0].ASCIIArmor != key.PublicArmor {
		t.Fatalf("download: %+v", download)
	}
	for url, name := range map[string]string{download.ShasumsURL: fakeWant.prefix() + "SHA256SUMS", download.ShasumsSignatureURL: fakeWant.prefix() + "SHA256SUMS.sig"} {
		if _, body := get(t, client, url); string(body) != string(readFile(t, files.Path(name))) {
			t.Errorf("GET %s did not serve %s", url, name)
		}
	}
	if _, body := get(t, client, download.DownloadURL); string(body) != string(readFile(t, files.Path(zipName)))+"\x00" {
		t.Error("the zip was not served as Alter changed it")
	}
	sums, err := readSums(files.Path(fakeWant.prefix() + "SHA256SUMS"))
	if err != nil || download.Shasum != sums[zipName] {
		t.Errorf("shasum %s, want the unchanged zip's %s (%v)", download.Shasum, sums[zipName], err)
	}
	for _, path := range []string{"1.2.3/download/linux/arm64", "9.9.9/download/linux/amd64"} {
		if status, _ := get(t, client, base+path); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
	if status, _ := get(t, client, "https://"+host+"/files/..%2fgo.mod"); status != http.StatusNotFound {
		t.Errorf("a file outside the release: %d, want 404", status)
	}
}

// providerBase discovers the registry's providers.v1 service and checks
// the versions it lists; it returns the provider's base URL.
func providerBase(t *testing.T, client *http.Client, host string) string {
	t.Helper()
	var discovery map[string]string
	getJSON(t, client, "https://"+host+"/.well-known/terraform.json", &discovery)
	base := "https://" + host + discovery["providers.v1"] + "domaintrust/domaintrust/"
	var versions struct {
		Versions []struct {
			Version   string
			Protocols []string
			Platforms []struct{ OS, Arch string }
		}
	}
	getJSON(t, client, base+"versions", &versions)
	if len(versions.Versions) != 1 || versions.Versions[0].Version != "1.2.3" || len(versions.Versions[0].Platforms) != 3 ||
		strings.Join(versions.Versions[0].Protocols, ",") != "6.0" {
		t.Fatalf("versions: %+v", versions)
	}
	return base
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
