//go:build cgo

package sdf

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
)

func TestSDFSign(t *testing.T) {
	for _, rs := range []int{64, 32} {
		t.Run(fmt.Sprint("rs", rs), func(t *testing.T) {
			d := newTestDevice(t, rs, 1, 2)
			ctx := context.Background()
			uri := fmt.Sprintf("sdf:?module-path=%s&key-index=1,2&pin-value=%s&rs-size=%d", d.lib, url.QueryEscape(d.password), rs)
			hb, err := hsm.Open(ctx, uri)
			if err != nil {
				t.Fatalf("hsm.Open: %v", err)
			}
			b := hb.(*Backend)
			defer b.Close()

			list, err := b.List(ctx)
			if err != nil || len(list) != 2 || list[0].ID != "1" || list[1].ID != "2" || list[0].Alg != hsm.SM2 {
				t.Fatalf("List = %v, %v", list, err)
			}
			caps, err := hsm.Capabilities(ctx, b)
			if err != nil || !hsm.Has(caps, hsm.CapSM2SM3) {
				t.Fatalf("Capabilities = %v, %v", caps, err)
			}
			msg := []byte("社会保险参保证明")
			for _, id := range []string{"1", "2"} {
				k, err := b.Find(ctx, id)
				if err != nil {
					t.Fatalf("Find(%s): %v", id, err)
				}
				pub := k.Public().(*ecdsa.PublicKey)
				// GM signing: the adapter computes SM3(Z‖M) with the signer ID.
				uid := []byte("sihub-seal@1")
				sig, err := k.Sign(rand.Reader, msg, sm2.NewSM2SignerOption(true, uid))
				if err != nil {
					t.Fatalf("Sign: %v", err)
				}
				if !sm2.VerifyASN1WithSM2(pub, uid, msg, sig) {
					t.Fatal("signature does not verify with gmsm")
				}
				// Precomputed e.
				e, _ := sm2.CalculateSM2Hash(pub, msg, nil)
				sig, err = k.Sign(rand.Reader, e, nil)
				if err != nil || !sm2.VerifyASN1(pub, e, sig) {
					t.Fatalf("Sign(e): %v", err)
				}
				if _, err := k.Sign(rand.Reader, msg, nil); err == nil {
					t.Fatal("Sign accepted a non-32-byte digest without GM options")
				}
			}
			k1, _ := b.Find(ctx, "1")
			k2, _ := b.Find(ctx, "2")
			if k1.Public().(*ecdsa.PublicKey).Equal(k2.Public()) {
				t.Fatal("keys 1 and 2 have the same public key")
			}
			if _, err := b.Find(ctx, "3"); !errors.Is(err, hsm.ErrKeyNotFound) {
				t.Fatalf("Find(unconfigured) = %v", err)
			}
			if _, err := b.Generate(ctx, hsm.SM2, "x"); !errors.Is(err, hsm.ErrUnsupported) {
				t.Fatalf("Generate = %v", err)
			}
			if err := b.Delete(ctx, "1"); !errors.Is(err, hsm.ErrUnsupported) {
				t.Fatalf("Delete = %v", err)
			}
			r1, err := b.Random(ctx, 32)
			r2, err2 := b.Random(ctx, 32)
			if err != nil || err2 != nil || len(r1) != 32 || string(r1) == string(r2) {
				t.Fatalf("Random: %x %x %v %v", r1, r2, err, err2)
			}
		})
	}
}

func TestSDFErrors(t *testing.T) {
	d := newTestDevice(t, 64, 1)
	ctx := context.Background()

	cfg := d.config(1)
	cfg.Password = "wrong"
	_, err := Open(ctx, cfg)
	var code SDR
	if !errors.Is(err, hsm.ErrWrongPassword) || !errors.As(err, &code) || code != SDR_PARDENY {
		t.Fatalf("wrong password: %v", err)
	}
	_, err = Open(ctx, d.config(1, 5))
	if !errors.Is(err, hsm.ErrKeyNotFound) || !errors.As(err, &code) || code != SDR_KEYNOTEXIST {
		t.Fatalf("missing key: %v", err)
	}
	cfg = d.config(1)
	cfg.RSSize = 32 // the library was built with 64: bits lands elsewhere
	if _, err := Open(ctx, cfg); !errors.Is(err, ErrLayout) {
		t.Fatalf("r/s size mismatch: %v", err)
	}
	cfg = d.config(1)
	cfg.ModulePath = d.keys + "/none.so"
	if _, err := Open(ctx, cfg); err == nil {
		t.Fatal("Open of a missing library succeeded")
	}
	if _, err := Open(ctx, Config{ModulePath: d.lib}); !errors.Is(err, ErrURI) {
		t.Fatalf("no key index: %v", err)
	}
}

func TestSDFBadSignatureIsNotReturned(t *testing.T) {
	d := newTestDevice(t, 64, 1)
	_, k := d.open(t, hsm.PoolOptions{})
	d.set(t, d.badSig, true)
	sig, err := k.Sign(rand.Reader, []byte("m"), sm2.DefaultSM2SignerOpts)
	if !errors.Is(err, hsm.ErrBadSignature) || sig != nil {
		t.Fatalf("corrupted signature: %x, %v", sig, err)
	}
	d.set(t, d.badSig, false)
	if _, err := k.Sign(rand.Reader, []byte("m"), sm2.DefaultSM2SignerOpts); err != nil {
		t.Fatal(err)
	}
}
