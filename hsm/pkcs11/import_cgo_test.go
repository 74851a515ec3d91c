//go:build cgo

package pkcs11

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"

	"sihub/hsm"
	"sihub/hsm/soft"
	"sihub/model"
)

// blobStore is a minimal soft.BlobStore for the ceremony test.
type blobStore struct {
	mu sync.Mutex
	m  map[string]model.KeyBlob
}

func newBlobStore() *blobStore { return &blobStore{m: map[string]model.KeyBlob{}} }

func (s *blobStore) PutKey(_ context.Context, k model.KeyBlob) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[k.ID]; ok {
		return model.ErrConflict
	}
	s.m[k.ID] = k
	return nil
}

func (s *blobStore) Key(_ context.Context, id string) (model.KeyBlob, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.m[id]
	if !ok {
		return model.KeyBlob{}, model.ErrNotFound
	}
	return k, nil
}

func (s *blobStore) ListKeys(context.Context) ([]model.KeyBlob, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.KeyBlob
	for _, k := range s.m {
		out = append(out, k)
	}
	return out, nil
}

func (s *blobStore) DeleteKey(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[id]; !ok {
		return model.ErrNotFound
	}
	delete(s.m, id)
	return nil
}

// A key ceremony: keys made in the software keystore are exported wrapped
// under the token's transport key and imported; the token then signs with
// them and the signatures verify under the software keys' public keys.
func TestSoftHSMImportFromSoftKeystore(t *testing.T) {
	st := newSoftToken(t, "sihub-ceremony")
	b := openSoft(t, st.config())
	ctx := context.Background()
	transport, err := b.TransportKey(ctx)
	if err != nil {
		t.Fatalf("TransportKey: %v", err)
	}
	again, err := b.TransportKey(ctx)
	if err != nil || !again.Equal(transport) {
		t.Fatalf("second TransportKey gave another key: %v", err)
	}
	ks, err := soft.Open(ctx, newBlobStore(), []byte("ceremony passphrase 2026"), soft.Options{KDF: soft.KDFParams{Time: 1, MemoryKiB: 8 << 10, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []hsm.Algorithm{hsm.P256, hsm.RSA3072} {
		sk, err := ks.Generate(ctx, alg, "seal")
		if err != nil {
			t.Fatal(err)
		}
		wrapped, pub, err := ks.ExportWrapped(ctx, sk.ID(), transport, crypto.SHA1)
		if err != nil {
			t.Fatalf("ExportWrapped: %v", err)
		}
		k, err := b.ImportWrapped(ctx, "imported-"+string(alg), pub, wrapped, crypto.SHA1)
		if err != nil {
			t.Fatalf("ImportWrapped(%s): %v", alg, err)
		}
		d := sha256.Sum256([]byte("sealed with an imported key"))
		sig, err := k.Sign(rand.Reader, d[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		switch p := sk.Public().(type) {
		case *ecdsa.PublicKey:
			if !ecdsa.VerifyASN1(p, d[:], sig) {
				t.Fatal("imported P-256 key's signature does not verify under the software key")
			}
		case *rsa.PublicKey:
			if err := rsa.VerifyPKCS1v15(p, crypto.SHA256, d[:], sig); err != nil {
				t.Fatal(err)
			}
		}
		// Tampered transport blobs are refused.
		bad := append([]byte(nil), wrapped...)
		bad[len(bad)-1] ^= 1
		if _, err := b.ImportWrapped(ctx, "tampered", pub, bad, crypto.SHA1); err == nil {
			t.Fatal("tampered wrapped key imported")
		}
	}
	// A public key that is not the wrapped key's: the pair check refuses it.
	sk, _ := ks.Generate(ctx, hsm.P256, "a")
	other, _ := ks.Generate(ctx, hsm.P256, "b")
	wrapped, _, err := ks.ExportWrapped(ctx, sk.ID(), transport, crypto.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ImportWrapped(ctx, "mismatch", other.Public(), wrapped, crypto.SHA1); !errors.Is(err, hsm.ErrBadSignature) {
		t.Fatalf("mismatched public key: %v", err)
	}
	list, err := b.List(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %v, %v (want the two imported keys, not the transport key nor the refused one)", list, err)
	}
}
