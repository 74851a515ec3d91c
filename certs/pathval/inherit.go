package pathval

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck // legacy DSA paths, only with Options.AllowDSA
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// MaxCertificateSize caps the DER ParseCertificate accepts.
const MaxCertificateSize = 1 << 20

// ErrParse is the kind of every ParseCertificate error.
var ErrParse = errors.New("pathval: cannot parse certificate")

// maxDSABits bounds the modulus a key may inherit (FIPS 186-4 stops at 3072).
const maxDSABits = 4096

var oidPublicKeyDSA = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}

// ParseCertificate parses one DER certificate like smx509.ParseCertificate
// and also accepts a DSA key whose domain parameters are omitted, to be
// inherited from the issuer's DSA key (RFC 3279 §2.3.2). Such a
// certificate keeps its DER as read (Raw, RawTBSCertificate,
// RawSubjectPublicKeyInfo, Signature) and its PublicKey is a
// *dsa.PublicKey holding only Y (P, Q and G nil): Verify completes it from
// the issuer on each candidate path, and checks Y against the inherited
// parameters.
func ParseCertificate(der []byte) (*smx509.Certificate, error) {
	if len(der) > MaxCertificateSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrParse, len(der), MaxCertificateSize)
	}
	c, err := smx509.ParseCertificate(der)
	if err == nil {
		return c, nil
	}
	parts, ok := splitInheritedDSA(der)
	if !ok {
		return nil, fmt.Errorf("%w: %w", ErrParse, err)
	}
	// Parse a copy whose key carries placeholder parameters, then put
	// back the bytes as read: everything signed stays the original.
	placeholder, perr := asn1.Marshal(dssParams{big.NewInt(1), big.NewInt(1), big.NewInt(1)})
	if perr != nil {
		return nil, fmt.Errorf("%w: %w", ErrParse, perr)
	}
	c, perr = smx509.ParseCertificate(parts.assemble(placeholder))
	if perr != nil {
		return nil, fmt.Errorf("%w: %w", ErrParse, perr)
	}
	k, ok := c.PublicKey.(*dsa.PublicKey)
	if !ok || c.PublicKeyAlgorithm != smx509.DSA {
		return nil, fmt.Errorf("%w: %w", ErrParse, err)
	}
	c.Raw = der
	c.RawTBSCertificate = parts.tbs
	c.RawSubjectPublicKeyInfo = parts.spki
	c.PublicKey = &dsa.PublicKey{Y: k.Y}
	return c, nil
}

type dssParams struct{ P, Q, G *big.Int }

// certParts is a certificate cut around its SPKI algorithm parameters.
type certParts struct {
	tbs, spki          []byte // the original TLVs
	beforeSPKI         []byte // TBS contents before the SPKI
	algOID, key, after []byte // SPKI OID TLV, key BIT STRING TLV, TBS contents after the SPKI
	sigAlg, sig        []byte // outer signatureAlgorithm and signature TLVs
}

// splitInheritedDSA cuts der when it is a certificate whose SPKI is id-dsa
// without parameters and whose structure re-encodes to exactly der.
func splitInheritedDSA(der []byte) (certParts, bool) {
	var p certParts
	in := cryptobyte.String(der)
	var cert, tbsTLV, tbs cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !in.Empty() {
		return p, false
	}
	if !cert.ReadASN1Element((*cryptobyte.String)(&p.tbs), cbasn1.SEQUENCE) ||
		!cert.ReadASN1Element((*cryptobyte.String)(&p.sigAlg), cbasn1.SEQUENCE) ||
		!cert.ReadASN1Element((*cryptobyte.String)(&p.sig), cbasn1.BIT_STRING) || !cert.Empty() {
		return p, false
	}
	tbsTLV = cryptobyte.String(p.tbs)
	if !tbsTLV.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return p, false
	}
	start := len(tbs)
	tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) // version
	for range 5 {                                                       // serial, signature, issuer, validity, subject
		var tag cbasn1.Tag
		var el cryptobyte.String
		if !tbs.ReadAnyASN1Element(&el, &tag) {
			return p, false
		}
	}
	p.beforeSPKI = p.tbs[len(p.tbs)-start : len(p.tbs)-len(tbs)]
	var spki, alg cryptobyte.String
	if !tbs.ReadASN1Element(&spki, cbasn1.SEQUENCE) {
		return p, false
	}
	p.spki, p.after = spki, tbs
	if !spki.ReadASN1(&spki, cbasn1.SEQUENCE) || !spki.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1Element((*cryptobyte.String)(&p.algOID), cbasn1.OBJECT_IDENTIFIER) || !alg.Empty() ||
		!spki.ReadASN1Element((*cryptobyte.String)(&p.key), cbasn1.BIT_STRING) || !spki.Empty() {
		return p, false
	}
	var oid asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(p.algOID, &oid); err != nil || len(rest) != 0 || !oid.Equal(oidPublicKeyDSA) {
		return p, false
	}
	return p, bytes.Equal(p.assemble(nil), der)
}

// assemble encodes the certificate back with params (DER, or nil for
// none) as the SPKI algorithm parameters.
func (p certParts) assemble(params []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(p.beforeSPKI)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddBytes(p.algOID)
					b.AddBytes(params)
				})
				b.AddBytes(p.key)
			})
			b.AddBytes(p.after)
		})
		b.AddBytes(p.sigAlg)
		b.AddBytes(p.sig)
	})
	return b.BytesOrPanic()
}

// inheritsDSAParams reports whether c's DSA key takes its domain
// parameters from its issuer.
func inheritsDSAParams(c *smx509.Certificate) bool {
	k, ok := c.PublicKey.(*dsa.PublicKey)
	return ok && (k.P == nil || k.Q == nil || k.G == nil)
}

// inheritKey completes c's DSA key with the domain parameters of its
// issuer's key and checks that Y belongs to that group (1 < Y < P and
// Y^Q = 1 mod P, SP 800-89 §5.3.1).
func inheritKey(c *smx509.Certificate, issuerKey any) (*dsa.PublicKey, error) {
	ik, ok := issuerKey.(*dsa.PublicKey)
	if !ok || ik.P == nil || ik.Q == nil || ik.G == nil {
		return nil, errors.New("DSA key inherits its domain parameters but the issuer's key is not a DSA key with parameters")
	}
	y := c.PublicKey.(*dsa.PublicKey).Y
	one := big.NewInt(1)
	if ik.P.Sign() <= 0 || ik.P.BitLen() > maxDSABits || ik.Q.Sign() <= 0 || y == nil || y.Cmp(one) <= 0 || y.Cmp(ik.P) >= 0 ||
		new(big.Int).Exp(y, ik.Q, ik.P).Cmp(one) != 0 {
		return nil, errors.New("DSA public key is not in the group of the parameters inherited from the issuer")
	}
	return &dsa.PublicKey{Parameters: ik.Parameters, Y: y}, nil
}
