package emulator

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const stateVersion = 1

// stateDoc is the state file's format. Secrets and passwords appear only as hashes.
type stateDoc struct {
	Version       int         `json:"version"`
	Organizations []stateOrg  `json:"organizations"`
	Users         []stateUser `json:"users"`
	Keys          []stateKey  `json:"keys"`
}

type stateOrg struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	ProductionAccess bool   `json:"productionAccess"`
}

type stateUser struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organizationID"`
	Email          string `json:"email"`
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	Role           Role   `json:"role"`
	PasswordSalt   string `json:"passwordSalt,omitempty"`
	PasswordHash   string `json:"passwordHash,omitempty"`
}

// stateKey is a key as the API shows it (its wire form, so that a field
// the API gains is kept without a line here), and its secret's hash.
type stateKey struct {
	wireKey
	SecretHash string `json:"secretHash"`
}

// loadState reads path into a store. A missing file is a fresh start; anything
// else that goes wrong is an error naming the file, and the file is left alone.
func loadState(path string) (*store, error) {
	data, err := os.ReadFile(path) //nolint:gosec // the operator chooses the state file
	if errors.Is(err, fs.ErrNotExist) {
		return newStore(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("emulator: cannot read state file %s: %w", path, err)
	}
	s, err := decodeState(data)
	if err != nil {
		return nil, fmt.Errorf("emulator: state file %s is corrupt (it was left untouched): %w", path, err)
	}
	return s, nil
}

func decodeState(data []byte) (*store, error) {
	var doc stateDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the state document")
	}
	if doc.Version != stateVersion {
		return nil, fmt.Errorf("unsupported version %d (want %d)", doc.Version, stateVersion)
	}
	s := newStore()
	for _, o := range doc.Organizations {
		if o.ID == "" || s.orgs[o.ID] != nil {
			return nil, fmt.Errorf("organization id %q is empty or repeated", o.ID)
		}
		s.orgs[o.ID] = &organization{id: o.ID, name: o.Name, productionAccess: o.ProductionAccess}
	}
	for _, u := range doc.Users {
		if err := s.loadUser(u); err != nil {
			return nil, err
		}
	}
	for _, k := range doc.Keys {
		if err := s.loadKey(k); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// loadUser adds a user of the state file, after its organizations.
func (s *store) loadUser(u stateUser) error {
	if u.ID == "" || s.users[u.ID] != nil {
		return fmt.Errorf("user id %q is empty or repeated", u.ID)
	}
	if s.orgs[u.OrganizationID] == nil {
		return fmt.Errorf("user %s names unknown organization %q", u.ID, u.OrganizationID)
	}
	if !u.Role.valid() || u.Email == "" || s.byEmail[strings.ToLower(u.Email)] != nil {
		return fmt.Errorf("user %s has an invalid role or a missing or repeated email", u.ID)
	}
	salt, err1 := hex.DecodeString(u.PasswordSalt)
	hash, err2 := hex.DecodeString(u.PasswordHash)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("user %s: password: %w", u.ID, err)
	}
	s.putUser(&user{
		id: u.ID, orgID: u.OrganizationID, email: u.Email, firstName: u.FirstName, lastName: u.LastName,
		role: u.Role, passwordSalt: salt, passwordHash: hash,
	})
	return nil
}

// loadKey adds a key of the state file, after its users.
func (s *store) loadKey(k stateKey) error {
	if k.ID == "" || s.keys[k.ID] != nil {
		return fmt.Errorf("key id %q is empty or repeated", k.ID)
	}
	if s.users[k.UserID] == nil {
		return fmt.Errorf("key %s names unknown user %q", k.ID, k.UserID)
	}
	if !validEnvironment(k.Environment) {
		return fmt.Errorf("key %s has invalid environment %q", k.ID, k.Environment)
	}
	raw, err := hex.DecodeString(k.SecretHash)
	if err != nil || len(raw) != len(apiKey{}.hash) {
		return fmt.Errorf("key %s has an invalid secret hash", k.ID)
	}
	key := keyFromWire(k.wireKey)
	copy(key.hash[:], raw)
	if s.byHash[key.hash] != nil {
		return fmt.Errorf("key %s repeats another key's secret hash", k.ID)
	}
	s.putKey(key)
	return nil
}

// encodeState writes the store in a stable order so that unchanged data gives an unchanged file.
func encodeState(s *store) ([]byte, error) {
	doc := stateDoc{Version: stateVersion, Organizations: []stateOrg{}, Users: []stateUser{}, Keys: []stateKey{}}
	for _, o := range s.orgs {
		doc.Organizations = append(doc.Organizations, stateOrg{ID: o.id, Name: o.name, ProductionAccess: o.productionAccess})
	}
	slices.SortFunc(doc.Organizations, func(a, b stateOrg) int { return strings.Compare(a.ID, b.ID) })
	for _, u := range s.users {
		doc.Users = append(doc.Users, stateUser{
			ID: u.id, OrganizationID: u.orgID, Email: u.email, FirstName: u.firstName, LastName: u.lastName,
			Role: u.role, PasswordSalt: hex.EncodeToString(u.passwordSalt), PasswordHash: hex.EncodeToString(u.passwordHash),
		})
	}
	slices.SortFunc(doc.Users, func(a, b stateUser) int { return strings.Compare(a.ID, b.ID) })
	keys := make([]*apiKey, 0, len(s.keys))
	for _, k := range s.keys {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		doc.Keys = append(doc.Keys, stateKey{wireKey: k.wire(), SecretHash: hex.EncodeToString(k.hash[:])})
	}
	return json.MarshalIndent(doc, "", "  ")
}

// writeFileAtomic replaces path so that a reader (or a crash) sees either the old
// or the new content, never a mix: temp file in the same directory, fsync, rename,
// fsync of the directory.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil { //nolint:gosec // the state file's own directory
		// Some file systems cannot sync a directory; the rename has happened either way.
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// commit persists the store after a change. Callers hold e.mu for writing.
func (e *Emulator) commit() error {
	if e.statePath == "" {
		return nil
	}
	data, err := encodeState(e.st)
	if err != nil {
		return fmt.Errorf("emulator: encoding state: %w", err)
	}
	if err := writeFileAtomic(e.statePath, data); err != nil {
		return fmt.Errorf("emulator: writing state file %s: %w", e.statePath, err)
	}
	return nil
}
