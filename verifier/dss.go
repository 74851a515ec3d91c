package verifier

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/asn1"
	"hash"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms"
	"sihub/certs/ocsp/ocspparse"
	"sihub/verifier/pdfstruct"
)

// Limits on the document security store: entries read per array and the
// decoded size of one entry.
const (
	maxDSSEntries   = 64
	maxDSSEntrySize = 1 << 20
)

// dssData is the document security store (ISO 32000-2 12.8.4.3) of the
// file's last revision: its certificates, OCSP responses and CRLs (the
// catalog-level arrays; /VRI entries only repeat them).
type dssData struct {
	certs []*smx509.Certificate
	ocsps [][]byte
	crls  [][]byte
}

// dssData returns the file's DSS, read once.
func (d *document) dssData() *dssData {
	if !d.dssRead {
		d.dssRead = true
		d.dss = d.readDSS()
	}
	return d.dss
}

// readDSS returns the file's DSS, or nil when it has none. Entries that
// cannot be read are skipped: they only lack evidence.
func (d *document) readDSS() *dssData {
	cat, err := d.f.Catalog()
	if err != nil {
		return nil
	}
	dss, ok := d.resolve(cat["DSS"]).(pdfstruct.Dict)
	if !ok {
		return nil
	}
	out := &dssData{}
	streams := func(key pdfstruct.Name) [][]byte {
		arr, _ := d.resolve(dss[key]).(pdfstruct.Array)
		var res [][]byte
		for i, o := range arr {
			if i == maxDSSEntries {
				break
			}
			s, ok := d.resolve(o).(*pdfstruct.Stream)
			if !ok {
				continue
			}
			b, err := d.f.Decode(s)
			if err != nil || len(b) > maxDSSEntrySize {
				continue
			}
			res = append(res, b)
		}
		return res
	}
	for _, der := range streams("Certs") {
		if c, err := d.v.parseCertificate(der); err == nil {
			out.certs = append(out.certs, c)
		}
	}
	out.ocsps = streams("OCSPs")
	out.crls = streams("CRLs")
	return out
}

// parseCertificate parses a DER certificate through the cache the CMS
// parser keeps for the certificates embedded in signatures and timestamp
// tokens: the DSS usually repeats those, and each is parsed once.
func (v *Verifier) parseCertificate(der []byte) (*smx509.Certificate, error) {
	return cms.ParseCertificate(der)
}

// parsedCRL is a CRL whose signature was checked against issuer, with its
// entries by serial (lower-case hex).
type parsedCRL struct {
	thisUpdate, nextUpdate time.Time
	revoked                map[string]revokedEntry
}

type revokedEntry struct {
	at     time.Time
	reason int
}

// crlFrom parses der and checks it was signed by issuer; results are
// cached by the digests of both.
func (v *Verifier) crlFrom(der []byte, issuer *smx509.Certificate) (*parsedCRL, bool) {
	var k [64]byte
	a, b := sha256.Sum256(der), sha256.Sum256(issuer.Raw)
	copy(k[:32], a[:])
	copy(k[32:], b[:])
	if c, ok := v.crlCache.get(k); ok {
		return c, c != nil
	}
	rl, err := smx509.ParseRevocationList(der)
	if err != nil || string(rl.RawIssuer) != string(issuer.RawSubject) || rl.CheckSignatureFrom(issuer) != nil {
		v.crlCache.put(k, nil)
		return nil, false
	}
	p := &parsedCRL{thisUpdate: rl.ThisUpdate, nextUpdate: rl.NextUpdate, revoked: make(map[string]revokedEntry, len(rl.RevokedCertificateEntries))}
	for _, e := range rl.RevokedCertificateEntries {
		if e.SerialNumber != nil {
			p.revoked[e.SerialNumber.Text(16)] = revokedEntry{at: e.RevocationTime, reason: e.ReasonCode}
		}
	}
	v.crlCache.put(k, p)
	return p, true
}

// ocspFrom parses and verifies an OCSP response against the CA issuer
// (signed by it or by its delegated OCSP signer); cached like crlFrom.
func (v *Verifier) ocspFrom(der []byte, issuer *smx509.Certificate) (*ocspparse.Response, bool) {
	var k [64]byte
	a, b := sha256.Sum256(der), sha256.Sum256(issuer.Raw)
	copy(k[:32], a[:])
	copy(k[32:], b[:])
	if r, ok := v.ocspCache.get(k); ok {
		return r, r != nil
	}
	r, err := v.ocspReader.ParseResponse(der, issuer)
	if err != nil {
		v.ocspCache.put(k, nil)
		return nil, false
	}
	v.ocspCache.put(k, r)
	return r, true
}

// certIDMatches reports whether an OCSP CertID names cert issued by
// issuer (serial and issuer name hash).
func certIDMatches(id ocspparse.CertID, cert, issuer *smx509.Certificate) bool {
	if id.SerialNumber == nil || id.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return false
	}
	var h hash.Hash
	switch oid := id.Hash.OID(); {
	case oid.Equal(asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}):
		h = sha1.New()
	case oid.Equal(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}):
		h = sha256.New()
	case oid.Equal(asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 401}):
		h = sm3.New()
	default:
		return false
	}
	h.Write(issuer.RawSubject)
	return string(h.Sum(nil)) == string(id.IssuerNameHash)
}
