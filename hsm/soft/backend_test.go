package soft

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
	"sihub/internal/testutil"
	"sihub/model"
)

// testKDF keeps tests fast; the defaults are exercised by TestDefaultKDF.
var testKDF = KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

var fixedNow = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func openTest(t testing.TB, st BlobStore, pass string, c Cipher) *Backend {
	t.Helper()
	b, err := Open(context.Background(), st, []byte(pass), Options{Cipher: c, KDF: testKDF, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return b
}

// checkSigns signs with k and verifies the signature independently.
func checkSigns(t *testing.T, k hsm.Key) {
	t.Helper()
	msg := []byte("参保证明 sihub test message")
	switch pub := k.Public().(type) {
	case *ecdsa.PublicKey:
		if k.Algorithm() == hsm.SM2 {
			if pub.Curve != sm2.P256() {
				t.Fatalf("SM2 key on curve %s", pub.Curve.Params().Name)
			}
			sig, err := k.Sign(nil, msg, sm2.DefaultSM2SignerOpts)
			if err != nil {
				t.Fatal(err)
			}
			if !sm2.VerifyASN1WithSM2(pub, nil, msg, sig) {
				t.Fatal("SM2 signature with the default signer ID does not verify")
			}
			return
		}
		d := sha256.Sum256(msg)
		sig, err := k.Sign(nil, d[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if !ecdsa.VerifyASN1(pub, d[:], sig) {
			t.Fatal("ECDSA signature does not verify")
		}
	case *rsa.PublicKey:
		d := sha256.Sum256(msg)
		sig, err := k.Sign(nil, d[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unexpected public key %T", pub)
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	algs := []hsm.Algorithm{hsm.SM2, hsm.P256}
	if !testing.Short() {
		algs = append(algs, hsm.RSA3072)
	}
	for _, c := range []Cipher{SM4GCM, AES256GCM} {
		t.Run(string(c), func(t *testing.T) {
			st := newMemStore()
			b := openTest(t, st, "correct horse", c)
			ids := map[hsm.Algorithm]string{}
			pubs := map[hsm.Algorithm]crypto.PublicKey{}
			for _, alg := range algs {
				k, err := b.Generate(ctx, alg, "seal "+string(alg))
				if err != nil {
					t.Fatalf("Generate %s: %v", alg, err)
				}
				if !regexp.MustCompile(`^k-[0-9a-f]{16}$`).MatchString(k.ID()) || k.Algorithm() != alg {
					t.Fatalf("key id %q alg %s", k.ID(), k.Algorithm())
				}
				ids[alg], pubs[alg] = k.ID(), k.Public()
				checkSigns(t, k)
			}
			// The store holds only envelopes naming the chosen cipher.
			blobs, _ := st.ListKeys(ctx)
			for _, blob := range blobs {
				var env envelope
				if err := json.Unmarshal(blob.Wrapped, &env); err != nil {
					t.Fatalf("blob %s is not an envelope: %v", blob.ID, err)
				}
				if env.Cipher != c || env.KDF != "argon2id" || len(env.Salt) != 16 || len(env.Nonce) != 12 {
					t.Fatalf("envelope %+v", env)
				}
				if !blob.CreatedAt.Equal(fixedNow) {
					t.Fatalf("CreatedAt %v", blob.CreatedAt)
				}
			}
			if len(blobs) != len(algs) {
				t.Fatalf("%d blobs, want %d", len(blobs), len(algs))
			}
			// Reopen: a fresh process finds the keys under the same passphrase.
			b2 := openTest(t, st, "correct horse", "")
			for _, alg := range algs {
				k, err := b2.Find(ctx, ids[alg])
				if err != nil {
					t.Fatalf("Find %s: %v", alg, err)
				}
				if !k.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pubs[alg]) {
					t.Fatalf("%s: reopened key has another public key", alg)
				}
				checkSigns(t, k)
			}
			// All keys of one keystore share one salt, so one KEK is derived.
			if n := len(b2.keks); n != 1 {
				t.Fatalf("reopened keystore derived %d KEKs, want 1", n)
			}
		})
	}
}

func TestPlaintextNeverStored(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	b := openTest(t, st, "pw", "")
	k, err := b.Generate(ctx, hsm.P256, "x")
	if err != nil {
		t.Fatal(err)
	}
	priv := k.(*key).signer.(*ecdsa.PrivateKey)
	d := priv.D.Bytes()
	blob, _ := st.Key(ctx, k.ID())
	if bytes.Contains(blob.Wrapped, d) {
		t.Fatal("wrapped blob contains the private scalar")
	}
}

func TestWrongPassphrase(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	b := openTest(t, st, "right", "")
	if _, err := b.Generate(ctx, hsm.SM2, ""); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, st, []byte("wrong"), Options{KDF: testKDF})
	if !errors.Is(err, hsm.ErrWrongPassword) {
		t.Fatalf("Open with wrong passphrase: %v, want ErrWrongPassword", err)
	}
	if !strings.Contains(err.Error(), "passphrase opens none of the 1 stored keys") {
		t.Fatalf("message not clear: %v", err)
	}
}

func TestTampered(t *testing.T) {
	ctx := context.Background()
	mutate := map[string]func(b *model.KeyBlob, e *envelope){
		"ciphertext": func(_ *model.KeyBlob, e *envelope) { e.Ciphertext[3] ^= 1 },
		"tag":        func(_ *model.KeyBlob, e *envelope) { e.Ciphertext[len(e.Ciphertext)-1] ^= 0x80 },
		"salt":       func(_ *model.KeyBlob, e *envelope) { e.Salt[0] ^= 1 },
		"nonce":      func(_ *model.KeyBlob, e *envelope) { e.Nonce[0] ^= 1 },
		"kdf-params": func(_ *model.KeyBlob, e *envelope) { e.Time = 2 },
		"cipher":     func(_ *model.KeyBlob, e *envelope) { e.Cipher = AES256GCM },
		"ad-alg":     func(b *model.KeyBlob, _ *envelope) { b.Alg = string(hsm.P256) },
		"truncated":  func(_ *model.KeyBlob, e *envelope) { e.Ciphertext = e.Ciphertext[:10] },
		"format":     func(_ *model.KeyBlob, e *envelope) { e.Format = "other/1" },
		"huge-kdf":   func(_ *model.KeyBlob, e *envelope) { e.MemoryKiB = 1 << 30 },
	}
	for name, m := range mutate {
		t.Run(name, func(t *testing.T) {
			st := newMemStore()
			b := openTest(t, st, "pw", "")
			k, err := b.Generate(ctx, hsm.SM2, "")
			if err != nil {
				t.Fatal(err)
			}
			blob, _ := st.Key(ctx, k.ID())
			var env envelope
			if err := json.Unmarshal(blob.Wrapped, &env); err != nil {
				t.Fatal(err)
			}
			m(&blob, &env)
			blob.Wrapped, _ = json.Marshal(env)
			st.replace(blob)
			fresh := &Backend{store: st, passphrase: []byte("pw"), keks: map[kekID][]byte{}, keys: map[string]*key{}}
			_, err = fresh.Find(ctx, k.ID())
			if !errors.Is(err, hsm.ErrWrongPassword) {
				t.Fatalf("Find tampered key: %v, want ErrWrongPassword", err)
			}
			if !strings.HasPrefix(err.Error(), "hsm/soft: key") {
				t.Fatalf("message not clear: %v", err)
			}
			t.Log(err)
		})
	}
	t.Run("ad-id", func(t *testing.T) {
		st := newMemStore()
		b := openTest(t, st, "pw", "")
		k, err := b.Generate(ctx, hsm.SM2, "")
		if err != nil {
			t.Fatal(err)
		}
		blob, _ := st.Key(ctx, k.ID())
		blob.ID = "k-0000000000000000" // the blob moved to another id
		if err := st.PutKey(ctx, blob); err != nil {
			t.Fatal(err)
		}
		_, err = b.Find(ctx, blob.ID)
		if !errors.Is(err, hsm.ErrWrongPassword) {
			t.Fatalf("Find moved key: %v, want ErrWrongPassword", err)
		}
	})
}

func TestDeleteAndList(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	b := openTest(t, st, "pw", AES256GCM)
	k1, err := b.Generate(ctx, hsm.SM2, "seal-sm2")
	if err != nil {
		t.Fatal(err)
	}
	k2, err := b.Generate(ctx, hsm.P256, "seal-p256")
	if err != nil {
		t.Fatal(err)
	}
	infos, err := b.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]hsm.KeyInfo{}
	for _, in := range infos {
		got[in.ID] = in
	}
	if len(got) != 2 || got[k1.ID()].Alg != hsm.SM2 || got[k1.ID()].Label != "seal-sm2" ||
		got[k2.ID()].Alg != hsm.P256 || !got[k2.ID()].CreatedAt.Equal(fixedNow) {
		t.Fatalf("List = %+v", infos)
	}
	if err := b.Delete(ctx, k1.ID()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Find(ctx, k1.ID()); !errors.Is(err, hsm.ErrKeyNotFound) || !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("Find deleted: %v", err)
	}
	if err := b.Delete(ctx, k1.ID()); !errors.Is(err, hsm.ErrKeyNotFound) {
		t.Fatalf("Delete twice: %v", err)
	}
	if infos, _ := b.List(ctx); len(infos) != 1 || infos[0].ID != k2.ID() {
		t.Fatalf("List after delete = %+v", infos)
	}
}

func TestUnsupportedAlgorithm(t *testing.T) {
	b := openTest(t, newMemStore(), "pw", "")
	if _, err := b.Generate(context.Background(), "ed448", ""); !errors.Is(err, hsm.ErrUnsupported) {
		t.Fatalf("Generate ed448: %v", err)
	}
}

func TestDefaultKDF(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	b, err := Open(ctx, st, []byte(DevelopmentPassphrase), Options{})
	if err != nil {
		t.Fatal(err)
	}
	k, err := b.Generate(ctx, hsm.SM2, "")
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := st.Key(ctx, k.ID())
	env, err := parseEnvelope(blob.Wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if env.params() != DefaultKDFParams || env.Cipher != SM4GCM {
		t.Fatalf("defaults: %+v %s", env.params(), env.Cipher)
	}
	start := time.Now()
	if _, err := Open(ctx, st, []byte(DevelopmentPassphrase), Options{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("open with default argon2id parameters: %v", time.Since(start))
}

func TestDevelopmentPassphrase(t *testing.T) {
	for _, c := range []struct {
		p    string
		want bool
	}{{DevelopmentPassphrase, true}, {"", true}, {"sihub-development-only ", false}, {"s3cret", false}} {
		if got := IsDevelopmentPassphrase([]byte(c.p)); got != c.want {
			t.Errorf("IsDevelopmentPassphrase(%q) = %v", c.p, got)
		}
	}
}

func FuzzEnvelope(f *testing.F) {
	st := newMemStore()
	b := openTest(f, st, "pw", "")
	k, err := b.Generate(context.Background(), hsm.P256, "")
	if err != nil {
		f.Fatal(err)
	}
	blob, _ := st.Key(context.Background(), k.ID())
	f.Add(blob.Wrapped)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"sihub-wrapped-key/1"} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := parseEnvelope(data)
		if err != nil {
			if !errors.Is(err, hsm.ErrWrongPassword) {
				t.Fatalf("parse error not ErrWrongPassword: %v", err)
			}
			return
		}
		if env.params().check() != nil || len(env.Nonce) != nonceLen {
			t.Fatalf("accepted invalid envelope %+v", env)
		}
	})
}

// BenchmarkSign compares, per algorithm, the library's own call on the
// parsed key (path=own: gmsm SM2 with SM3(Z‖M), crypto/ecdsa P-256) with
// the same key as Find returns it (path=adapter); compare them with
// benchstat -col /path.
func BenchmarkSign(b *testing.B) {
	ctx := context.Background()
	st := newMemStore()
	ks := openTest(b, st, "pw", "")
	msg := bytes.Repeat([]byte("x"), 256)
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		k, err := ks.Generate(ctx, alg, "")
		if err != nil {
			b.Fatal(err)
		}
		var opts crypto.SignerOpts = crypto.SHA256
		digest := sha256.Sum256(msg)
		in := digest[:]
		if alg == hsm.SM2 {
			opts, in = sm2.DefaultSM2SignerOpts, msg
		}
		// Find returns the cached parsed key.
		k, err = ks.Find(ctx, k.ID())
		if err != nil {
			b.Fatal(err)
		}
		own := k.(*key).signer
		for _, p := range []struct {
			name string
			s    crypto.Signer
		}{{"own", own}, {"adapter", k}} {
			b.Run("alg="+string(alg)+"/path="+p.name, func(b *testing.B) {
				b.ReportAllocs()
				testutil.Loop(b, "sig", func() error { _, err := p.s.Sign(rand.Reader, in, opts); return err })
			})
		}
	}
}

func TestConcurrentFindSign(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	b := openTest(t, st, "pw", "")
	var ids []string
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		k, err := b.Generate(ctx, alg, "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, k.ID())
	}
	fresh := openTest(t, st, "pw", "")
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			k, err := fresh.Find(ctx, ids[i%2])
			if err == nil {
				_, err = k.Sign(nil, []byte("m"), sm2.DefaultSM2SignerOpts)
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
