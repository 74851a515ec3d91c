// Package pkitest builds throwaway certificate hierarchies for the tests of
// the revocation and time-stamp services: a root CA, an issuing CA, a seal,
// an OCSP signer and a TSA certificate per algorithm, with in-memory keys.
package pkitest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/hsm"
)

// Now is the time the hierarchies are issued at.
var Now = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// PublicURL is the base of the CRL and caIssuers pointers.
const PublicURL = "http://127.0.0.1:8080"

// Hierarchy is one algorithm's certificates and keys.
type Hierarchy struct {
	Alg                            hsm.Algorithm
	Root, Issuing, Seal, OCSP, TSA *smx509.Certificate
	RootKey, IssuingKey, SealKey   crypto.Signer
	OCSPKey, TSAKey                crypto.Signer
}

// NewKey generates a software key of alg.
func NewKey(t testing.TB, alg hsm.Algorithm) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch alg {
	case hsm.SM2:
		k, err = sm2.GenerateKey(rand.Reader)
	case hsm.P256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		t.Fatalf("pkitest: algorithm %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// New issues a hierarchy of alg.
func New(t testing.TB, alg hsm.Algorithm) *Hierarchy {
	t.Helper()
	h := &Hierarchy{Alg: alg}
	name := func(cn string) pkix.Name {
		return pkix.Name{CommonName: cn + " " + string(alg), Organization: []string{"sihub test"}, Country: []string{"CN"}}
	}
	issue := func(f func(certs.Request) (*smx509.Certificate, error), p certs.Profile, cn string, key crypto.Signer, issuer *smx509.Certificate, issuerKey crypto.Signer) *smx509.Certificate {
		c, err := f(certs.Request{Profile: p, Subject: name(cn), PublicKey: key.Public(), Issuer: issuer,
			IssuerKey: issuerKey, Now: Now, PublicURL: PublicURL})
		if err != nil {
			t.Fatalf("pkitest: issue %s: %v", cn, err)
		}
		return c
	}
	h.RootKey, h.IssuingKey, h.SealKey = NewKey(t, alg), NewKey(t, alg), NewKey(t, alg)
	h.OCSPKey, h.TSAKey = NewKey(t, alg), NewKey(t, alg)
	h.Root = issue(certs.Issue, certs.RootProfile, "Test Root", h.RootKey, nil, h.RootKey)
	h.Issuing = issue(certs.Issue, certs.IssuingProfile, "Test Issuing", h.IssuingKey, h.Root, h.RootKey)
	h.Seal = issue(certs.Issue, certs.SealProfile, "Test Seal", h.SealKey, h.Issuing, h.IssuingKey)
	h.OCSP = issue(certs.IssueService, certs.OCSPSignerProfile, "Test OCSP", h.OCSPKey, h.Issuing, h.IssuingKey)
	h.TSA = issue(certs.IssueService, certs.TSAProfile, "Test TSA", h.TSAKey, h.Issuing, h.IssuingKey)
	return h
}

// WritePEM writes each certificate as PEM into dir/<name>.pem and returns
// the path.
func WritePEM(t testing.TB, dir, name string, cs ...*smx509.Certificate) string {
	t.Helper()
	p := filepath.Join(dir, name+".pem")
	if err := os.WriteFile(p, certs.PEM(cs...), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
