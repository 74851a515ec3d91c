package ocspparse

import (
	"encoding/asn1"
	"fmt"
	"math/big"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// OIDNonce is id-pkix-ocsp-nonce.
var OIDNonce = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}

// Parser limits.
const (
	// DefaultMaxRequestSize caps a DER request (RFC 5019 clients send
	// well under 1 KiB; one signed request with a certificate fits).
	DefaultMaxRequestSize = 8 << 10
	// DefaultMaxRequests caps the CertIDs in one request.
	DefaultMaxRequests = 8
	// MaxNonce caps a nonce (RFC 8954).
	MaxNonce        = 32
	maxSerialOctets = 32
)

// CertID names one certificate (RFC 6960 §4.1.1).
type CertID struct {
	Hash           Hash
	IssuerNameHash []byte
	IssuerKeyHash  []byte
	SerialNumber   *big.Int
	// Raw is the DER CertID as received; responses echo it.
	Raw []byte
}

// Request is a parsed OCSPRequest.
type Request struct {
	CertIDs []CertID
	// Nonce is the extnValue of the nonce extension as received (normally
	// a DER OCTET STRING); nil when absent.
	Nonce []byte
}

func malformed(what string) error { return fmt.Errorf("%w: %s", ErrMalformed, what) }

// ParseRequest parses a DER OCSPRequest of at most DefaultMaxRequestSize
// bytes holding 1 to maxRequests CertIDs (DefaultMaxRequests when ≤ 0).
func ParseRequest(der []byte, maxRequests int) (*Request, error) {
	if maxRequests <= 0 {
		maxRequests = DefaultMaxRequests
	}
	if len(der) > DefaultMaxRequestSize {
		return nil, fmt.Errorf("%w: request of %d bytes", ErrTooLarge, len(der))
	}
	in := cryptobyte.String(der)
	var req, tbs cryptobyte.String
	if !in.ReadASN1(&req, cbasn1.SEQUENCE) || !in.Empty() || !req.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, malformed("OCSPRequest")
	}
	if !req.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) || !req.Empty() {
		return nil, malformed("optionalSignature")
	}
	var ver cryptobyte.String
	var has bool
	if !tbs.ReadOptionalASN1(&ver, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, malformed("version")
	}
	if has {
		var v int64
		if !ver.ReadASN1Int64WithTag(&v, cbasn1.INTEGER) || !ver.Empty() || v != 0 {
			return nil, malformed("version")
		}
	}
	if !tbs.SkipOptionalASN1(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		return nil, malformed("requestorName")
	}
	var list cryptobyte.String
	if !tbs.ReadASN1(&list, cbasn1.SEQUENCE) {
		return nil, malformed("requestList")
	}
	out := &Request{}
	for !list.Empty() {
		if len(out.CertIDs) == maxRequests {
			return nil, fmt.Errorf("%w: more than %d CertIDs", ErrTooLarge, maxRequests)
		}
		var one cryptobyte.String
		if !list.ReadASN1(&one, cbasn1.SEQUENCE) {
			return nil, malformed("Request")
		}
		id, err := parseCertID(&one)
		if err != nil {
			return nil, err
		}
		if !one.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) || !one.Empty() {
			return nil, malformed("singleRequestExtensions")
		}
		out.CertIDs = append(out.CertIDs, id)
	}
	if len(out.CertIDs) == 0 {
		return nil, malformed("no CertID")
	}
	var exts cryptobyte.String
	if !tbs.ReadOptionalASN1(&exts, &has, cbasn1.Tag(2).Constructed().ContextSpecific()) || !tbs.Empty() {
		return nil, malformed("requestExtensions")
	}
	if has {
		if err := readRequestExtensions(exts, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ParseCertID parses exactly one DER CertID.
func ParseCertID(der []byte) (CertID, error) {
	s := cryptobyte.String(der)
	id, err := parseCertID(&s)
	if err == nil && !s.Empty() {
		err = malformed("CertID")
	}
	return id, err
}

func parseCertID(s *cryptobyte.String) (CertID, error) {
	var raw, outer, body, alg cryptobyte.String
	if !s.ReadASN1Element(&raw, cbasn1.SEQUENCE) {
		return CertID{}, malformed("CertID")
	}
	outer = raw
	var oid asn1.ObjectIdentifier
	var id CertID
	if !outer.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return CertID{}, malformed("CertID hashAlgorithm")
	}
	if !alg.Empty() && (!alg.SkipASN1(cbasn1.NULL) || !alg.Empty()) {
		return CertID{}, malformed("CertID hash parameters")
	}
	h, ok := hashFromOID(oid)
	if !ok {
		return CertID{}, fmt.Errorf("%w: CertID hash %s", ErrUnsupported, oid)
	}
	id.Hash = h
	var name, key cryptobyte.String
	id.SerialNumber = new(big.Int)
	var serialEl cryptobyte.String
	if !body.ReadASN1(&name, cbasn1.OCTET_STRING) || !body.ReadASN1(&key, cbasn1.OCTET_STRING) {
		return CertID{}, malformed("CertID hashes")
	}
	if !body.ReadASN1Element(&serialEl, cbasn1.INTEGER) || !body.Empty() || len(serialEl) > maxSerialOctets+2 {
		return CertID{}, malformed("CertID serialNumber")
	}
	if !serialEl.ReadASN1Integer(id.SerialNumber) {
		return CertID{}, malformed("CertID serialNumber")
	}
	size := h.New().Size()
	if len(name) != size || len(key) != size {
		return CertID{}, malformed("CertID hash length")
	}
	id.IssuerNameHash, id.IssuerKeyHash = []byte(name), []byte(key)
	id.Raw = []byte(raw)
	return id, nil
}

func readRequestExtensions(exts cryptobyte.String, out *Request) error {
	var seq cryptobyte.String
	if !exts.ReadASN1(&seq, cbasn1.SEQUENCE) || !exts.Empty() {
		return malformed("requestExtensions")
	}
	for n := 0; !seq.Empty(); n++ {
		if n == 16 {
			return fmt.Errorf("%w: more than 16 request extensions", ErrTooLarge)
		}
		var ext, val cryptobyte.String
		var oid asn1.ObjectIdentifier
		critical := false
		if !seq.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) ||
			!ext.ReadOptionalASN1Boolean(&critical, cbasn1.BOOLEAN, false) ||
			!ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
			return malformed("request extension")
		}
		switch {
		case oid.Equal(OIDNonce):
			if out.Nonce != nil {
				return malformed("two nonces")
			}
			if !nonceOK(val) {
				return fmt.Errorf("%w: nonce of %d bytes (1 to %d)", ErrMalformed, len(val), MaxNonce)
			}
			out.Nonce = []byte(val)
		case critical:
			return fmt.Errorf("%w: unknown critical request extension %s", ErrUnsupported, oid)
		}
	}
	return nil
}

// nonceOK accepts an RFC 8954 nonce (an OCTET STRING of 1 to 32 octets) or,
// for older clients, 1 to 32 raw octets.
func nonceOK(v cryptobyte.String) bool {
	inner := v
	var octets cryptobyte.String
	if inner.ReadASN1(&octets, cbasn1.OCTET_STRING) && inner.Empty() {
		return len(octets) >= 1 && len(octets) <= MaxNonce
	}
	return len(v) >= 1 && len(v) <= MaxNonce
}

// CreateRequest builds a DER OCSPRequest for cert, issued by issuer, with
// CertID hash h and, when nonce is not empty, a nonce extension holding it
// as an OCTET STRING.
func CreateRequest(cert, issuer *smx509.Certificate, h Hash, nonce []byte) ([]byte, error) {
	name, key, err := IssuerHashes(h, issuer)
	if err != nil {
		return nil, err
	}
	if len(nonce) > MaxNonce {
		return nil, fmt.Errorf("%w: nonce of %d bytes", ErrInvalid, len(nonce))
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // TBSRequest
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // requestList
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // Request
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // CertID
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(h.OID())
							b.AddASN1NULL()
						})
						b.AddASN1OctetString(name)
						b.AddASN1OctetString(key)
						b.AddASN1BigInt(cert.SerialNumber)
					})
				})
			})
			if len(nonce) > 0 {
				b.AddASN1(cbasn1.Tag(2).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(OIDNonce)
							b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) {
								b.AddASN1OctetString(nonce)
							})
						})
					})
				})
			}
		})
	})
	return b.Bytes()
}
