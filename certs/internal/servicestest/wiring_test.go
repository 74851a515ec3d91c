package servicestest

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/crl"
	"sihub/certs/crl/crlhttp"
	"sihub/certs/ocsp"
	"sihub/certs/ocsp/ocsphttp"
	"sihub/certs/tsa"
	"sihub/hsm"
	"sihub/hsm/soft"
	"sihub/store/sqlite"
)

func TestWiring(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys, err := soft.Open(ctx, st, []byte("wiring test"), soft.Options{KDF: soft.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	cfg := certs.Config{Agency: "北京市东城区社会保险事业管理中心", Now: clock}
	pki, err := certs.EnsureDevelopmentPKI(ctx, keys, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := certs.EnsureServices(ctx, keys, st, pki, cfg)
	if err != nil {
		t.Fatal(err)
	}
	signers, err := certs.CRLSigners(ctx, keys, st, pki)
	if err != nil {
		t.Fatal(err)
	}

	// CRL publisher and OCSP responder over the store.
	var issuers []crl.Issuer
	for _, s := range signers {
		issuers = append(issuers, crl.Issuer{Certificate: s.Certificate, Key: s.Key})
	}
	pub, err := crl.NewPublisher(crl.StoreSource{Certs: st}, crl.PublisherConfig{Issuers: issuers, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	var ocspIssuers []ocsp.Issuer
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		m := svc.OCSP[alg]
		ocspIssuers = append(ocspIssuers, ocsp.Issuer{CA: m.Issuer, Signer: m.Certificate, Key: m.Key})
	}
	responder, err := ocsp.NewResponder(ocsp.Config{Issuers: ocspIssuers, Source: ocsp.StoreSource{Certs: st}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/pki/crl/", crlhttp.Handler(pub))
	mux.Handle("/pki/ocsp/", ocsphttp.Handler(responder, "/pki/ocsp/"))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		t.Run(string(alg), func(t *testing.T) {
			seal, _ := pki.Seal(alg)
			issuing, _ := pki.Issuing(alg)
			issuingSerial := certs.SerialHex(issuing.SerialNumber)
			status := func() ocsp.Status {
				t.Helper()
				req, _ := ocsp.CreateRequest(seal.Certificate, issuing, ocsp.SHA256, []byte("n"))
				resp, err := http.Post(srv.URL+"/pki/ocsp/", "application/ocsp-request", bytesReader(req))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				r, err := ocsp.ParseResponse(readAll(t, resp), issuing)
				if err != nil {
					t.Fatal(err)
				}
				return r.Responses[0].Status
			}
			crlEntries := func() []x509.RevocationListEntry {
				t.Helper()
				resp, err := http.Get(srv.URL + "/pki/crl/" + issuingSerial + ".crl")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				rl, err := smx509.ParseRevocationList(readAll(t, resp))
				if err != nil {
					t.Fatal(err)
				}
				if err := rl.CheckSignatureFrom(issuing); err != nil {
					t.Fatal(err)
				}
				return toEntries(rl)
			}
			if s := status(); s.State != ocsp.Good {
				t.Fatalf("seal certificate: %v", s.State)
			}
			if n := len(crlEntries()); n != 0 {
				t.Fatalf("%d CRL entries before any revocation", n)
			}

			// Revoke the seal certificate in the store, then tell both services.
			rec, err := st.Certificate(ctx, certs.SerialHex(seal.Certificate.SerialNumber))
			if err != nil {
				t.Fatal(err)
			}
			revokedAt := now.Add(-time.Minute)
			rec.Status, rec.RevokedAt = crl.StatusRevoked, &revokedAt
			if err := st.PutCertificate(ctx, rec); err != nil {
				t.Fatal(err)
			}
			responder.Purge()
			if _, err := pub.Refresh(ctx, issuingSerial); err != nil {
				t.Fatal(err)
			}
			if s := status(); s.State != ocsp.Revoked || !s.RevokedAt.Equal(revokedAt) {
				t.Fatalf("after revocation: %+v", s)
			}
			if e := crlEntries(); len(e) != 1 || e[0].SerialNumber.Cmp(seal.Certificate.SerialNumber) != 0 {
				t.Fatalf("CRL entries %+v", e)
			}

			// The signature time-stamp a sealer would embed.
			m := svc.TSA[alg]
			authority, err := tsa.New(tsa.Config{Certificate: m.Certificate, Key: m.Key, Chain: []*smx509.Certificate{m.Issuer}, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			h := tsa.SHA256
			if alg == hsm.SM2 {
				h = tsa.SM3
			}
			var stamp func([]byte) ([]byte, error) = tsa.NewStamper(authority, h, nil) // the type of pades.Sealer.TimeStamp
			der, err := stamp([]byte("signature value"))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := tsa.ParseToken(der)
			if err != nil || tok.Verify(nil) != nil || !tok.Info.GenTime.Equal(now) {
				t.Fatalf("token: %v", err)
			}
			if err := tok.Signer().CheckSignatureFrom(issuing); err != nil {
				t.Fatalf("TSA certificate not issued by the issuing CA: %v", err)
			}
		})
	}
}
