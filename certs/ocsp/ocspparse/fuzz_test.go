package ocspparse_test

import (
	"errors"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

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
