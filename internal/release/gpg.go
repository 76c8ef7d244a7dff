package release

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Keyring is a GnuPG home of its own. The release test signs with a
// throwaway key made in one and verifies with only the public key imported
// into another, so no user's keyring or agent is ever read or touched.
type Keyring struct {
	home string
}

// Key is a key of a Keyring: what a registry publishes of it.
type Key struct {
	Fingerprint string
	// KeyID is the long key ID (the fingerprint's last 16 hex digits), as
	// the Provider Registry Protocol's signing_keys give it.
	KeyID string
	// PublicArmor is the ASCII-armored public key.
	PublicArmor string
}

// NewKeyring makes a GnuPG home in dir, which must not exist yet. Its path
// must stay short: gpg-agent's socket lives in it.
func NewKeyring(dir string) (*Keyring, error) {
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	return &Keyring{home: dir}, nil
}

// Home is the directory to give GnuPG as GNUPGHOME.
func (k *Keyring) Home() string { return k.home }

// GenerateKey makes a throwaway RSA signing key without a passphrase (the
// Terraform Registry takes RSA and DSA keys only; 2048 bits keep tests fast).
func (k *Keyring) GenerateKey(ctx context.Context, name string) (Key, error) {
	out, err := k.gpg(ctx, "--status-fd", "1", "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-gen-key", name+" <release-test@example.invalid>", "rsa2048", "sign", "never")
	if err != nil {
		return Key{}, err
	}
	var fingerprint string
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		if f := strings.Fields(scanner.Text()); len(f) >= 4 && f[0] == "[GNUPG:]" && f[1] == "KEY_CREATED" {
			fingerprint = f[3]
		}
	}
	if len(fingerprint) != 40 {
		return Key{}, fmt.Errorf("gpg --quick-gen-key reported no key: %s", out)
	}
	armor, err := k.gpg(ctx, "--armor", "--export", fingerprint)
	if err != nil {
		return Key{}, err
	}
	return Key{Fingerprint: fingerprint, KeyID: fingerprint[24:], PublicArmor: string(armor)}, nil
}

// Import adds an ASCII-armored public key.
func (k *Keyring) Import(ctx context.Context, armor string) error {
	cmd := k.command(ctx, "--import")
	cmd.Stdin = strings.NewReader(armor)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gpg --import: %w: %s", err, out)
	}
	return nil
}

// Sign writes a detached signature of the file path to path.sig, with the
// arguments .goreleaser.yml gives gpg.
func (k *Keyring) Sign(ctx context.Context, fingerprint, path string) error {
	_, err := k.gpg(ctx, "--local-user", fingerprint, "--output", path+".sig", "--detach-sign", path)
	return err
}

// Verify checks the detached signature sig of the file data with gpg
// --verify: nil only when a key of this keyring made a good signature.
func (k *Keyring) Verify(ctx context.Context, sig, data string) error {
	out, err := k.gpg(ctx, "--status-fd", "1", "--verify", sig, data)
	if err != nil {
		return err
	}
	if !bytes.Contains(out, []byte("[GNUPG:] GOODSIG ")) {
		return fmt.Errorf("gpg --verify reported no good signature: %s", out)
	}
	return nil
}

// Close stops the agent GnuPG started for this keyring, waiting at most
// 30 seconds: it runs when a test ends, after the test's context is done.
func (k *Keyring) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "gpgconf", "--homedir", k.home, "--kill", "all").CombinedOutput() //nolint:gosec // the keyring's own home
	if err != nil {
		return fmt.Errorf("gpgconf --kill all: %w: %s", err, out)
	}
	return nil
}

func (k *Keyring) command(ctx context.Context, args ...string) *exec.Cmd {
	args = append([]string{"--homedir", k.home, "--batch", "--no-tty"}, args...)
	return exec.CommandContext(ctx, "gpg", args...) //nolint:gosec // gpg with this package's own arguments
}

// gpg runs gpg and returns its standard output; its error carries both
// outputs (GnuPG says on stderr why it refused).
func (k *Keyring) gpg(ctx context.Context, args ...string) ([]byte, error) {
	cmd := k.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("gpg %s: %w: %s%s", strings.Join(args, " "), err, stderr.Bytes(), out)
	}
	return out, nil
}
