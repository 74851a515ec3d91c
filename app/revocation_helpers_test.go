package app

import (
	"context"
	"crypto"
	"crypto/x509/pkix"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/cms/cmstest"
	"sihub/certs/crl"
	"sihub/certs/crl/crlhttp"
	"sihub/certs/ocsp"
	"sihub/certs/ocsp/ocsphttp"
)

// foreignCA is a certificate hierarchy that is not sihub's own instance:
// a root, an issuing CA with a delegated OCSP signer, and seal
// certificates whose AIA and CRL pointers name base.
type foreignCA struct {
	alg           string
	base          string
	root, issuing *smx509.Certificate
	issuingKey    crypto.Signer
	ocspSigner    *smx509.Certificate
	ocspKey       crypto.Signer
	now           time.Time
}

func newForeignCA(t testing.TB, alg, base, cn string, now time.Time) *foreignCA {
	t.Helper()
	f := &foreignCA{alg: alg, base: base, now: now}
	rootKey := genKey(t, alg)
	var err error
	if f.root, err = certs.Issue(certs.Request{Profile: certs.RootProfile, Subject: pkix.Name{CommonName: cn + " root"},
		PublicKey: rootKey.Public(), IssuerKey: rootKey, Now: now.Add(-24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	f.issuingKey = genKey(t, alg)
	if f.issuing, err = certs.Issue(certs.Request{Profile: certs.IssuingProfile, Subject: pkix.Name{CommonName: cn + " issuing"},
		PublicKey: f.issuingKey.Public(), Issuer: f.root, IssuerKey: rootKey, Now: now.Add(-24 * time.Hour), PublicURL: base}); err != nil {
		t.Fatal(err)
	}
	f.ocspKey = genKey(t, alg)
	if f.ocspSigner, err = certs.IssueService(certs.Request{Profile: certs.OCSPSignerProfile, Subject: pkix.Name{CommonName: cn + " OCSP"},
		PublicKey: f.ocspKey.Public(), Issuer: f.issuing, IssuerKey: f.issuingKey, Now: now.Add(-24 * time.Hour), PublicURL: base}); err != nil {
		t.Fatal(err)
	}
	return f
}

func genKey(t testing.TB, alg string) crypto.Signer {
	t.Helper()
	k, err := cmstest.GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// seal issues a seal certificate pointing at f.base.
func (f *foreignCA) seal(t testing.TB, cn string) *smx509.Certificate {
	t.Helper()
	k := genKey(t, f.alg)
	c, err := certs.Issue(certs.Request{Profile: certs.SealProfile, Subject: pkix.Name{CommonName: cn},
		PublicKey: k.Public(), Issuer: f.issuing, IssuerKey: f.issuingKey, Now: f.now.Add(-24 * time.Hour), PublicURL: f.base})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pkiServer is an httptest server on 127.0.0.1 standing for a foreign CA's
// OCSP responder and CRL publisher; it counts the requests of each.
type pkiServer struct {
	*httptest.Server
	ocspHits, crlHits atomic.Int64

	mu   sync.Mutex
	ocsp http.Handler // nil answers 503
	crl  http.Handler // nil answers 404
}

func newPKIServer(t testing.TB) *pkiServer {
	t.Helper()
	s := &pkiServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		oh, ch := s.ocsp, s.crl
		s.mu.Unlock()
		switch {
		case r.URL.Path == certs.OCSPPath || len(r.URL.Path) > len(certs.OCSPPath) && r.URL.Path[:len(certs.OCSPPath)+1] == certs.OCSPPath+"/":
			s.ocspHits.Add(1)
			if oh == nil {
				http.Error(w, "responder down", http.StatusServiceUnavailable)
				return
			}
			oh.ServeHTTP(w, r)
		case len(r.URL.Path) > 9 && r.URL.Path[:9] == "/pki/crl/":
			s.crlHits.Add(1)
			if ch == nil {
				http.NotFound(w, r)
				return
			}
			ch.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *pkiServer) hostPort() string { u, _ := url.Parse(s.URL); return u.Host }

func (s *pkiServer) set(ocspH, crlH http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ocsp, s.crl = ocspH, crlH
}

// responder is f's OCSP responder over src, answering at f.now.
func (f *foreignCA) responder(t testing.TB, src ocsp.Source) http.Handler {
	t.Helper()
	return ocsphttp.Handler(f.responderAt(t, src, f.now), certs.OCSPPath+"/")
}

func (f *foreignCA) responderAt(t testing.TB, src ocsp.Source, now time.Time) *ocsp.Responder {
	t.Helper()
	r, err := ocsp.NewResponder(ocsp.Config{Issuers: []ocsp.Issuer{{CA: f.issuing, Signer: f.ocspSigner, Key: f.ocspKey}},
		Source: src, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// ocspResponse is the DER answer of f's responder at now about cert,
// which src says is good.
func (f *foreignCA) ocspResponse(t testing.TB, cert *smx509.Certificate, now time.Time) []byte {
	t.Helper()
	src := ocsp.NewMemorySource()
	src.Set(f.issuing.SerialNumber.Text(16), cert.SerialNumber, ocsp.Status{State: ocsp.Good})
	req, err := ocsp.CreateRequest(cert, f.issuing, ocsp.SHA256, nil)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := f.responderAt(t, src, now).Respond(context.Background(), req)
	return der
}

// fixedBody answers every request with the same body.
func fixedBody(contentType string, der []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(der)
	})
}

// crlHandler serves the CRL f's issuing CA signs over src.
func (f *foreignCA) crlHandler(t *testing.T, src crl.Source) http.Handler {
	t.Helper()
	p, err := crl.NewPublisher(src, crl.PublisherConfig{Issuers: []crl.Issuer{{Certificate: f.issuing, Key: f.issuingKey}},
		Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	return crlhttp.Handler(p)
}

// fixedCRL serves one DER CRL at every path.
func fixedCRL(der []byte) http.Handler { return fixedBody("application/pkix-crl", der) }
