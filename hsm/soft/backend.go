package soft

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
	"sihub/model"
)

// BlobStore persists wrapped keys; store.Keys implements it. PutKey on an
// existing id fails; Key of a missing id is model.ErrNotFound.
type BlobStore interface {
	PutKey(ctx context.Context, k model.KeyBlob) error
	Key(ctx context.Context, id string) (model.KeyBlob, error)
	ListKeys(ctx context.Context) ([]model.KeyBlob, error)
	DeleteKey(ctx context.Context, id string) error
}

// Options configure a keystore. The zero value is SM4-GCM, DefaultKDFParams,
// crypto/rand and time.Now.
type Options struct {
	Cipher Cipher           // wrapping of new keys; "" is SM4GCM
	KDF    KDFParams        // parameters for new keys; zero is DefaultKDFParams
	Rand   io.Reader        // key generation, ids, salts, nonces; nil is crypto/rand
	Now    func() time.Time // CreatedAt of new keys; nil is time.Now
}

// Backend is a software keystore; it implements hsm.Backend and is safe for
// concurrent use.
type Backend struct {
	store  BlobStore
	cipher Cipher
	params KDFParams
	rand   io.Reader
	now    func() time.Time

	mu         sync.Mutex
	passphrase []byte
	salt       []byte           // salt of new keys (shared with the keys found at Open)
	keks       map[kekID][]byte // derived KEKs
	keys       map[string]*key  // parsed keys
	closed     bool
}

var _ hsm.Backend = (*Backend)(nil)

// Open opens the keystore held in st under passphrase. When st already holds
// keys, the passphrase must unwrap at least one of them, otherwise Open
// fails with hsm.ErrWrongPassword. The KEK is derived here (or at the first
// Generate of an empty keystore) and cached.
func Open(ctx context.Context, st BlobStore, passphrase []byte, opts Options) (*Backend, error) {
	if st == nil {
		return nil, errors.New("hsm/soft: nil BlobStore")
	}
	b := &Backend{
		store:      st,
		cipher:     opts.Cipher,
		params:     opts.KDF.withDefaults(),
		rand:       opts.Rand,
		now:        opts.Now,
		passphrase: append([]byte(nil), passphrase...),
		keks:       map[kekID][]byte{},
		keys:       map[string]*key{},
	}
	if b.cipher == "" {
		b.cipher = SM4GCM
	}
	if _, err := b.cipher.keyLen(); err != nil {
		return nil, err
	}
	if err := b.params.check(); err != nil {
		return nil, err
	}
	if b.rand == nil {
		b.rand = rand.Reader
	}
	if b.now == nil {
		b.now = time.Now
	}
	blobs, err := st.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("hsm/soft: list keys: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var firstErr error
	opened := false
	for _, blob := range blobs {
		k, env, err := b.unwrapLocked(blob)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		b.keys[blob.ID] = k
		opened = true
		if env.params() == b.params && b.salt == nil {
			b.salt = env.Salt
		}
		if b.salt != nil {
			break
		}
	}
	if len(blobs) > 0 && !opened {
		return nil, fmt.Errorf("hsm/soft: the passphrase opens none of the %d stored keys: %w", len(blobs), firstErr)
	}
	return b, nil
}

// Close forgets the passphrase, the derived KEKs and the parsed keys (best
// effort: Go may have copied them). The Backend is unusable afterwards.
func (b *Backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.passphrase)
	for id, k := range b.keks {
		clear(k)
		delete(b.keks, id)
	}
	clear(b.keys)
	b.closed = true
	return nil
}

// Generate makes a new key of alg, wraps it and stores it.
func (b *Backend) Generate(ctx context.Context, alg hsm.Algorithm, label string) (hsm.Key, error) {
	signer, err := generateKey(b.rand, alg)
	if err != nil {
		return nil, err
	}
	der, err := smx509.MarshalPKCS8PrivateKey(signer)
	if err != nil {
		return nil, fmt.Errorf("hsm/soft: encode %s key: %w", alg, err)
	}
	defer clear(der)
	id, err := b.newID()
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	wrapped, err := b.wrapLocked(id, alg, der)
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	blob := model.KeyBlob{ID: id, Alg: string(alg), Label: label, Wrapped: wrapped, CreatedAt: b.now().UTC()}
	if err := b.store.PutKey(ctx, blob); err != nil {
		return nil, fmt.Errorf("hsm/soft: store key %s: %w", id, err)
	}
	k := &key{id: id, alg: alg, signer: signer}
	b.mu.Lock()
	b.keys[id] = k
	b.mu.Unlock()
	return k, nil
}

// Find returns the key id, unwrapping it on first use.
func (b *Backend) Find(ctx context.Context, id string) (hsm.Key, error) {
	b.mu.Lock()
	if k, ok := b.keys[id]; ok {
		b.mu.Unlock()
		return k, nil
	}
	b.mu.Unlock()
	blob, err := b.store.Key(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("hsm/soft: key %q: %w (%w)", id, hsm.ErrKeyNotFound, err)
	}
	if err != nil {
		return nil, fmt.Errorf("hsm/soft: load key %q: %w", id, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if k, ok := b.keys[id]; ok {
		return k, nil
	}
	k, _, err := b.unwrapLocked(blob)
	if err != nil {
		return nil, err
	}
	b.keys[id] = k
	return k, nil
}

// List describes the stored keys without unwrapping them.
func (b *Backend) List(ctx context.Context) ([]hsm.KeyInfo, error) {
	blobs, err := b.store.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("hsm/soft: list keys: %w", err)
	}
	out := make([]hsm.KeyInfo, 0, len(blobs))
	for _, k := range blobs {
		out = append(out, hsm.KeyInfo{ID: k.ID, Alg: hsm.Algorithm(k.Alg), Label: k.Label, CreatedAt: k.CreatedAt})
	}
	return out, nil
}

// Delete removes a key from the store and the cache.
func (b *Backend) Delete(ctx context.Context, id string) error {
	err := b.store.DeleteKey(ctx, id)
	b.mu.Lock()
	delete(b.keys, id)
	b.mu.Unlock()
	if errors.Is(err, model.ErrNotFound) {
		return fmt.Errorf("hsm/soft: delete key %q: %w (%w)", id, hsm.ErrKeyNotFound, err)
	}
	if err != nil {
		return fmt.Errorf("hsm/soft: delete key %q: %w", id, err)
	}
	return nil
}

func (b *Backend) newID() (string, error) {
	var r [8]byte
	if _, err := io.ReadFull(b.rand, r[:]); err != nil {
		return "", fmt.Errorf("hsm/soft: key id: %w", err)
	}
	return "k-" + hex.EncodeToString(r[:]), nil
}

// kekLocked returns the KEK for id, deriving it once.
func (b *Backend) kekLocked(id kekID) ([]byte, error) {
	if b.closed {
		return nil, errors.New("hsm/soft: keystore is closed")
	}
	if k, ok := b.keks[id]; ok {
		return k, nil
	}
	k := deriveKEK(b.passphrase, id)
	b.keks[id] = k
	return k, nil
}

func (b *Backend) wrapLocked(id string, alg hsm.Algorithm, der []byte) ([]byte, error) {
	if b.salt == nil {
		salt := make([]byte, 16)
		if _, err := io.ReadFull(b.rand, salt); err != nil {
			return nil, fmt.Errorf("hsm/soft: salt: %w", err)
		}
		b.salt = salt
	}
	keyLen, _ := b.cipher.keyLen()
	kek, err := b.kekLocked(kekID{params: b.params, salt: string(b.salt), keyLen: keyLen})
	if err != nil {
		return nil, err
	}
	aead, err := b.cipher.aead(kek)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, nonceLen)
	if _, err := io.ReadFull(b.rand, nonce); err != nil {
		return nil, fmt.Errorf("hsm/soft: nonce: %w", err)
	}
	env := envelope{
		Format: envelopeFormat, KDF: kdfArgon2id,
		Time: b.params.Time, MemoryKiB: b.params.MemoryKiB, Threads: b.params.Threads,
		Salt: b.salt, Cipher: b.cipher, Nonce: nonce,
		Ciphertext: aead.Seal(nil, nonce, der, additionalData(id, alg)),
	}
	out, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("hsm/soft: encode envelope: %w", err)
	}
	return out, nil
}

func (b *Backend) unwrapLocked(blob model.KeyBlob) (*key, *envelope, error) {
	env, err := parseEnvelope(blob.Wrapped)
	if err != nil {
		return nil, nil, fmt.Errorf("hsm/soft: key %q: %w", blob.ID, err)
	}
	keyLen, _ := env.Cipher.keyLen()
	kek, err := b.kekLocked(kekID{params: env.params(), salt: string(env.Salt), keyLen: keyLen})
	if err != nil {
		return nil, nil, err
	}
	aead, err := env.Cipher.aead(kek)
	if err != nil {
		return nil, nil, err
	}
	alg := hsm.Algorithm(blob.Alg)
	der, err := aead.Open(nil, env.Nonce, env.Ciphertext, additionalData(blob.ID, alg))
	if err != nil {
		return nil, nil, fmt.Errorf("hsm/soft: key %q: %s authentication failed (wrong passphrase, or blob, id or algorithm altered): %w",
			blob.ID, env.Cipher, hsm.ErrWrongPassword)
	}
	defer clear(der)
	parsed, err := smx509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, nil, fmt.Errorf("hsm/soft: key %q: PKCS #8: %v: %w", blob.ID, err, hsm.ErrWrongPassword)
	}
	signer, err := checkKeyAlg(parsed, alg)
	if err != nil {
		return nil, nil, fmt.Errorf("hsm/soft: key %q: %w", blob.ID, err)
	}
	return &key{id: blob.ID, alg: alg, signer: signer}, env, nil
}
