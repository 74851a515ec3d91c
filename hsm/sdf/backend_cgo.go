//go:build cgo

package sdf

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"sihub/hsm"
)

// Backend is one SDF device; it implements hsm.Backend,
// hsm.CapabilityReporter and io.Closer, and is safe for concurrent use.
type Backend struct {
	cfg  Config
	pwd  string
	lib  *library
	pool *hsm.Pool[*session]

	mu     sync.Mutex
	dev    *device // current device handle; nil until opened or after a failure
	keys   map[uint]*ecdsa.PublicKey
	live   int // open sessions, on any device handle
	closed bool
	gone   bool // library unloaded
}

// device is one SDF_OpenDevice handle; it is closed when retired and its
// last session is gone.
type device struct {
	h        unsafe.Pointer
	sessions int
	retired  bool
}

type session struct {
	h       unsafe.Pointer
	dev     *device
	granted map[uint]bool
}

var _ hsm.Backend = (*Backend)(nil)
var _ hsm.CapabilityReporter = (*Backend)(nil)

func init() {
	hsm.Register("sdf", func(ctx context.Context, uri string) (hsm.Backend, error) {
		cfg, err := ParseURI(uri)
		if err != nil {
			return nil, err
		}
		return Open(ctx, cfg)
	})
}

// Open loads the library, opens the device and checks every configured key:
// its public key is exported and the password unlocks it.
func Open(ctx context.Context, cfg Config) (*Backend, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	pwd, err := cfg.password()
	if err != nil {
		return nil, err
	}
	lib, err := loadLibrary(cfg.ModulePath)
	if err != nil {
		return nil, err
	}
	b := &Backend{cfg: cfg, pwd: pwd, lib: lib, keys: map[uint]*ecdsa.PublicKey{}}
	b.pool = hsm.NewPool[*session](sessions{b}, cfg.Pool)
	for _, idx := range cfg.KeyIndexes {
		err := b.pool.Do(ctx, func(s *session) error {
			if _, err := b.publicKey(s, idx); err != nil {
				return err
			}
			return b.grant(s, idx)
		})
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("hsm/sdf: key %d: %w", idx, err)
		}
	}
	return b, nil
}

// Close discards the sessions, closes the device and unloads the library.
// Calls still running in the library keep it loaded until they return.
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	b.pool.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.retireLocked()
	b.unloadIfIdleLocked()
	return nil
}

// retireLocked stops using the current device handle; it is closed now or
// when its last session closes.
func (b *Backend) retireLocked() {
	if b.dev == nil {
		return
	}
	b.dev.retired = true
	if b.dev.sessions == 0 {
		b.lib.closeDevice(b.dev.h)
	}
	b.dev = nil
}

func (b *Backend) unloadIfIdleLocked() {
	if b.closed && b.dev == nil && b.live == 0 && !b.gone {
		b.gone = true
		b.lib.unload()
	}
}

// Breaker reports the circuit breaker's state ("closed", "open", "half-open").
func (b *Backend) Breaker() string { return b.pool.State() }

// CallPath reports how the next call reaches the device ("inline" or
// "hand-off") and the moving average of answered calls (hsm.CallMode).
func (b *Backend) CallPath() (string, time.Duration) { return b.pool.CallPath() }

type sessions struct{ b *Backend }

func (s sessions) Open(context.Context) (*session, error) {
	b := s.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, hsm.ErrClosed
	}
	if b.dev == nil {
		h, err := b.lib.openDevice()
		if err != nil {
			return nil, err
		}
		b.dev = &device{h: h}
	}
	h, err := b.lib.openSession(b.dev.h)
	if err != nil {
		return nil, err
	}
	b.dev.sessions++
	b.live++
	return &session{h: h, dev: b.dev, granted: map[uint]bool{}}, nil
}

func (s sessions) Close(ss *session) {
	b := s.b
	for idx := range ss.granted {
		b.lib.releaseAccessRight(ss.h, idx)
	}
	b.lib.closeSession(ss.h)
	b.mu.Lock()
	defer b.mu.Unlock()
	ss.dev.sessions--
	b.live--
	if ss.dev.retired && ss.dev.sessions == 0 {
		b.lib.closeDevice(ss.dev.h)
	}
	b.unloadIfIdleLocked()
}

// Failed: device and communication failures retire the device handle; the
// next session opens the device again.
func (s sessions) Failed(err error) bool {
	if !errors.Is(err, hsm.ErrDeviceUnavailable) {
		return false
	}
	b := s.b
	b.mu.Lock()
	defer b.mu.Unlock()
	b.retireLocked()
	return true
}

func (b *Backend) grant(s *session, idx uint) error {
	if s.granted[idx] {
		return nil
	}
	if err := b.lib.getAccessRight(s.h, idx, b.pwd); err != nil {
		return err
	}
	s.granted[idx] = true
	return nil
}

func (b *Backend) publicKey(s *session, idx uint) (*ecdsa.PublicKey, error) {
	b.mu.Lock()
	pk := b.keys[idx]
	b.mu.Unlock()
	if pk != nil {
		return pk, nil
	}
	buf, err := b.lib.exportSignPublicKey(s.h, idx, b.cfg.RSSize)
	if err != nil {
		return nil, err
	}
	pk, err = parsePublicKey(buf, b.cfg.RSSize)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.keys[idx] = pk
	b.mu.Unlock()
	return pk, nil
}

func (b *Backend) index(id string) (uint, error) {
	n, err := strconv.ParseUint(id, 10, 32)
	if err != nil || !slices.Contains(b.cfg.KeyIndexes, uint(n)) {
		return 0, fmt.Errorf("%w: %q is not a configured SDF key index", hsm.ErrKeyNotFound, id)
	}
	return uint(n), nil
}

// Generate is not part of GM/T 0018 for stored keys: provision them with
// the device's management tools and list their indexes in the URI.
func (b *Backend) Generate(context.Context, hsm.Algorithm, string) (hsm.Key, error) {
	return nil, fmt.Errorf("%w: SDF devices create internal keys with their own tools", hsm.ErrUnsupported)
}

// Delete is not part of GM/T 0018.
func (b *Backend) Delete(context.Context, string) error {
	return fmt.Errorf("%w: SDF devices delete internal keys with their own tools", hsm.ErrUnsupported)
}

// Find returns the key at index id (decimal), which must be configured.
func (b *Backend) Find(ctx context.Context, id string) (hsm.Key, error) {
	idx, err := b.index(id)
	if err != nil {
		return nil, err
	}
	var pk *ecdsa.PublicKey
	err = b.pool.Do(ctx, func(s *session) error {
		p, err := b.publicKey(s, idx)
		pk = p
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("hsm/sdf: key %d: %w", idx, err)
	}
	return hsm.VerifyingKey(&key{b: b, idx: idx, id: strconv.FormatUint(uint64(idx), 10), pub: pk}), nil
}

// List describes the configured keys.
func (b *Backend) List(ctx context.Context) ([]hsm.KeyInfo, error) {
	out := make([]hsm.KeyInfo, 0, len(b.cfg.KeyIndexes))
	for _, idx := range b.cfg.KeyIndexes {
		id := strconv.FormatUint(uint64(idx), 10)
		if _, err := b.Find(ctx, id); err != nil {
			return nil, err
		}
		out = append(out, hsm.KeyInfo{ID: id, Alg: hsm.SM2, Label: "sdf key " + id})
	}
	return out, nil
}

// Capabilities: SDF devices sign SM2 only (through this backend).
func (b *Backend) Capabilities(context.Context) ([]hsm.Capability, error) {
	return []hsm.Capability{hsm.CapSM2SM3}, nil
}

// Random returns n bytes from the device's generator (SDF_GenerateRandom).
func (b *Backend) Random(ctx context.Context, n int) ([]byte, error) {
	if n < 0 || n > 1<<16 {
		return nil, fmt.Errorf("hsm/sdf: random length %d out of range", n)
	}
	var out []byte
	err := b.pool.Do(ctx, func(s *session) error {
		r, err := b.lib.generateRandom(s.h, n)
		out = r
		return err
	})
	return out, err
}

// key is an internal SM2 signing key.
type key struct {
	b   *Backend
	idx uint
	id  string
	pub *ecdsa.PublicKey
}

func (k *key) ID() string               { return k.id }
func (k *key) Algorithm() hsm.Algorithm { return hsm.SM2 }
func (k *key) Public() crypto.PublicKey { return k.pub }
func (k *key) String() string           { return "sdf:" + k.id }

// Sign computes e in Go (hsm.SM2Digest) and has the device sign it; rand
// is ignored (the device has its own).
func (k *key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	e, err := hsm.SM2Digest(k.pub, digest, opts)
	if err != nil {
		return nil, err
	}
	var raw []byte
	err = k.b.pool.Do(context.Background(), func(s *session) error {
		if err := k.b.grant(s, k.idx); err != nil {
			return err
		}
		r, err := k.b.lib.internalSign(s.h, k.idx, e, k.b.cfg.RSSize)
		raw = r
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("hsm/sdf: key %d: %w", k.idx, err)
	}
	return signatureDER(raw, k.b.cfg.RSSize)
}
