package app

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/crl"
	"sihub/certs/crl/crlhttp"
	"sihub/certs/ocsp"
	"sihub/certs/ocsp/ocsphttp"
	"sihub/certs/tsa"
	"sihub/hsm"
	"sihub/model"
)

// PKIServices are the public trust services of the instance: CRLs, the
// OCSP responder, the time-stamp authority and the CA certificates the
// seal certificates point at (AIA caIssuers).
type PKIServices struct {
	CRL  *crl.Publisher
	OCSP *ocsp.Current
	TSA  tsa.Dispatcher
	// Handler serves everything under /pki/.
	Handler http.Handler
}

// startPKIServices issues or loads the OCSP-signer and TSA certificates and
// builds the services over the store.
func (a *App) startPKIServices(ctx context.Context) (*PKIServices, error) {
	cfg := certs.Config{Agency: a.Config.Agency, Region: a.Config.Region, Algorithms: []hsm.Algorithm{hsm.SM2, hsm.P256},
		Now: a.Config.Now, PublicURL: a.Config.PublicURL}
	svc, err := certs.EnsureServices(ctx, a.Keys, a.Store, a.PKI, cfg)
	if err != nil {
		return nil, fmt.Errorf("app: OCSP and TSA certificates: %w", err)
	}
	signers, err := certs.CRLSigners(ctx, a.Keys, a.Store, a.PKI)
	if err != nil {
		return nil, fmt.Errorf("app: CRL signers: %w", err)
	}
	var issuers []crl.Issuer
	for _, s := range signers {
		issuers = append(issuers, crl.Issuer{Certificate: s.Certificate, Key: s.Key})
	}
	p := &PKIServices{OCSP: &ocsp.Current{}}
	if p.CRL, err = crl.NewPublisher(crl.StoreSource{Certs: a.Store}, crl.PublisherConfig{Issuers: issuers, Now: a.Config.Now}); err != nil {
		return nil, fmt.Errorf("app: CRL publisher: %w", err)
	}
	var ocspIssuers []ocsp.Issuer
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		m := svc.OCSP[alg]
		if m == nil {
			return nil, fmt.Errorf("app: no OCSP signer for %s", alg)
		}
		ocspIssuers = append(ocspIssuers, ocsp.Issuer{CA: m.Issuer, Signer: m.Certificate, Key: m.Key})
	}
	// Issuing CAs a rotation retired: their seal certificates keep answers.
	retired, err := certs.RetiredOCSPSigners(ctx, a.Keys, a.Store, a.PKI, cfg)
	if err != nil {
		return nil, fmt.Errorf("app: OCSP signers of retired CAs: %w", err)
	}
	for _, m := range retired {
		ocspIssuers = append(ocspIssuers, ocsp.Issuer{CA: m.Issuer, Signer: m.Certificate, Key: m.Key})
	}
	r, err := ocsp.NewResponder(ocsp.Config{Issuers: ocspIssuers, Source: ocsp.StoreSource{Certs: a.Store}, Now: a.Config.Now, Logger: a.Logger})
	if err != nil {
		return nil, fmt.Errorf("app: OCSP responder: %w", err)
	}
	p.OCSP.Set(r)
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		m := svc.TSA[alg]
		if m == nil {
			return nil, fmt.Errorf("app: no TSA certificate for %s", alg)
		}
		authority, err := tsa.New(tsa.Config{Certificate: m.Certificate, Key: m.Key, Chain: []*smx509.Certificate{m.Issuer}, Now: a.Config.Now, Logger: a.Logger})
		if err != nil {
			return nil, fmt.Errorf("app: TSA %s: %w", alg, err)
		}
		if alg == hsm.SM2 {
			p.TSA.SM2 = authority
		} else {
			p.TSA.P256 = authority
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/pki/crl/", crlhttp.Handler(p.CRL))
	mux.Handle("/pki/ocsp", ocsphttp.CurrentHandler(p.OCSP, certs.OCSPPath+"/"))
	mux.Handle("/pki/ocsp/", ocsphttp.CurrentHandler(p.OCSP, certs.OCSPPath+"/"))
	mux.Handle("/pki/tsa", p.TSA.Handler())
	mux.Handle("/pki/cert/", caCertificates{a.Store})
	mux.Handle("/pki/roots.pem", rootBundle{a.Store})
	p.Handler = mux
	return p, nil
}

// RunPKIRefresh regenerates CRLs before their nextUpdate until ctx ends.
func (a *App) RunPKIRefresh(ctx context.Context, every time.Duration) {
	if a.PKIServices == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	a.PKIServices.CRL.Run(ctx, t.C, func(err error) { a.Logger.Error("CRL refresh", "err", err) })
}

// caCertificates serves the CA certificates by serial, as the seal
// certificates' AIA caIssuers URLs name them: GET /pki/cert/{serial}.cer.
type caCertificates struct{ st CertificateStore }

// CertificateStore finds stored certificates.
type CertificateStore interface {
	Certificate(ctx context.Context, serial string) (model.Certificate, error)
}

func (h caCertificates) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/pki/cert/")
	serial, ok := strings.CutSuffix(name, ".cer")
	if !ok || serial == "" || len(serial) > 64 || strings.Trim(serial, "0123456789abcdef") != "" {
		http.NotFound(w, r)
		return
	}
	c, err := h.st.Certificate(r.Context(), serial)
	if errors.Is(err, model.ErrNotFound) || (err == nil && c.Role != model.RoleRoot && c.Role != model.RoleIssuing) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "certificate store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/pkix-cert")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(c.DER)
}

// rootBundle serves the instance's root certificates that are not revoked
// as one PEM file, the trust anchors institutions give sihub-verify:
// GET /pki/roots.pem.
type rootBundle struct{ st crl.CertificateLister }

func (h rootBundle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	roots, err := h.st.ListCertificates(r.Context(), model.RoleRoot)
	if err != nil {
		http.Error(w, "certificate store unavailable", http.StatusServiceUnavailable)
		return
	}
	var b bytes.Buffer
	for _, c := range roots {
		if c.Status == crl.StatusRevoked {
			continue
		}
		fmt.Fprintf(&b, "# %s %s %s\n", c.Alg, c.Serial, c.Subject)
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.DER})
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b.Bytes())
}
