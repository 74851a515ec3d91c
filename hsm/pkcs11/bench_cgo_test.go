//go:build cgo

package pkcs11

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/miekg/pkcs11"

	"sihub/hsm"
	"sihub/internal/testutil"
)

// BenchmarkSign compares, in one process: software SM2 (gmsm) and ECDSA
// P-256 (crypto/ecdsa); SoftHSM2's own C_SignInit+C_Sign on one session
// (path=own); the adapter without the software check (path=adapter: the
// pool in its default mode — hsm.ModeAuto, which runs a fast token's calls
// on the caller's goroutine — the per-call timeout, the signature's DER
// encoding), the same with every call handed to the session's goroutine
// (path=hand-off) and with x-call-mode=inline (path=inline), and the key as
// Find returns it, verified in software (path=verified). Compare with
// benchstat -col /path.
func BenchmarkSign(b *testing.B) {
	digest := sha256.Sum256([]byte("benchmark"))
	b.Run("alg=sm2/path=gmsm", func(b *testing.B) {
		priv, _ := sm2.GenerateKey(rand.Reader)
		e, _ := sm2.CalculateSM2Hash(&priv.PublicKey, digest[:], nil)
		testutil.Loop(b, "sig", func() error { _, err := priv.Sign(rand.Reader, e, nil); return err })
	})
	b.Run("alg=p256/path=go-ecdsa", func(b *testing.B) {
		priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		testutil.Loop(b, "sig", func() error { _, err := ecdsa.SignASN1(rand.Reader, priv, digest[:]); return err })
	})

	st := newSoftToken(b, "sihub-bench")
	be, err := Open(context.Background(), st.config())
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	for _, alg := range []hsm.Algorithm{hsm.P256, hsm.RSA3072} {
		verified, err := be.Generate(context.Background(), alg, "bench")
		if err != nil {
			b.Fatal(err)
		}
		id, _ := hex.DecodeString(verified.ID())
		inner := &key{b: be, id: id, hexID: verified.ID(), alg: alg, pub: verified.Public()}
		mech, input, err := inner.prepare(digest[:], crypto.SHA256)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("alg="+string(alg)+"/path=own", func(b *testing.B) {
			err := be.pool.Do(context.Background(), func(s pkcs11.SessionHandle) error {
				h, err := be.privateHandle(s, id, verified.ID())
				if err != nil {
					return err
				}
				testutil.Loop(b, "sig", func() error {
					if err := be.mod.ctx.SignInit(s, []*pkcs11.Mechanism{mech}, h); err != nil {
						return err
					}
					_, err := be.mod.ctx.Sign(s, input)
					return err
				})
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
		b.Run("alg="+string(alg)+"/path=adapter", func(b *testing.B) {
			testutil.Loop(b, "sig", func() error { _, err := inner.Sign(nil, digest[:], crypto.SHA256); return err })
		})
		for _, mode := range []hsm.CallMode{hsm.ModeHandOff, hsm.ModeInline} {
			b.Run("alg="+string(alg)+"/path="+mode.String(), func(b *testing.B) {
				pooled := be.pool
				be.pool = hsm.NewPool[pkcs11.SessionHandle](sessions{be}, hsm.PoolOptions{Mode: mode})
				defer func() { be.pool.Close(); be.pool = pooled }()
				testutil.Loop(b, "sig", func() error { _, err := inner.Sign(nil, digest[:], crypto.SHA256); return err })
			})
		}
		b.Run("alg="+string(alg)+"/path=verified", func(b *testing.B) {
			testutil.Loop(b, "sig", func() error { _, err := verified.Sign(nil, digest[:], crypto.SHA256); return err })
		})
	}
}

// BenchmarkSignParallel is BenchmarkSign's own call and adapter for P-256
// with one signer per core, as a sealing server runs: each goroutine of
// path=own holds a session of its own. Compare with benchstat -col /path.
func BenchmarkSignParallel(b *testing.B) {
	digest := sha256.Sum256([]byte("benchmark"))
	st := newSoftToken(b, "sihub-bench")
	be, err := Open(context.Background(), st.config())
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	verified, err := be.Generate(context.Background(), hsm.P256, "bench")
	if err != nil {
		b.Fatal(err)
	}
	id, _ := hex.DecodeString(verified.ID())
	inner := &key{b: be, id: id, hexID: verified.ID(), alg: hsm.P256, pub: verified.Public()}
	mech, input, err := inner.prepare(digest[:], crypto.SHA256)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("alg=p256/path=own", func(b *testing.B) {
		m := testutil.StartCPU()
		b.RunParallel(func(pb *testing.PB) {
			err := be.pool.Do(context.Background(), func(s pkcs11.SessionHandle) error {
				h, err := be.privateHandle(s, id, verified.ID())
				if err != nil {
					return err
				}
				for pb.Next() {
					if err := be.mod.ctx.SignInit(s, []*pkcs11.Mechanism{mech}, h); err != nil {
						return err
					}
					if _, err := be.mod.ctx.Sign(s, input); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Error(err)
			}
		})
		m.Report(b, runtime.GOMAXPROCS(0))
	})
	for _, path := range []string{"adapter", "hand-off"} {
		b.Run("alg=p256/path="+path, func(b *testing.B) {
			if path == "hand-off" {
				pooled := be.pool
				be.pool = hsm.NewPool[pkcs11.SessionHandle](sessions{be}, hsm.PoolOptions{Mode: hsm.ModeHandOff})
				defer func() { be.pool.Close(); be.pool = pooled }()
			}
			m := testutil.StartCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := inner.Sign(nil, digest[:], crypto.SHA256); err != nil {
						b.Error(err)
						return
					}
				}
			})
			m.Report(b, runtime.GOMAXPROCS(0))
		})
	}
}
