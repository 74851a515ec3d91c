package cms

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Limits bounds what Parse accepts. A zero field takes its value from
// DefaultLimits.
type Limits struct {
	MaxSize         int // bytes of input, trailing zero padding included
	MaxDepth        int // ASN.1 nesting
	MaxCertificates int
	MaxSigners      int
	MaxAttributes   int // per signed or unsigned attribute set
}

// DefaultLimits are generous for PDF signatures: a long chain, embedded
// revocation data and a timestamp token fit.
var DefaultLimits = Limits{
	MaxSize:         4 << 20,
	MaxDepth:        64,
	MaxCertificates: 64,
	MaxSigners:      16,
	MaxAttributes:   64,
}

func (l Limits) withDefaults() Limits {
	if l.MaxSize <= 0 {
		l.MaxSize = DefaultLimits.MaxSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxCertificates <= 0 {
		l.MaxCertificates = DefaultLimits.MaxCertificates
	}
	if l.MaxSigners <= 0 {
		l.MaxSigners = DefaultLimits.MaxSigners
	}
	if l.MaxAttributes <= 0 {
		l.MaxAttributes = DefaultLimits.MaxAttributes
	}
	return l
}

// SignedData is a parsed CMS SignedData.
type SignedData struct {
	Version          int
	DigestAlgorithms []asn1.ObjectIdentifier
	// ContentType is the encapsulated content type (id-data for PDF).
	ContentType asn1.ObjectIdentifier
	// Content is the encapsulated content; nil when detached.
	Content []byte
	// Certificates are the certificates that parsed; RawCertificates holds
	// every certificate in the set, including those that did not parse.
	Certificates    []*smx509.Certificate
	RawCertificates [][]byte
	// RevocationInfo holds the raw elements of the crls field.
	RevocationInfo [][]byte
	Signers        []*SignerInfo
	// Raw is the DER ContentInfo that was read (after BER conversion).
	Raw []byte
	// Trailing holds bytes that followed the ContentInfo in the input,
	// unless they were all zero (the usual padding of a PDF /Contents).
	// They are not covered by any signature; callers may flag them.
	Trailing []byte
}

// SignerInfo is one signer of a SignedData.
type SignerInfo struct {
	Version int
	// The signer identifier: IssuerRaw and SerialNumber
	// (issuerAndSerialNumber) or SubjectKeyID.
	IssuerRaw    []byte
	SerialNumber *big.Int
	SubjectKeyID []byte

	DigestAlgorithm     asn1.ObjectIdentifier
	SignatureAlgorithm  asn1.ObjectIdentifier
	SignatureParameters []byte // DER parameters of the signature algorithm, nil if absent

	// SignedAttributes is the DER signed attribute set re-tagged as SET
	// (0x31): the bytes the signature covers. Nil when there are none.
	SignedAttributes   []byte
	Attributes         []Attribute // signed
	UnsignedAttributes []Attribute
	Signature          []byte

	// Values of the signed attributes this package understands.
	ContentType   asn1.ObjectIdentifier
	MessageDigest []byte
	SigningTime   time.Time // zero when absent
	// ESSCertIDs are from signingCertificateV2, or signingCertificate when
	// only v1 is present; ESSVersion is 2, 1 or 0 (absent).
	ESSCertIDs []ESSCertID
	ESSVersion int

	// Certificate is the signer's certificate found in the SignedData; nil
	// when it is not there (Verify then fails with ErrSignerNotFound).
	Certificate *smx509.Certificate

	eContentType asn1.ObjectIdentifier
}

// Attribute returns the signed attribute of the given type.
func (si *SignerInfo) Attribute(oid asn1.ObjectIdentifier) (Attribute, bool) {
	return findAttribute(si.Attributes, oid)
}

// UnsignedAttribute returns the unsigned attribute of the given type.
func (si *SignerInfo) UnsignedAttribute(oid asn1.ObjectIdentifier) (Attribute, bool) {
	return findAttribute(si.UnsignedAttributes, oid)
}

func findAttribute(attrs []Attribute, oid asn1.ObjectIdentifier) (Attribute, bool) {
	for _, a := range attrs {
		if a.Type.Equal(oid) {
			return a, true
		}
	}
	return Attribute{}, false
}

// Parse reads a DER or BER ContentInfo holding a SignedData, within
// DefaultLimits. Bytes after the ContentInfo are returned in Trailing
// (nil when they are all zero). The result may share memory with der;
// do not modify der while using it.
func Parse(der []byte) (*SignedData, error) {
	return ParseWithLimits(der, DefaultLimits)
}

// ParseWithLimits is Parse with explicit limits.
func ParseWithLimits(input []byte, lim Limits) (*SignedData, error) {
	lim = lim.withDefaults()
	if len(input) > lim.MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(input), lim.MaxSize)
	}
	// DER first; BER (or non-minimal DER) is converted and read again.
	sd, err := parseDER(input, lim)
	if err == nil || !errors.Is(err, ErrMalformed) {
		return sd, err
	}
	der, rest, cerr := berToDER(input, berLimits{maxDepth: lim.MaxDepth, maxNodes: min(len(input)/2+1, maxBERElements)})
	if cerr != nil {
		if errors.Is(cerr, ErrTooLarge) {
			return nil, cerr
		}
		return nil, err
	}
	sd, err = parseDER(der, lim)
	if err != nil {
		return nil, err
	}
	if !allZero(rest) {
		sd.Trailing = rest
	}
	return sd, nil
}

// maxBERElements bounds the elements a BER conversion builds in memory
// (about 100 bytes each): enough for dozens of certificates and large
// embedded CRLs, small enough that a hostile upload cannot exhaust memory.
const maxBERElements = 1 << 18

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func malformed(what string) error {
	return fmt.Errorf("%w: %s", ErrMalformed, what)
}

func parseDER(input []byte, lim Limits) (*SignedData, error) {
	in := cryptobyte.String(input)
	var raw cryptobyte.String
	if !in.ReadASN1Element(&raw, cbasn1.SEQUENCE) {
		return nil, malformed("ContentInfo")
	}
	outer := raw
	var ci cryptobyte.String
	var ct asn1.ObjectIdentifier
	var content, sdBody cryptobyte.String
	if !outer.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&ct) ||
		!ci.ReadASN1(&content, cbasn1.Tag(0).Constructed().ContextSpecific()) || !ci.Empty() {
		return nil, malformed("ContentInfo")
	}
	if !ct.Equal(OIDSignedData) && !ct.Equal(OIDSignedDataGM) {
		return nil, fmt.Errorf("%w: content type %s is not signedData", ErrMalformed, ct)
	}
	if !content.ReadASN1(&sdBody, cbasn1.SEQUENCE) || !content.Empty() {
		return nil, malformed("SignedData")
	}
	sd := &SignedData{Raw: []byte(raw)}
	if !allZero(in) {
		sd.Trailing = []byte(in)
	}
	var version int64
	if !sdBody.ReadASN1Int64WithTag(&version, cbasn1.INTEGER) || version < 0 || version > 5 {
		return nil, malformed("SignedData version")
	}
	sd.Version = int(version)

	var algs cryptobyte.String
	if !sdBody.ReadASN1(&algs, cbasn1.SET) {
		return nil, malformed("digestAlgorithms")
	}
	for !algs.Empty() {
		if len(sd.DigestAlgorithms) >= lim.MaxSigners {
			return nil, fmt.Errorf("%w: more than %d digest algorithms", ErrTooLarge, lim.MaxSigners)
		}
		oid, _, err := readAlgorithmIdentifier(&algs)
		if err != nil {
			return nil, err
		}
		sd.DigestAlgorithms = append(sd.DigestAlgorithms, oid)
	}

	var eci cryptobyte.String
	if !sdBody.ReadASN1(&eci, cbasn1.SEQUENCE) || !eci.ReadASN1ObjectIdentifier(&sd.ContentType) {
		return nil, malformed("encapContentInfo")
	}
	if !eci.Empty() {
		var ec cryptobyte.String
		if !eci.ReadASN1(&ec, cbasn1.Tag(0).Constructed().ContextSpecific()) || !eci.Empty() {
			return nil, malformed("eContent")
		}
		var octets cryptobyte.String
		if ec.PeekASN1Tag(cbasn1.OCTET_STRING.Constructed()) {
			return nil, malformed("constructed eContent") // BER: read again after conversion
		}
		if ec.PeekASN1Tag(cbasn1.OCTET_STRING) {
			if !ec.ReadASN1(&octets, cbasn1.OCTET_STRING) || !ec.Empty() {
				return nil, malformed("eContent")
			}
			sd.Content = []byte(octets)
		} else {
			sd.Content = []byte(ec) // PKCS#7 v1.5 allows any type here
		}
	}

	var certs cryptobyte.String
	var present bool
	if !sdBody.ReadOptionalASN1(&certs, &present, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, malformed("certificates")
	}
	for !certs.Empty() {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !certs.ReadAnyASN1Element(&el, &tag) {
			return nil, malformed("certificate")
		}
		if tag != cbasn1.SEQUENCE { // other CertificateChoices
			continue
		}
		if len(sd.RawCertificates) >= lim.MaxCertificates {
			return nil, fmt.Errorf("%w: more than %d certificates", ErrTooLarge, lim.MaxCertificates)
		}
		sd.RawCertificates = append(sd.RawCertificates, []byte(el))
		if c, err := ParseCertificate(el); err == nil {
			sd.Certificates = append(sd.Certificates, c)
		}
	}
	var crls cryptobyte.String
	if !sdBody.ReadOptionalASN1(&crls, &present, cbasn1.Tag(1).Constructed().ContextSpecific()) {
		return nil, malformed("crls")
	}
	for !crls.Empty() {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !crls.ReadAnyASN1Element(&el, &tag) {
			return nil, malformed("crls")
		}
		if len(sd.RevocationInfo) >= lim.MaxCertificates {
			return nil, fmt.Errorf("%w: more than %d revocation entries", ErrTooLarge, lim.MaxCertificates)
		}
		sd.RevocationInfo = append(sd.RevocationInfo, []byte(el))
	}

	var sis cryptobyte.String
	if !sdBody.ReadASN1(&sis, cbasn1.SET) || !sdBody.Empty() {
		return nil, malformed("signerInfos")
	}
	for !sis.Empty() {
		if len(sd.Signers) >= lim.MaxSigners {
			return nil, fmt.Errorf("%w: more than %d signers", ErrTooLarge, lim.MaxSigners)
		}
		si, err := parseSignerInfo(&sis, lim)
		if err != nil {
			return nil, err
		}
		si.eContentType = sd.ContentType
		si.Certificate = sd.findCertificate(si)
		sd.Signers = append(sd.Signers, si)
	}
	return sd, nil
}

// findCertificate returns the certificate the signer identifier names.
func (sd *SignedData) findCertificate(si *SignerInfo) *smx509.Certificate {
	for _, c := range sd.Certificates {
		if si.SubjectKeyID != nil {
			if len(c.SubjectKeyId) > 0 && string(c.SubjectKeyId) == string(si.SubjectKeyID) {
				return c
			}
			continue
		}
		if c.SerialNumber != nil && c.SerialNumber.Cmp(si.SerialNumber) == 0 && string(c.RawIssuer) == string(si.IssuerRaw) {
			return c
		}
	}
	return nil
}

// readAlgorithmIdentifier reads SEQUENCE { OID, params OPTIONAL } and
// returns the DER of params (nil when absent).
func readAlgorithmIdentifier(s *cryptobyte.String) (asn1.ObjectIdentifier, []byte, error) {
	var ai cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&ai, cbasn1.SEQUENCE) || !ai.ReadASN1ObjectIdentifier(&oid) {
		return nil, nil, malformed("AlgorithmIdentifier")
	}
	if ai.Empty() {
		return oid, nil, nil
	}
	var params cryptobyte.String
	var tag cbasn1.Tag
	if !ai.ReadAnyASN1Element(&params, &tag) || !ai.Empty() {
		return nil, nil, malformed("AlgorithmIdentifier parameters")
	}
	return oid, []byte(params), nil
}

func parseSignerInfo(s *cryptobyte.String, lim Limits) (*SignerInfo, error) {
	var body cryptobyte.String
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) {
		return nil, malformed("SignerInfo")
	}
	si := &SignerInfo{}
	var v int64
	if !body.ReadASN1Int64WithTag(&v, cbasn1.INTEGER) || v < 0 || v > 5 {
		return nil, malformed("SignerInfo version")
	}
	si.Version = int(v)
	switch {
	case body.PeekASN1Tag(cbasn1.SEQUENCE):
		var ias, issuer cryptobyte.String
		serial := new(big.Int)
		if !body.ReadASN1(&ias, cbasn1.SEQUENCE) || !ias.ReadASN1Element(&issuer, cbasn1.SEQUENCE) ||
			!ias.ReadASN1Integer(serial) || !ias.Empty() {
			return nil, malformed("issuerAndSerialNumber")
		}
		si.IssuerRaw, si.SerialNumber = []byte(issuer), serial
	case body.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific()):
		var skid cryptobyte.String
		if !body.ReadASN1(&skid, cbasn1.Tag(0).ContextSpecific()) {
			return nil, malformed("subjectKeyIdentifier")
		}
		si.SubjectKeyID = []byte(skid)
		if si.SubjectKeyID == nil {
			si.SubjectKeyID = []byte{}
		}
	default:
		return nil, malformed("SignerIdentifier")
	}
	var err error
	if si.DigestAlgorithm, _, err = readAlgorithmIdentifier(&body); err != nil {
		return nil, err
	}

	var signed cryptobyte.String
	if body.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		if !body.ReadASN1Element(&signed, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil, malformed("signedAttrs")
		}
		si.SignedAttributes = append([]byte(nil), signed...)
		si.SignedAttributes[0] = 0x31 // the signature covers the SET form
		if si.Attributes, err = parseAttributes(signed, cbasn1.Tag(0).Constructed().ContextSpecific(), lim); err != nil {
			return nil, err
		}
		if err := si.readSignedAttributes(); err != nil {
			return nil, err
		}
	}
	if si.SignatureAlgorithm, si.SignatureParameters, err = readAlgorithmIdentifier(&body); err != nil {
		return nil, err
	}
	var sig cryptobyte.String
	if !body.ReadASN1(&sig, cbasn1.OCTET_STRING) {
		return nil, malformed("signature")
	}
	si.Signature = []byte(sig)
	var unsigned cryptobyte.String
	if body.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		if !body.ReadASN1Element(&unsigned, cbasn1.Tag(1).Constructed().ContextSpecific()) {
			return nil, malformed("unsignedAttrs")
		}
		if si.UnsignedAttributes, err = parseAttributes(unsigned, cbasn1.Tag(1).Constructed().ContextSpecific(), lim); err != nil {
			return nil, err
		}
	}
	if !body.Empty() {
		return nil, malformed("data after SignerInfo fields")
	}
	return si, nil
}

// parseAttributes reads a SET OF Attribute with the given outer tag.
func parseAttributes(el []byte, tag cbasn1.Tag, lim Limits) ([]Attribute, error) {
	in := cryptobyte.String(el)
	var set cryptobyte.String
	if !in.ReadASN1(&set, tag) {
		return nil, malformed("attributes")
	}
	var out []Attribute
	for !set.Empty() {
		if len(out) >= lim.MaxAttributes {
			return nil, fmt.Errorf("%w: more than %d attributes", ErrTooLarge, lim.MaxAttributes)
		}
		var a, vals cryptobyte.String
		var at Attribute
		if !set.ReadASN1(&a, cbasn1.SEQUENCE) || !a.ReadASN1ObjectIdentifier(&at.Type) ||
			!a.ReadASN1(&vals, cbasn1.SET) || !a.Empty() {
			return nil, malformed("attribute")
		}
		for !vals.Empty() {
			if len(at.Values) >= lim.MaxAttributes {
				return nil, fmt.Errorf("%w: more than %d attribute values", ErrTooLarge, lim.MaxAttributes)
			}
			var v cryptobyte.String
			var t cbasn1.Tag
			if !vals.ReadAnyASN1Element(&v, &t) {
				return nil, malformed("attribute value")
			}
			at.Values = append(at.Values, []byte(v))
		}
		out = append(out, at)
	}
	return out, nil
}

// singleValue returns the one value of a signed attribute that RFC 5652
// and RFC 5035 require to appear once with one value.
func singleValue(attrs []Attribute, oid asn1.ObjectIdentifier) ([]byte, bool, error) {
	var val []byte
	found := false
	for _, a := range attrs {
		if !a.Type.Equal(oid) {
			continue
		}
		if found || len(a.Values) != 1 {
			return nil, false, fmt.Errorf("%w: attribute %s must appear once with one value", ErrMalformed, oid)
		}
		found, val = true, a.Values[0]
	}
	return val, found, nil
}

// readSignedAttributes extracts contentType, messageDigest, signingTime
// and the ESS signing certificate.
func (si *SignerInfo) readSignedAttributes() error {
	if v, ok, err := singleValue(si.Attributes, OIDAttributeContentType); err != nil {
		return err
	} else if ok {
		s := cryptobyte.String(v)
		if !s.ReadASN1ObjectIdentifier(&si.ContentType) || !s.Empty() {
			return malformed("contentType attribute")
		}
	}
	if v, ok, err := singleValue(si.Attributes, OIDAttributeMessageDigest); err != nil {
		return err
	} else if ok {
		s := cryptobyte.String(v)
		var d cryptobyte.String
		if !s.ReadASN1(&d, cbasn1.OCTET_STRING) || !s.Empty() {
			return malformed("messageDigest attribute")
		}
		si.MessageDigest = []byte(d)
		if si.MessageDigest == nil {
			si.MessageDigest = []byte{}
		}
	}
	if v, ok, err := singleValue(si.Attributes, OIDAttributeSigningTime); err != nil {
		return err
	} else if ok {
		s := cryptobyte.String(v)
		var t time.Time
		switch {
		case s.PeekASN1Tag(cbasn1.UTCTime):
			if !s.ReadASN1UTCTime(&t) {
				return malformed("signingTime attribute")
			}
		case s.PeekASN1Tag(cbasn1.GeneralizedTime):
			if !s.ReadASN1GeneralizedTime(&t) {
				return malformed("signingTime attribute")
			}
		default:
			return malformed("signingTime attribute")
		}
		if !s.Empty() {
			return malformed("signingTime attribute")
		}
		si.SigningTime = t
	}
	if v, ok, err := singleValue(si.Attributes, OIDAttributeSigningCertificateV2); err != nil {
		return err
	} else if ok {
		if si.ESSCertIDs, err = parseESSCertIDs(v, true); err != nil {
			return err
		}
		si.ESSVersion = 2
	} else if v, ok, err := singleValue(si.Attributes, OIDAttributeSigningCertificate); err != nil {
		return err
	} else if ok {
		if si.ESSCertIDs, err = parseESSCertIDs(v, false); err != nil {
			return err
		}
		si.ESSVersion = 1
	}
	return nil
}
