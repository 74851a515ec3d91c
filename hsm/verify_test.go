package hsm

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"io"
	"math/big"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// testKey is a Key over any crypto.Signer.
type testKey struct {
	crypto.Signer
	alg Algorithm
}

func (k testKey) ID() string           { return "k-test" }
func (k testKey) Algorithm() Algorithm { return k.alg }

// ecdsaOnSM2Curve signs like a PKCS #11 token that was handed the SM2 curve
// OID and used CKM_ECDSA: plain ECDSA over SM3(msg) on the SM2 curve.
type ecdsaOnSM2Curve struct{ priv *sm2.PrivateKey }

func (e ecdsaOnSM2Curve) Public() crypto.PublicKey { return &e.priv.PublicKey }
func (e ecdsaOnSM2Curve) Sign(_ io.Reader, msg []byte, _ crypto.SignerOpts) ([]byte, error) {
	c := sm2.P256()
	n := c.Params().N
	h := sm3.Sum(msg)
	z := new(big.Int).SetBytes(h[:])
	for {
		k, err := rand.Int(rand.Reader, n)
		if err != nil || k.Sign() == 0 {
			continue
		}
		x, _ := c.ScalarBaseMult(k.Bytes())
		r := new(big.Int).Mod(x, n)
		if r.Sign() == 0 {
			continue
		}
		s := new(big.Int).Mul(r, e.priv.D)
		s.Add(s, z)
		s.Mul(s, new(big.Int).ModInverse(k, n))
		s.Mod(s, n)
		if s.Sign() == 0 {
			continue
		}
		var b cryptobyte.Builder
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1BigInt(r); b.AddASN1BigInt(s) })
		return b.Bytes()
	}
}

// fixedBackend returns one key.
type fixedBackend struct{ k Key }

func (f fixedBackend) Generate(context.Context, Algorithm, string) (Key, error) { return f.k, nil }
func (f fixedBackend) Find(context.Context, string) (Key, error)                { return f.k, nil }
func (f fixedBackend) List(context.Context) ([]KeyInfo, error)                  { return nil, nil }
func (f fixedBackend) Delete(context.Context, string) error                     { return nil }

func TestVerifyingKeyCatchesECDSAOnSM2Curve(t *testing.T) {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("参保证明")
	bad := VerifyingBackend(fixedBackend{testKey{ecdsaOnSM2Curve{priv}, SM2}})
	k, _ := bad.Find(context.Background(), "k-test")
	if _, err := k.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("ECDSA on the SM2 curve: err = %v, want ErrBadSignature", err)
	}
	good := VerifyingBackend(fixedBackend{testKey{priv, SM2}})
	k, _ = good.Generate(context.Background(), SM2, "")
	sig, err := k.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		t.Fatalf("genuine SM2 rejected: %v", err)
	}
	if !sm2.VerifyASN1WithSM2(&priv.PublicKey, nil, msg, sig) {
		t.Fatal("returned signature does not verify")
	}
}

func TestVerifySignatureSM2SignerID(t *testing.T) {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("message")
	k := VerifyingKey(testKey{priv, SM2})
	// A non-default signer ID is read from the option (pins gmsm's field names).
	opts := sm2.NewSM2SignerOption(true, []byte("alice@sihub"))
	sig, err := k.Sign(rand.Reader, msg, opts)
	if err != nil {
		t.Fatalf("non-default signer ID: %v", err)
	}
	if uid, ok := sm2UID(opts); !ok || string(uid) != "alice@sihub" {
		t.Fatalf("sm2UID = %q, %v", uid, ok)
	}
	// The same signature is wrong under the default ID.
	if err := VerifySignature(&priv.PublicKey, msg, sig, sm2.DefaultSM2SignerOpts); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("signature verified under the wrong signer ID: %v", err)
	}
	// Precomputed e: opts without forceGMSign.
	e, _ := sm2.CalculateSM2Hash(&priv.PublicKey, msg, nil)
	sig, err = k.Sign(rand.Reader, e, sm2.NewSM2SignerOption(false, nil))
	if err != nil {
		t.Fatalf("precomputed digest: %v", err)
	}
	if !sm2.VerifyASN1WithSM2(&priv.PublicKey, nil, msg, sig) {
		t.Fatal("precomputed-digest signature does not verify")
	}
}

// flipSigner corrupts every signature of a genuine key.
type flipSigner struct{ crypto.Signer }

func (f flipSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	sig, err := f.Signer.Sign(r, d, o)
	if err == nil {
		sig[len(sig)-1] ^= 1
	}
	return sig, err
}

func TestVerifyingKeyP256(t *testing.T) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("x"))
	if _, err := VerifyingKey(testKey{priv, P256}).Sign(rand.Reader, d[:], crypto.SHA256); err != nil {
		t.Fatalf("genuine P-256: %v", err)
	}
	if _, err := VerifyingKey(testKey{flipSigner{priv}, P256}).Sign(rand.Reader, d[:], crypto.SHA256); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("corrupted P-256: %v", err)
	}
}

func TestVerifyingKeyRSA(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("x"))
	pss := &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}
	for _, opts := range []crypto.SignerOpts{crypto.SHA256, pss} {
		if _, err := VerifyingKey(testKey{priv, RSA3072}).Sign(rand.Reader, d[:], opts); err != nil {
			t.Fatalf("genuine RSA %T: %v", opts, err)
		}
		if _, err := VerifyingKey(testKey{flipSigner{priv}, RSA3072}).Sign(rand.Reader, d[:], opts); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("corrupted RSA %T: %v", opts, err)
		}
	}
}

// Verified tells the layers above whether a key's signatures were already
// checked; it must stay true through the observing wrapper and never be
// true for a key nobody checks.
func TestVerifiedSurvivesWrappersAndCatchesNothingUnchecked(t *testing.T) {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	plain := testKey{priv, SM2}
	nop := func(context.Context, string, string, error) {}
	for name, tc := range map[string]struct {
		b    Backend
		want bool
	}{
		"plain":               {fixedBackend{plain}, false},
		"observed":            {ObservedBackend(fixedBackend{plain}, nop), false},
		"verifying":           {VerifyingBackend(fixedBackend{plain}), true},
		"observed(verifying)": {ObservedBackend(VerifyingBackend(fixedBackend{plain}), nop), true},
	} {
		k, err := tc.b.Find(context.Background(), "k-test")
		if err != nil {
			t.Fatal(err)
		}
		if got := Verified(k); got != tc.want {
			t.Errorf("%s: Verified = %v, want %v", name, got, tc.want)
		}
	}
	// A faulty device behind both wrappers is still caught.
	bad := ObservedBackend(VerifyingBackend(fixedBackend{testKey{ecdsaOnSM2Curve{priv}, SM2}}), nop)
	k, _ := bad.Find(context.Background(), "k-test")
	if _, err := k.Sign(rand.Reader, []byte("x"), sm2.DefaultSM2SignerOpts); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("faulty key behind the wrappers: %v", err)
	}
}
