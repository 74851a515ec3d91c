package ocspparse_test

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"sihub/certs"
	"sihub/certs/crl/crlreason"
	"sihub/certs/internal/pkitest"
	"sihub/certs/ocsp"
	"sihub/certs/ocsp/ocspparse"
	"sihub/hsm"
)

// responses returns, for each algorithm, the CA and a response of the
// certs/ocsp responder about a good and a revoked certificate.
func responses(t testing.TB) (cas []*pkitest.Hierarchy, ders [][]byte) {
	t.Helper()
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		h := pkitest.New(t, alg)
		src := ocsp.NewMemorySource()
		is := certs.SerialHex(h.Issuing.SerialNumber)
		src.Set(is, h.Seal.SerialNumber, ocsp.Status{State: ocsp.Good})
		src.Set(is, h.TSA.SerialNumber, ocsp.Status{State: ocsp.Revoked, RevokedAt: pkitest.Now, Reason: crlreason.KeyCompromise})
		clk := pkitest.NewClock(pkitest.Now.Add(time.Hour))
		r, err := ocsp.NewResponder(ocsp.Config{Issuers: []ocsp.Issuer{{CA: h.Issuing, Signer: h.OCSP, Key: h.OCSPKey}}, Source: src, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		for _, cert := range []*smx509.Certificate{h.Seal, h.TSA} {
			req, err := ocspparse.CreateRequest(cert, h.Issuing, ocspparse.SHA256, []byte("nonce"))
			if err != nil {
				t.Fatal(err)
			}
			der, _ := r.Respond(t.Context(), req)
			cas, ders = append(cas, h), append(ders, der)
		}
	}
	return cas, ders
}

// TestParseResponse: the responder's answers read back with their status,
// verified against their CA and refused against another one.
func TestParseResponse(t *testing.T) {
	cas, ders := responses(t)
	for i, der := range ders {
		resp, err := ocspparse.ParseResponse(der, cas[i].Issuing)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		want := ocspparse.Good
		if i%2 == 1 {
			want = ocspparse.Revoked
		}
		if len(resp.Responses) != 1 || resp.Responses[0].Status.State != want || resp.Signer == nil {
			t.Errorf("response %d: %+v, want one %v answer", i, resp.Responses, want)
		}
		if want == ocspparse.Revoked && resp.Responses[0].Status.Reason != crlreason.KeyCompromise {
			t.Errorf("response %d: reason %v", i, resp.Responses[0].Status.Reason)
		}
		other := cas[(i+2)%len(cas)].Issuing
		if _, err := ocspparse.ParseResponse(der, other); !errors.Is(err, ocspparse.ErrVerify) {
			t.Errorf("response %d against another CA: %v, want ErrVerify", i, err)
		}
	}
}

// FuzzParseRequest: the request parser never panics, respects its caps,
// and what it accepts has CertIDs whose Raw re-parses alone.
func FuzzParseRequest(f *testing.F) {
	h := pkitest.New(f, hsm.SM2)
	for _, hh := range []ocspparse.Hash{ocspparse.SHA1, ocspparse.SHA256, ocspparse.SM3} {
		for _, n := range [][]byte{nil, []byte("0123456789abcdef")} {
			der, err := ocspparse.CreateRequest(h.Seal, h.Issuing, hh, n)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(der)
		}
	}
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		req, err := ocspparse.ParseRequest(der, 0)
		if err != nil {
			return
		}
		if len(req.CertIDs) == 0 || len(req.CertIDs) > ocspparse.DefaultMaxRequests {
			t.Fatalf("%d CertIDs", len(req.CertIDs))
		}
		if req.Nonce != nil && (len(req.Nonce) == 0 || len(req.Nonce) > ocspparse.MaxNonce+2) {
			t.Fatalf("nonce of %d bytes", len(req.Nonce))
		}
		for _, id := range req.CertIDs {
			again, err := ocspparse.ParseCertID(id.Raw)
			if err != nil || again.SerialNumber.Cmp(id.SerialNumber) != 0 {
				t.Fatalf("CertID does not re-parse: %v", err)
			}
		}
	})
}

// FuzzParseResponse: the response parser never panics, and accepts
// nothing without a signer.
func FuzzParseResponse(f *testing.F) {
	cas, ders := responses(f)
	for _, der := range ders {
		f.Add(der)
	}
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x06}) // unauthorized
	f.Fuzz(func(t *testing.T, der []byte) {
		for _, h := range []*pkitest.Hierarchy{cas[0], cas[2]} {
			if r, err := ocspparse.ParseResponse(der, h.Issuing); err == nil && r.Signer == nil {
				t.Fatal("accepted without a signer")
			}
		}
	})
}

// TestReader: a Reader gives what ParseResponse gives, and what it
// remembers (a responder certificate issued by a CA) neither vouches for
// the responder under another CA nor spares a response its own signature
// check.
func TestReader(t *testing.T) {
	cas, ders := responses(t)
	var r ocspparse.Reader
	for round := 0; round < 2; round++ {
		for i, der := range ders {
			got, err := r.ParseResponse(der, cas[i].Issuing)
			want, werr := ocspparse.ParseResponse(der, cas[i].Issuing)
			if err != nil || werr != nil || got.Responses[0].Status != want.Responses[0].Status || !got.Signer.Equal(want.Signer) {
				t.Fatalf("round %d, response %d: %v / %v", round, i, err, werr)
			}
			if _, err := r.ParseResponse(der, cas[(i+2)%len(cas)].Issuing); !errors.Is(err, ocspparse.ErrVerify) {
				t.Errorf("round %d, response %d against another CA: %v, want ErrVerify", round, i, err)
			}
			bad := bytes.Clone(der)
			bad[signatureOffset(t, der)+8] ^= 0x01 // inside the response's own signature
			if _, err := r.ParseResponse(bad, cas[i].Issuing); err == nil {
				t.Errorf("round %d, response %d: a damaged signature is accepted", round, i)
			}
		}
	}
}

// signatureOffset returns where the signature BIT STRING's contents of a
// DER OCSPResponse start.
func signatureOffset(t *testing.T, der []byte) int {
	t.Helper()
	in := cryptobyte.String(der)
	var resp, rb, octets, basic cryptobyte.String
	var status int
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&resp, cbasn1.SEQUENCE) || !resp.ReadASN1Enum(&status) ||
		!resp.ReadASN1(&rb, cbasn1.Tag(0).Constructed().ContextSpecific()) || !rb.ReadASN1(&rb, cbasn1.SEQUENCE) ||
		!rb.ReadASN1ObjectIdentifier(&oid) || !rb.ReadASN1(&octets, cbasn1.OCTET_STRING) ||
		!octets.ReadASN1(&basic, cbasn1.SEQUENCE) || !basic.SkipASN1(cbasn1.SEQUENCE) || !basic.SkipASN1(cbasn1.SEQUENCE) {
		t.Fatal("not an OCSPResponse")
	}
	var sig cryptobyte.String
	if !basic.ReadASN1(&sig, cbasn1.BIT_STRING) || len(sig) < 16 {
		t.Fatal("no signature")
	}
	return len(der) - len(sig) - len(basic)
}
