package certs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"sihub/hsm"
)

// Keyring finds CA and seal keys on the backend their record names
// (model.Certificate.KeyURI, model.Seal.KeyURI): the instance's default
// backend for an empty URI, another backend for a URI — opened once, on
// first use, with the Keyring's opener, and wrapped in
// hsm.VerifyingBackend so every signature it returns is checked in
// software. A Keyring is safe for concurrent use; Close closes the
// backends it opened (never the default one).
type Keyring struct {
	def  hsm.Backend
	open hsm.Opener

	mu     sync.Mutex
	opened map[string]hsm.Backend
	closed bool
}

// NewKeyring returns a keyring over def; open opens the backends other
// records name (nil is hsm.Open, which knows the registered schemes:
// pkcs11: and sdf: when the application imports them).
func NewKeyring(def hsm.Backend, open hsm.Opener) *Keyring {
	if open == nil {
		open = hsm.Open
	}
	return &Keyring{def: def, open: open, opened: map[string]hsm.Backend{}}
}

// Backend returns the backend uri names ("" is the default backend).
func (k *Keyring) Backend(ctx context.Context, uri string) (hsm.Backend, error) {
	if uri == "" {
		if k.def == nil {
			return nil, fmt.Errorf("%w: no default key backend", ErrConfig)
		}
		return k.def, nil
	}
	if err := CheckKeyURI(uri); err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil, fmt.Errorf("%w: the keyring is closed", ErrConfig)
	}
	if b, ok := k.opened[uri]; ok {
		return b, nil
	}
	b, err := k.open(ctx, uri)
	if err != nil {
		// hsm.Open never repeats the URI; a recorded URI holds no PIN.
		return nil, fmt.Errorf("certs: opening key backend %s: %w", uri, err)
	}
	vb := hsm.VerifyingBackend(b)
	k.opened[uri] = vb
	return vb, nil
}

// Find returns key id on the backend uri names.
func (k *Keyring) Find(ctx context.Context, uri, id string) (hsm.Key, error) {
	b, err := k.Backend(ctx, uri)
	if err != nil {
		return nil, err
	}
	return b.Find(ctx, id)
}

// Close closes the backends the keyring opened.
func (k *Keyring) Close() error {
	if k == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed = true
	var errs []error
	for uri, b := range k.opened {
		if c, ok := b.(interface{ Close() error }); ok {
			errs = append(errs, c.Close())
		}
		delete(k.opened, uri)
	}
	return errors.Join(errs...)
}

// MaxKeyURI caps a recorded key URI.
const MaxKeyURI = 4096

// ErrKeyURI: a key URI cannot be recorded (unknown scheme, too long, or it
// carries a PIN).
var ErrKeyURI = errors.New("certs: bad key URI")

// CheckKeyURI reports whether uri may be recorded as a key's backend: a
// "soft:", "pkcs11:" or "sdf:" URI of at most MaxKeyURI bytes without a
// pin-value attribute — the PIN stays out of the store, so a backend that
// must be found again at start names its PIN file with pin-source. The
// error never repeats the URI.
func CheckKeyURI(uri string) error {
	if len(uri) > MaxKeyURI {
		return fmt.Errorf("%w: longer than %d bytes", ErrKeyURI, MaxKeyURI)
	}
	scheme, rest, ok := strings.Cut(uri, ":")
	if !ok {
		return fmt.Errorf("%w: no scheme", ErrKeyURI)
	}
	switch strings.ToLower(scheme) {
	case "soft", "pkcs11", "sdf":
	default:
		return fmt.Errorf("%w: scheme must be soft, pkcs11 or sdf", ErrKeyURI)
	}
	for _, attr := range strings.FieldsFunc(rest, func(r rune) bool { return r == ';' || r == '?' || r == '&' }) {
		name, _, _ := strings.Cut(attr, "=")
		if strings.EqualFold(strings.TrimSpace(name), "pin-value") {
			return fmt.Errorf("%w: it carries a pin-value; name a PIN file with pin-source instead", ErrKeyURI)
		}
	}
	return nil
}
