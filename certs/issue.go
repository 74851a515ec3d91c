package certs

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// Request is one certificate to issue.
type Request struct {
	Profile   Profile
	Subject   pkix.Name
	PublicKey crypto.PublicKey
	// Issuer is the issuing CA's certificate; nil for a self-signed root,
	// whose IssuerKey must then hold PublicKey.
	Issuer    *smx509.Certificate
	IssuerKey crypto.Signer
	// Now is the start of validity (truncated to the second).
	Now time.Time
	// PublicURL is the base of the CRL and caIssuers pointers.
	PublicURL string
	// Rand draws the serial number; nil is crypto/rand.
	Rand io.Reader
}

// Issue prepares the certificate from the request and its profile, lints
// it, signs it with IssuerKey, parses the result back and lints it again.
func Issue(req Request) (*smx509.Certificate, error) {
	if req.IssuerKey == nil || req.PublicKey == nil {
		return nil, errors.New("certs: issue: missing public key or issuer key")
	}
	r := req.Rand
	if r == nil {
		r = rand.Reader
	}
	tmpl, err := prepare(req, r)
	if err != nil {
		return nil, err
	}
	var issuer *x509.Certificate
	parent := tmpl
	if req.Issuer != nil {
		issuer = (*x509.Certificate)(req.Issuer)
		parent = issuer
	} else if !publicKeysEqual(req.PublicKey, req.IssuerKey.Public()) {
		return nil, errors.New("certs: issue: a self-signed certificate's key must be the issuer key")
	}
	if err := Lint(tmpl, issuer, req.Profile); err != nil {
		return nil, err
	}
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, parent, req.PublicKey, req.IssuerKey)
	if err != nil {
		return nil, fmt.Errorf("certs: sign %s certificate: %w", req.Profile.Role, err)
	}
	cert, err := smx509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certs: parse the new %s certificate: %w", req.Profile.Role, err)
	}
	if err := Lint((*x509.Certificate)(cert), issuer, req.Profile); err != nil {
		return nil, fmt.Errorf("certs: the signed certificate: %w", err)
	}
	signer := cert
	if req.Issuer != nil {
		signer = req.Issuer
	}
	if err := cert.CheckSignatureFrom(signer); err != nil {
		return nil, fmt.Errorf("certs: the new %s certificate does not verify: %w", req.Profile.Role, err)
	}
	return cert, nil
}

func prepare(req Request, r io.Reader) (*x509.Certificate, error) {
	p := req.Profile
	serial, err := randomSerial(r)
	if err != nil {
		return nil, err
	}
	ski, err := SubjectKeyID(req.PublicKey)
	if err != nil {
		return nil, err
	}
	notBefore := req.Now.UTC().Truncate(time.Second)
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               req.Subject,
		NotBefore:             notBefore,
		NotAfter:              p.Validity.After(notBefore),
		PublicKey:             req.PublicKey,
		BasicConstraintsValid: true,
		IsCA:                  p.IsCA,
		KeyUsage:              p.KeyUsage,
		ExtKeyUsage:           p.ExtKeyUsage,
		UnknownExtKeyUsage:    p.UnknownExtKeyUsage,
		SubjectKeyId:          ski,
		AuthorityKeyId:        ski,
	}
	switch {
	case p.IsCA && p.PathLen >= 0:
		t.MaxPathLen, t.MaxPathLenZero = p.PathLen, p.PathLen == 0
	default:
		t.MaxPathLen = -1
	}
	if req.Issuer != nil {
		t.AuthorityKeyId = req.Issuer.SubjectKeyId
		t.RawIssuer = req.Issuer.RawSubject
		if p.Distribution {
			base := strings.TrimRight(req.PublicURL, "/")
			is := SerialHex(req.Issuer.SerialNumber)
			t.CRLDistributionPoints = []string{base + "/pki/crl/" + is + ".crl"}
			t.IssuingCertificateURL = []string{base + "/pki/cert/" + is + ".cer"}
			if p.OCSP {
				t.OCSPServer = []string{base + OCSPPath}
			}
		}
	}
	return t, nil
}

// OCSPPath is where the OCSP responder answers, below the public URL.
const OCSPPath = "/pki/ocsp"

// randomSerial draws a positive serial of at most 128 bits and at least 64.
func randomSerial(r io.Reader) (*big.Int, error) {
	var b [16]byte
	for range 8 {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("certs: serial number: %w", err)
		}
		b[0] &= 0x7f
		if n := new(big.Int).SetBytes(b[:]); n.BitLen() >= 64 {
			return n, nil
		}
	}
	return nil, errors.New("certs: serial number: the random source keeps returning small numbers")
}

// SerialHex is the store's form of a serial number: lower-case hex.
func SerialHex(n *big.Int) string { return n.Text(16) }

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ea, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ea.Equal(b)
}
