package tsa

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"sihub/certs/cms"
	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

func TestStampAndVerify(t *testing.T) {
	for _, alg := range algs {
		for _, h := range []Hash{SHA256, SM3} {
			for _, certReq := range []bool{true, false} {
				name := string(alg) + "/" + h.String()
				if certReq {
					name += "/certReq"
				}
				t.Run(name, func(t *testing.T) {
					f := newFixture(t, alg)
					data := []byte("签名值 signature value")
					req := &Request{Hash: h, HashedMessage: imprintOf(h, data), Nonce: big.NewInt(0x1234567890), CertReq: certReq}
					der, err := req.Marshal()
					if err != nil {
						t.Fatal(err)
					}
					resp, err := ParseResponse(f.a.Respond(context.Background(), der))
					if err != nil {
						t.Fatal(err)
					}
					if resp.Status != StatusGranted || resp.Token == nil {
						t.Fatalf("status %d %q", resp.Status, resp.Text)
					}
					tok, err := ParseToken(resp.Token)
					if err != nil {
						t.Fatal(err)
					}
					if certReq != (tok.Signer() != nil) {
						t.Fatalf("certReq %v, certificate embedded %v", certReq, tok.Signer() != nil)
					}
					if certReq && len(tok.SignedData.Certificates) != 2 {
						t.Errorf("%d certificates, want the TSA's and the issuing CA's", len(tok.SignedData.Certificates))
					}
					if err := tok.Verify(f.h.TSA); err != nil {
						t.Fatalf("Verify: %v", err)
					}
					if !tok.Covers(data) || tok.Covers([]byte("other")) {
						t.Error("Covers")
					}
					in := tok.Info
					wantTime := f.clk.Now().UTC().Truncate(time.Millisecond)
					if !in.GenTime.Equal(wantTime) || in.Accuracy != time.Second || in.Nonce.Cmp(req.Nonce) != 0 ||
						!in.Policy.Equal(DefaultPolicy) || in.Hash != h || in.SerialNumber.Sign() <= 0 {
						t.Errorf("TSTInfo %+v (want genTime %s)", in, wantTime)
					}
					// The signature algorithm follows the TSA key.
					wantDigest := cms.OIDDigestSHA256
					if alg == hsm.SM2 {
						wantDigest = cms.OIDDigestSM3
					}
					if si := tok.SignedData.Signers[0]; !si.DigestAlgorithm.Equal(wantDigest) || tok.SignedData.Version != 3 {
						t.Errorf("digest %s version %d", si.DigestAlgorithm, tok.SignedData.Version)
					}
					// A token verified against another TSA certificate fails
					// when it carries none.
					if !certReq {
						other := pkitest.New(t, alg)
						if err := tok.Verify(other.TSA); !errors.Is(err, ErrVerify) {
							t.Errorf("other TSA certificate: %v", err)
						}
					}
				})
			}
		}
	}
}

func TestTamperedTokenFails(t *testing.T) {
	for _, alg := range algs {
		t.Run(string(alg), func(t *testing.T) {
			f := newFixture(t, alg)
			tok, info, err := f.a.Stamp(context.Background(), &Request{Hash: SHA256, HashedMessage: imprintOf(SHA256, []byte("x")), CertReq: true})
			if err != nil {
				t.Fatal(err)
			}
			i := bytes.Index(tok, info.HashedMessage)
			bad := bytes.Clone(tok)
			bad[i] ^= 1
			parsed, err := ParseToken(bad)
			if err != nil {
				t.Fatal(err)
			}
			if err := parsed.Verify(nil); !errors.Is(err, ErrVerify) || !errors.Is(err, cms.ErrDigestMismatch) {
				t.Fatalf("tampered imprint: %v", err)
			}
		})
	}
}

func TestSerialsAreUnique(t *testing.T) {
	f := newFixture(t, hsm.P256)
	seen := map[string]bool{}
	req := &Request{Hash: SHA256, HashedMessage: imprintOf(SHA256, nil)}
	for range 300 {
		_, info, err := f.a.Stamp(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		s := info.SerialNumber.Text(16)
		if seen[s] {
			t.Fatalf("serial %s repeated", s)
		}
		seen[s] = true
	}
	// A configured serial source is used as is.
	var n int64
	a, err := New(Config{Certificate: f.h.TSA, Key: f.h.TSAKey, Now: f.clk.Now, Accuracy: 1500 * time.Microsecond,
		Serial: func() (*big.Int, error) { n++; return big.NewInt(n), nil }})
	if err != nil {
		t.Fatal(err)
	}
	der, info, err := a.Stamp(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if info.SerialNumber.Int64() != 1 {
		t.Fatalf("serial %v", info.SerialNumber)
	}
	tok, err := ParseToken(der)
	if err != nil || tok.Info.Accuracy != 1500*time.Microsecond {
		t.Fatalf("accuracy: %v %v", tok.Info.Accuracy, err)
	}
}

func TestRejections(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	good := imprintOf(SHA256, []byte("x"))
	sha1Req := []byte{0x30, 0x24, 0x02, 0x01, 0x01, 0x30, 0x1f, 0x30, 0x07, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a,
		0x04, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
	withPolicy, _ := (&Request{Hash: SHA256, HashedMessage: good, Policy: []int{1, 2, 3}}).Marshal()
	withExt, _ := (&Request{Hash: SHA256, HashedMessage: good}).Marshal()
	withExt = append(withExt[:1:1], append([]byte{withExt[1] + 2}, append(withExt[2:], 0xa0, 0x00)...)...)
	ourPolicy, _ := (&Request{Hash: SHA256, HashedMessage: good, Policy: DefaultPolicy}).Marshal()
	cases := []struct {
		name string
		der  []byte
		bit  int
	}{
		{"sha1", sha1Req, FailBadAlg},
		{"policy", withPolicy, FailUnacceptedPolicy},
		{"extension", withExt, FailUnacceptedExtension},
		{"garbage", []byte{0x30, 0x03, 0x02, 0x01, 0x01}, FailBadDataFormat},
		{"too large", make([]byte, MaxRequestSize+1), FailBadDataFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := ParseResponse(f.a.Respond(context.Background(), c.der))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != StatusRejection || resp.Token != nil || !resp.FailureBit(c.bit) || resp.FailInfo != 1<<c.bit {
				t.Fatalf("status %d failInfo %#x text %q, want bit %d", resp.Status, resp.FailInfo, resp.Text, c.bit)
			}
		})
	}
	if resp, err := ParseResponse(f.a.Respond(context.Background(), ourPolicy)); err != nil || resp.Status != StatusGranted {
		t.Fatalf("our own policy: %v %+v", err, resp)
	}
}

func TestNewChecksCertificate(t *testing.T) {
	h := pkitest.New(t, hsm.P256)
	for name, cfg := range map[string]Config{
		"seal certificate": {Certificate: h.Seal, Key: h.SealKey},
		"OCSP certificate": {Certificate: h.OCSP, Key: h.OCSPKey},
		"key of another":   {Certificate: h.TSA, Key: h.SealKey},
		"missing key":      {Certificate: h.TSA},
	} {
		if _, err := New(cfg); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestStamper(t *testing.T) {
	for _, alg := range algs {
		t.Run(string(alg), func(t *testing.T) {
			f := newFixture(t, alg)
			h := SHA256
			if alg == hsm.SM2 {
				h = SM3
			}
			sig := []byte("a signature value")
			tok, err := NewStamper(f.a, h, nil)(sig)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := ParseToken(tok)
			if err != nil || parsed.Verify(nil) != nil || !parsed.Covers(sig) || parsed.Info.Hash != h {
				t.Fatalf("token: %v", err)
			}
			// A TSA that stamps something else, or drops the nonce, is caught.
			if _, err := NewStamper(liar{f.a, false}, h, nil)(sig); !errors.Is(err, ErrVerify) {
				t.Errorf("wrong imprint: %v", err)
			}
			if _, err := NewStamper(liar{f.a, true}, h, nil)(sig); !errors.Is(err, ErrVerify) {
				t.Errorf("nonce dropped: %v", err)
			}
			if _, err := NewStamper(rejecter{}, h, nil)(sig); !errors.Is(err, ErrRejected) {
				t.Errorf("rejection: %v", err)
			}
		})
	}
}

// liar answers with a token over another imprint, or without the nonce.
type liar struct {
	a         *Authority
	dropNonce bool
}

func (l liar) Respond(ctx context.Context, der []byte) []byte {
	req, err := ParseRequest(der)
	if err != nil {
		panic(err)
	}
	if l.dropNonce {
		req.Nonce = nil
	} else {
		req.HashedMessage = bytes.Repeat([]byte{7}, len(req.HashedMessage))
	}
	tok, _, err := l.a.Stamp(ctx, req)
	if err != nil {
		panic(err)
	}
	return granted(tok)
}

type rejecter struct{}

func (rejecter) Respond(context.Context, []byte) []byte {
	return rejection(FailTimeNotAvailable, "clock lost")
}
