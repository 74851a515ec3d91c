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
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/miekg/pkcs11"

	"sihub/hsm"
)

func TestSoftHSMGenerateSignListDelete(t *testing.T) {
	st := newSoftToken(t, "sihub-basic")
	b := openSoft(t, st.config())
	ctx := context.Background()
	digest := sha256.Sum256([]byte("参保证明 2026"))

	cases := []struct {
		alg  hsm.Algorithm
		opts []crypto.SignerOpts
	}{
		{hsm.P256, []crypto.SignerOpts{crypto.SHA256}},
		{hsm.RSA3072, []crypto.SignerOpts{crypto.SHA256, &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}, &rsa.PSSOptions{Hash: crypto.SHA256}}},
	}
	var ids []string
	for _, c := range cases {
		t.Run(string(c.alg), func(t *testing.T) {
			k, err := b.Generate(ctx, c.alg, "seal-"+string(c.alg))
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if k.Algorithm() != c.alg {
				t.Fatalf("Algorithm = %q", k.Algorithm())
			}
			ids = append(ids, k.ID())
			found, err := b.Find(ctx, k.ID())
			if err != nil {
				t.Fatalf("Find: %v", err)
			}
			for _, o := range c.opts {
				sig, err := found.Sign(rand.Reader, digest[:], o)
				if err != nil {
					t.Fatalf("Sign(%T): %v", o, err)
				}
				// Independently of the wrapper: the standard library's verifier.
				switch pub := found.Public().(type) {
				case *ecdsa.PublicKey:
					if !ecdsa.VerifyASN1(pub, digest[:], sig) {
						t.Fatal("ECDSA signature does not verify")
					}
				case *rsa.PublicKey:
					var err error
					if pss, ok := o.(*rsa.PSSOptions); ok {
						err = rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, pss)
					} else {
						err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
					}
					if err != nil {
						t.Fatalf("RSA signature: %v", err)
					}
				}
			}
		})
	}

	list, err := b.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, i := range list {
		listed = append(listed, i.ID)
		if i.Label != "seal-"+string(i.Alg) {
			t.Errorf("key %s: label %q for %s", i.ID, i.Label, i.Alg)
		}
	}
	slices.Sort(listed)
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Fatalf("List = %v, want %v", listed, want)
	}

	for _, id := range ids {
		if err := b.Delete(ctx, id); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := b.Find(ctx, id); !errors.Is(err, hsm.ErrKeyNotFound) {
			t.Fatalf("Find after Delete: %v, want ErrKeyNotFound", err)
		}
		if err := b.Delete(ctx, id); !errors.Is(err, hsm.ErrKeyNotFound) {
			t.Fatalf("second Delete: %v", err)
		}
	}
	if list, _ := b.List(ctx); len(list) != 0 {
		t.Fatalf("List after deleting all = %v", list)
	}
}

func TestSoftHSMKeysSurviveReopen(t *testing.T) {
	st := newSoftToken(t, "sihub-reopen")
	ctx := context.Background()
	b, err := Open(ctx, st.config())
	if err != nil {
		t.Fatal(err)
	}
	k, err := b.Generate(ctx, hsm.P256, "persisted")
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	b2 := openSoft(t, st.config())
	k2, err := b2.Find(ctx, k.ID())
	if err != nil {
		t.Fatalf("Find after reopen: %v", err)
	}
	if !k2.Public().(*ecdsa.PublicKey).Equal(k.Public()) {
		t.Fatal("public key changed across reopen")
	}
	d := sha256.Sum256([]byte("x"))
	if _, err := k2.Sign(rand.Reader, d[:], crypto.SHA256); err != nil {
		t.Fatal(err)
	}
}

func TestSoftHSMCapabilitiesAndErrors(t *testing.T) {
	st := newSoftToken(t, "sihub-caps")
	b := openSoft(t, st.config())
	ctx := context.Background()
	caps, err := hsm.Capabilities(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []hsm.Capability{hsm.CapECDSAP256, hsm.CapRSA3072PKCS1, hsm.CapRSA3072PSS} {
		if !hsm.Has(caps, c) {
			t.Errorf("capabilities %v lack %s", caps, c)
		}
	}
	if hsm.Has(caps, hsm.CapSM2SM3) {
		t.Errorf("SoftHSM2 reported SM2: %v", caps)
	}
	if _, err := b.Generate(ctx, hsm.SM2, "x"); !errors.Is(err, hsm.ErrUnsupported) {
		t.Errorf("Generate SM2 without profile: %v, want ErrUnsupported", err)
	}
	if _, err := b.Find(ctx, "not-hex"); !errors.Is(err, hsm.ErrKeyNotFound) {
		t.Errorf("Find(not-hex): %v", err)
	}
	if _, err := b.Find(ctx, "00112233"); !errors.Is(err, hsm.ErrKeyNotFound) {
		t.Errorf("Find(unknown): %v", err)
	}

	missing := st.config()
	missing.Token = "no-such-token"
	if _, err := Open(ctx, missing); !errors.Is(err, hsm.ErrDeviceUnavailable) {
		t.Errorf("Open of a missing token: %v, want ErrDeviceUnavailable", err)
	}
}

// A login is per application and token in PKCS#11, so the PIN is checked by
// the first backend that opens the token.
func TestSoftHSMWrongPIN(t *testing.T) {
	st := newSoftToken(t, "sihub-pin")
	bad := st.config()
	bad.PIN = "wrong"
	if _, err := Open(context.Background(), bad); !errors.Is(err, hsm.ErrWrongPassword) {
		t.Fatalf("Open with a wrong PIN: %v, want ErrWrongPassword", err)
	}
	openSoft(t, st.config()) // the right PIN still works
}

// SoftHSM2 has no SM2, but generating an EC key with the SM2 curve OID
// works and CKM_ECDSA signs with it: ECDSA on the SM2 curve. A profile that
// maps SM2 that naively must be caught by the software check.
func TestSoftHSMECDSAOnSM2CurveIsRejected(t *testing.T) {
	st := newSoftToken(t, "sihub-sm2trap")
	cfg := st.config()
	cfg.SM2 = &SM2Profile{Name: "naive-ec", KeyType: ckkEC, KeyGen: ckmECKeyPairGen, Sign: ckmECDSA, ECParams: oidSM2Curve, Output: SigRaw}
	b := openSoft(t, cfg)
	ctx := context.Background()
	k, err := b.Generate(ctx, hsm.SM2, "trap")
	if err != nil {
		t.Fatalf("Generate on the SM2 curve: %v", err)
	}
	if _, ok := k.Public().(*ecdsa.PublicKey); !ok || k.Algorithm() != hsm.SM2 {
		t.Fatalf("key %T %s", k.Public(), k.Algorithm())
	}
	msg := []byte("参保证明")
	_, err = k.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
	if !errors.Is(err, hsm.ErrBadSignature) {
		t.Fatalf("Sign = %v, want ErrBadSignature", err)
	}
	// The same through Find and List: the key is recognised as SM2 by its curve.
	list, err := b.List(ctx)
	if err != nil || len(list) != 1 || list[0].Alg != hsm.SM2 {
		t.Fatalf("List = %v, %v", list, err)
	}
	k2, err := b.Find(ctx, k.ID())
	if err != nil {
		t.Fatal(err)
	}
	e, err := sm2.CalculateSM2Hash(k2.Public().(*ecdsa.PublicKey), msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k2.Sign(rand.Reader, e, nil); !errors.Is(err, hsm.ErrBadSignature) {
		t.Fatalf("Sign(e) = %v, want ErrBadSignature", err)
	}
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// The token's files disappear in the middle of a batch: signing fails with
// hsm.ErrDeviceUnavailable, the breaker opens, and once the files are back
// and the cool-down has passed the backend re-initialises the module, logs
// in, finds the key again by CKA_ID and the batch goes on.
func TestSoftHSMTokenRemovedMidBatch(t *testing.T) {
	st := newSoftToken(t, "sihub-faults")
	clk := &testClock{now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	cfg := st.config()
	cfg.Pool = hsm.PoolOptions{MaxSessions: 2, FailureThreshold: 2, CoolDown: time.Minute, Now: clk.Now}
	b := openSoft(t, cfg)
	ctx := context.Background()
	k, err := b.Generate(ctx, hsm.P256, "batch")
	if err != nil {
		t.Fatal(err)
	}
	pub := k.Public().(*ecdsa.PublicKey)
	sign := func(i int) error {
		d := sha256.Sum256([]byte{byte(i)})
		sig, err := k.Sign(nil, d[:], crypto.SHA256)
		if err == nil && !ecdsa.VerifyASN1(pub, d[:], sig) {
			t.Fatalf("document %d: invalid signature", i)
		}
		return err
	}
	for i := range 3 {
		if err := sign(i); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
	}
	if err := os.Rename(st.tokens, st.tokens+".away"); err != nil {
		t.Fatal(err)
	}
	for i := 3; i < 5; i++ {
		if err := sign(i); !errors.Is(err, hsm.ErrDeviceUnavailable) || errors.Is(err, hsm.ErrCircuitOpen) {
			t.Fatalf("document %d without the token: %v", i, err)
		}
	}
	if err := sign(5); !errors.Is(err, hsm.ErrCircuitOpen) {
		t.Fatalf("document 5 with the breaker open: %v", err)
	}
	if err := os.Rename(st.tokens+".away", st.tokens); err != nil {
		t.Fatal(err)
	}
	if err := sign(6); !errors.Is(err, hsm.ErrCircuitOpen) {
		t.Fatalf("document 6 before the cool-down: %v", err)
	}
	clk.Advance(time.Minute)
	for i := 7; i < 10; i++ {
		if err := sign(i); err != nil {
			t.Fatalf("document %d after the token came back: %v", i, err)
		}
	}
	if b.Breaker() != "closed" {
		t.Fatalf("breaker %s", b.Breaker())
	}
}

// Through the registry with an RFC 7512 URI whose PIN comes from a file,
// many goroutines sign at once on a bounded pool.
func TestSoftHSMURIAndConcurrentSigning(t *testing.T) {
	st := newSoftToken(t, "sihub uri")
	pinFile := filepath.Join(st.dir, "pin")
	if err := os.WriteFile(pinFile, []byte(testPIN+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hb, err := hsm.Open(ctx, "pkcs11:token=sihub%20uri?module-path="+softhsmModule+"&pin-source=file:"+pinFile)
	if err != nil {
		t.Fatalf("hsm.Open: %v", err)
	}
	b := hb.(*Backend)
	defer b.Close()
	k, err := b.Generate(ctx, hsm.P256, "concurrent")
	if err != nil {
		t.Fatal(err)
	}
	pub := k.Public().(*ecdsa.PublicKey)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				d := sha256.Sum256([]byte{byte(g), byte(i)})
				sig, err := k.Sign(nil, d[:], crypto.SHA256)
				if err == nil && !ecdsa.VerifyASN1(pub, d[:], sig) {
					err = errors.New("invalid signature")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// Keys sihub does not use (here RSA-2048, made with the token's own tool
// path, C_GenerateKeyPair) are left out of List and refused by Find.
func TestSoftHSMForeignKeysIgnored(t *testing.T) {
	st := newSoftToken(t, "sihub-foreign")
	b := openSoft(t, st.config())
	ctx := context.Background()
	id := []byte{0xfe, 0xed}
	err := b.pool.Do(ctx, func(s pkcs11.SessionHandle) error {
		_, _, err := b.mod.ctx.GenerateKeyPair(s, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN, nil)},
			[]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true), pkcs11.NewAttribute(pkcs11.CKA_ID, id),
				pkcs11.NewAttribute(pkcs11.CKA_MODULUS_BITS, 2048), pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, []byte{1, 0, 1})},
			[]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true), pkcs11.NewAttribute(pkcs11.CKA_ID, id),
				pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true), pkcs11.NewAttribute(pkcs11.CKA_SIGN, true)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Generate(ctx, hsm.P256, "ours"); err != nil {
		t.Fatal(err)
	}
	list, err := b.List(ctx)
	if err != nil || len(list) != 1 || list[0].Alg != hsm.P256 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if _, err := b.Find(ctx, "feed"); !errors.Is(err, hsm.ErrUnsupported) {
		t.Fatalf("Find(RSA-2048) = %v, want ErrUnsupported", err)
	}
}
