package ocsp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/crl"
	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

func TestRespondStatuses(t *testing.T) {
	for _, alg := range algs {
		for _, h := range []Hash{SHA1, SHA256, SM3} {
			t.Run(string(alg)+"/"+h.String(), func(t *testing.T) {
				f := newFixture(t, alg)
				nonce := []byte("0123456789abcdef")
				cases := []struct {
					cert *smx509.Certificate
					want Status
				}{
					{f.h.Seal, Status{State: Good}},
					{f.h.TSA, Status{State: Revoked, RevokedAt: f.revoked, Reason: crl.KeyCompromise}},
					{f.h.OCSP, Status{State: Unknown}},
				}
				for _, c := range cases {
					req, err := CreateRequest(c.cert, f.h.Issuing, h, nonce)
					if err != nil {
						t.Fatal(err)
					}
					der, res := f.r.Respond(context.Background(), req)
					if res.Status != Successful || !res.Nonce || res.Cached {
						t.Fatalf("result %+v", res)
					}
					resp, err := ParseResponse(der, f.h.Issuing)
					if err != nil {
						t.Fatalf("ParseResponse: %v", err)
					}
					if !resp.Signer.Equal(f.h.OCSP) {
						t.Errorf("signed by %q", resp.Signer.Subject.CommonName)
					}
					if len(resp.Responses) != 1 {
						t.Fatalf("%d responses", len(resp.Responses))
					}
					sr := resp.Responses[0]
					if sr.Status != c.want {
						t.Errorf("%s: status %+v, want %+v", c.cert.Subject.CommonName, sr.Status, c.want)
					}
					if sr.CertID.SerialNumber.Cmp(c.cert.SerialNumber) != 0 || sr.CertID.Hash != h {
						t.Errorf("CertID %+v", sr.CertID)
					}
					now := f.clk.Now()
					if !sr.ThisUpdate.Equal(now) || !sr.NextUpdate.Equal(now.Add(time.Hour)) || !resp.ProducedAt.Equal(now) {
						t.Errorf("times %s %s %s", resp.ProducedAt, sr.ThisUpdate, sr.NextUpdate)
					}
					wantNonce := append([]byte{0x04, byte(len(nonce))}, nonce...)
					if !bytes.Equal(resp.Nonce, wantNonce) {
						t.Errorf("nonce %x, want %x", resp.Nonce, wantNonce)
					}
					if alg == hsm.P256 && h != SM3 {
						crossCheckXCrypto(t, der, c.cert, f, c.want)
					}
				}
			})
		}
	}
}

// crossCheckXCrypto reads a P-256 response with golang.org/x/crypto/ocsp,
// a parser and verifier independent of ours.
func crossCheckXCrypto(t *testing.T, der []byte, cert *smx509.Certificate, f *fixture, want Status) {
	t.Helper()
	r, err := xocsp.ParseResponseForCert(der, cert.ToX509(), f.h.Issuing.ToX509())
	if err != nil {
		t.Fatalf("x/crypto/ocsp: %v", err)
	}
	wantStatus := map[State]int{Good: xocsp.Good, Revoked: xocsp.Revoked, Unknown: xocsp.Unknown}[want.State]
	if r.Status != wantStatus || !r.Certificate.Equal(f.h.OCSP.ToX509()) {
		t.Errorf("x/crypto/ocsp: status %d, want %d", r.Status, wantStatus)
	}
	if want.State == Revoked && (!r.RevokedAt.Equal(want.RevokedAt) || r.RevocationReason != int(want.Reason)) {
		t.Errorf("x/crypto/ocsp: revoked %s reason %d", r.RevokedAt, r.RevocationReason)
	}
}

func TestRespondErrors(t *testing.T) {
	f := newFixture(t, hsm.P256)
	other := pkitest.New(t, hsm.P256)
	ctx := context.Background()
	foreign, _ := CreateRequest(other.Seal, other.Issuing, SHA1, nil)
	if _, res := f.r.Respond(ctx, foreign); res.Status != Unauthorized {
		t.Errorf("foreign issuer: %s", res.Status)
	}
	if der, res := f.r.Respond(ctx, []byte{0x30, 0x00}); res.Status != MalformedRequest || !bytes.Equal(der, []byte{0x30, 3, 0x0a, 1, 1}) {
		t.Errorf("malformed: %s %x", res.Status, der)
	}
	if _, err := ParseResponse([]byte{0x30, 3, 0x0a, 1, 6}, f.h.Issuing); !errors.Is(err, ErrStatus) {
		t.Errorf("ParseResponse of an error status: %v", err)
	}
	bad, err := NewResponder(Config{Issuers: []Issuer{{CA: f.h.Issuing, Signer: f.h.OCSP, Key: f.h.OCSPKey}}, Source: failingSource{}, Now: f.clk.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := CreateRequest(f.h.Seal, f.h.Issuing, SHA1, nil)
	if _, res := bad.Respond(ctx, req); res.Status != InternalError {
		t.Errorf("failing source: %s", res.Status)
	}
	// A response checked against another CA does not verify.
	der, _ := f.r.Respond(ctx, req)
	if _, err := ParseResponse(der, other.Issuing); !errors.Is(err, ErrVerify) {
		t.Errorf("wrong CA: %v", err)
	}
	// A flipped bit in the signed data does not verify.
	broken := bytes.Clone(der)
	i := bytes.Index(broken, f.h.Seal.SerialNumber.Bytes())
	broken[i] ^= 1
	if _, err := ParseResponse(broken, f.h.Issuing); !errors.Is(err, ErrVerify) {
		t.Errorf("tampered: %v", err)
	}
}

func TestNewResponderChecksSigner(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	other := pkitest.New(t, hsm.SM2)
	for name, iss := range map[string]Issuer{
		"seal certificate as signer": {CA: f.h.Issuing, Signer: f.h.Seal, Key: f.h.SealKey},
		"signer of another CA":       {CA: f.h.Issuing, Signer: other.OCSP, Key: other.OCSPKey},
		"key of another certificate": {CA: f.h.Issuing, Signer: f.h.OCSP, Key: f.h.TSAKey},
		"missing key":                {CA: f.h.Issuing, Signer: f.h.OCSP},
	} {
		if _, err := NewResponder(Config{Issuers: []Issuer{iss}, Source: f.src}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCache(t *testing.T) {
	f := newFixture(t, hsm.P256)
	ctx := context.Background()
	req, _ := CreateRequest(f.h.Seal, f.h.Issuing, SHA256, nil)
	first, res := f.r.Respond(ctx, req)
	if res.Cached {
		t.Fatal("first answer from the cache")
	}
	f.clk.Advance(5*time.Minute - time.Second)
	again, res := f.r.Respond(ctx, req)
	if !res.Cached || !bytes.Equal(first, again) {
		t.Fatal("second answer within CacheFor not from the cache")
	}
	// A nonce bypasses the cache.
	withNonce, _ := CreateRequest(f.h.Seal, f.h.Issuing, SHA256, []byte{1, 2, 3})
	if _, res := f.r.Respond(ctx, withNonce); res.Cached {
		t.Fatal("a request with a nonce was answered from the cache")
	}
	// A revocation shows after Purge.
	f.src.Set(serialOf(f.h.Issuing), f.h.Seal.SerialNumber, Status{State: Revoked, RevokedAt: f.clk.Now(), Reason: crl.Superseded})
	if _, res := f.r.Respond(ctx, req); !res.Cached {
		t.Fatal("cache dropped without Purge")
	}
	f.r.Purge()
	der, res := f.r.Respond(ctx, req)
	if res.Cached {
		t.Fatal("answer from the cache after Purge")
	}
	resp, err := ParseResponse(der, f.h.Issuing)
	if err != nil || resp.Responses[0].Status.State != Revoked {
		t.Fatalf("after Purge: %v %+v", err, resp)
	}
	// And the cache expires on its own.
	f.clk.Advance(5 * time.Minute)
	if _, res := f.r.Respond(ctx, req); res.Cached {
		t.Fatal("answer from the cache after CacheFor")
	}
}

func serialOf(c *smx509.Certificate) string { return c.SerialNumber.Text(16) }

// TestMultipleCertIDs: one request for three certificates, one of another
// CA, which is answered unknown.
func TestMultipleCertIDs(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	other := pkitest.New(t, hsm.SM2)
	ids := [][]byte{}
	for _, c := range []struct{ cert, issuer *smx509.Certificate }{{f.h.Seal, f.h.Issuing}, {other.Seal, other.Issuing}, {f.h.TSA, f.h.Issuing}} {
		der, _ := CreateRequest(c.cert, c.issuer, SM3, nil)
		req, err := ParseRequest(der, 0)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, req.CertIDs[0].Raw)
	}
	var certIDs []CertID
	for _, raw := range ids {
		s := raw
		id, err := parseCertIDBytes(s)
		if err != nil {
			t.Fatal(err)
		}
		certIDs = append(certIDs, id)
	}
	der, res := f.r.RespondTo(context.Background(), &Request{CertIDs: certIDs})
	if res.Status != Successful {
		t.Fatal(res.Status)
	}
	resp, err := ParseResponse(der, f.h.Issuing)
	if err != nil {
		t.Fatal(err)
	}
	got := []State{}
	for _, sr := range resp.Responses {
		got = append(got, sr.Status.State)
	}
	if len(got) != 3 || got[0] != Good || got[1] != Unknown || got[2] != Revoked {
		t.Fatalf("states %v", got)
	}
}
