package app

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"testing"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
)

// signTest signs a short message with k the way seals do.
func signTest(k hsm.Key) (digest, sig []byte, opts crypto.SignerOpts, err error) {
	msg := []byte("sihub")
	if k.Algorithm() == hsm.SM2 {
		digest, opts = msg, sm2.DefaultSM2SignerOpts
	} else {
		h := sha256.Sum256(msg)
		digest, opts = h[:], crypto.SHA256
	}
	sig, err = k.Sign(rand.Reader, digest, opts)
	return digest, sig, opts, err
}

// TestInProcessKeysAreNotCheckedTwice: the software keystore's seal keys
// count as checked (no second verification per signature), and their
// signatures verify.
func TestInProcessKeysAreNotCheckedTwice(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		m, err := a.PKI.Seal(alg)
		if err != nil {
			t.Fatal(err)
		}
		if !hsm.Verified(m.Key) {
			t.Errorf("%s: in-process seal key is checked again after every signature", alg)
		}
		k, err := a.Keys.Find(context.Background(), m.Key.ID())
		if err != nil {
			t.Fatal(err)
		}
		digest, sig, opts, err := signTest(k)
		if err != nil {
			t.Fatal(err)
		}
		if err := hsm.VerifySignature(k.Public(), digest, sig, opts); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
	}
}

// brokenKey returns a signature that does not verify, like a faulty device.
type brokenKey struct{ hsm.Key }

func (brokenKey) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}, nil
}

type brokenBackend struct{ hsm.Backend }

func (b brokenBackend) Find(ctx context.Context, id string) (hsm.Key, error) {
	k, err := b.Backend.Find(ctx, id)
	if err != nil {
		return nil, err
	}
	return brokenKey{k}, nil
}

// TestDeviceKeysStayChecked: a device backend's keys still refuse a bad
// signature, and are not marked as checked before they sign.
func TestDeviceKeysStayChecked(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	m, err := a.PKI.Seal(hsm.SM2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	k, err := checkedBackend(brokenBackend{a.keys}, true).Find(ctx, m.Key.ID())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := signTest(k); !errors.Is(err, hsm.ErrBadSignature) {
		t.Errorf("device key with a bad signature: err = %v, want ErrBadSignature", err)
	}
	sk, err := checkedBackend(a.keys, false).Find(ctx, m.Key.ID())
	if err != nil {
		t.Fatal(err)
	}
	if !hsm.Verified(sk) {
		t.Error("in-process key not marked as checked")
	}
}
