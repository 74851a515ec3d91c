//go:build cgo

package sdf

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"testing"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
	"sihub/internal/testutil"
)

// BenchmarkSign: gmsm in software (path=gmsm); the test device's own
// SDF_InternalSign_ECC on one session (path=own; it reads its PEM key and
// signs with OpenSSL on every call); the adapter (e = SM3(Z‖M) in Go, pool,
// r/s decoding; the pool in its default mode, hsm.ModeAuto) without
// (path=adapter) and with the software check (path=verified); the adapter
// with every call handed to the session's goroutine (path=hand-off) and
// with x-call-mode=inline (path=inline). Compare with benchstat -col /path.
func BenchmarkSign(b *testing.B) {
	msg := []byte("benchmark")
	b.Run("alg=sm2/path=gmsm", func(b *testing.B) {
		priv, _ := sm2.GenerateKey(rand.Reader)
		testutil.Loop(b, "sig", func() error { _, err := priv.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts); return err })
	})
	d := newTestDevice(b, 64, 1)
	be, err := Open(context.Background(), d.config(1))
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	verified, err := be.Find(context.Background(), "1")
	if err != nil {
		b.Fatal(err)
	}
	inner := &key{b: be, idx: 1, id: "1", pub: verified.Public().(*ecdsa.PublicKey)}
	e, _ := hsm.SM2Digest(inner.pub, msg, sm2.DefaultSM2SignerOpts)
	b.Run("alg=sm2/path=own", func(b *testing.B) {
		err := be.pool.Do(context.Background(), func(s *session) error {
			if err := be.grant(s, 1); err != nil {
				return err
			}
			testutil.Loop(b, "sig", func() error { _, err := be.lib.internalSign(s.h, 1, e, 64); return err })
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	})
	b.Run("alg=sm2/path=adapter", func(b *testing.B) {
		testutil.Loop(b, "sig", func() error { _, err := inner.Sign(nil, msg, sm2.DefaultSM2SignerOpts); return err })
	})
	for _, mode := range []hsm.CallMode{hsm.ModeHandOff, hsm.ModeInline} {
		b.Run("alg=sm2/path="+mode.String(), func(b *testing.B) {
			pooled := be.pool
			be.pool = hsm.NewPool[*session](sessions{be}, hsm.PoolOptions{Mode: mode})
			defer func() { be.pool.Close(); be.pool = pooled }()
			testutil.Loop(b, "sig", func() error { _, err := inner.Sign(nil, msg, sm2.DefaultSM2SignerOpts); return err })
		})
	}
	b.Run("alg=sm2/path=verified", func(b *testing.B) {
		testutil.Loop(b, "sig", func() error { _, err := verified.Sign(nil, msg, sm2.DefaultSM2SignerOpts); return err })
	})
}
