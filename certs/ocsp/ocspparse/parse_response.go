package ocspparse

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"slices"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"sihub/certs/crl/crlreason"
)

// MaxResponseSize caps a response ParseResponse reads.
const MaxResponseSize = 64 << 10

const maxResponseCerts = 4

// SingleResponse is one answer of a response.
type SingleResponse struct {
	CertID     CertID
	Status     Status
	ThisUpdate time.Time
	NextUpdate time.Time // zero when absent
}

// Response is a parsed and verified OCSP response.
type Response struct {
	ProducedAt time.Time
	Responses  []SingleResponse
	// Nonce is the extnValue of the response's nonce extension; nil when
	// absent.
	Nonce []byte
	// Signer is the certificate whose key signed the response: the CA or
	// its delegated OCSP signer.
	Signer *smx509.Certificate
	// SignatureAlgorithm is the OID of the signature algorithm.
	SignatureAlgorithm asn1.ObjectIdentifier
}

// ParseResponse parses a DER OCSPResponse (at most MaxResponseSize bytes)
// and verifies it against the CA that issued the certificates asked about:
// the signer is ca itself or a certificate in the response issued by ca
// with id-kp-OCSPSigning and valid at producedAt; the signature
// (SM2-with-SM3 with signer ID 1234567812345678, or ECDSA with SHA-256/384)
// is checked with gmsm's smx509. A non-successful status returns an error
// wrapping ErrStatus.
func ParseResponse(der []byte, ca *smx509.Certificate) (*Response, error) {
	return (*Reader)(nil).ParseResponse(der, ca)
}

// ParseResponse reads der as the function ParseResponse does, checking a
// delegated responder certificate's signature by ca only if r has not
// seen that certificate issued by ca before. r may be nil (nothing
// remembered).
func (r *Reader) ParseResponse(der []byte, ca *smx509.Certificate) (*Response, error) {
	if len(der) > MaxResponseSize {
		return nil, fmt.Errorf("%w: response of %d bytes", ErrTooLarge, len(der))
	}
	if ca == nil {
		return nil, fmt.Errorf("%w: no CA to verify against", ErrInvalid)
	}
	in := cryptobyte.String(der)
	var resp, rb, rbSeq, basicOctets cryptobyte.String
	var status int
	var has bool
	var rtype asn1.ObjectIdentifier
	if !in.ReadASN1(&resp, cbasn1.SEQUENCE) || !in.Empty() || !resp.ReadASN1Enum(&status) ||
		!resp.ReadOptionalASN1(&rb, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) || !resp.Empty() {
		return nil, malformed("OCSPResponse")
	}
	if status != int(Successful) {
		return nil, fmt.Errorf("%w: %s", ErrStatus, ResponseStatus(status))
	}
	if !has || !rb.ReadASN1(&rbSeq, cbasn1.SEQUENCE) || !rb.Empty() || !rbSeq.ReadASN1ObjectIdentifier(&rtype) ||
		!rbSeq.ReadASN1(&basicOctets, cbasn1.OCTET_STRING) || !rbSeq.Empty() {
		return nil, malformed("responseBytes")
	}
	if !rtype.Equal(oidBasic) {
		return nil, fmt.Errorf("%w: response type %s", ErrUnsupported, rtype)
	}
	var basic, tbsRaw, algSeq cryptobyte.String
	var sig asn1.BitString
	out := &Response{}
	if !basicOctets.ReadASN1(&basic, cbasn1.SEQUENCE) || !basicOctets.Empty() ||
		!basic.ReadASN1Element(&tbsRaw, cbasn1.SEQUENCE) || !basic.ReadASN1(&algSeq, cbasn1.SEQUENCE) ||
		!algSeq.ReadASN1ObjectIdentifier(&out.SignatureAlgorithm) || !basic.ReadASN1BitString(&sig) {
		return nil, malformed("BasicOCSPResponse")
	}
	var certsField cryptobyte.String
	if !basic.ReadOptionalASN1(&certsField, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) || !basic.Empty() {
		return nil, malformed("BasicOCSPResponse certs")
	}
	var embedded []*smx509.Certificate
	if has {
		var seq cryptobyte.String
		if !certsField.ReadASN1(&seq, cbasn1.SEQUENCE) || !certsField.Empty() {
			return nil, malformed("certs")
		}
		for !seq.Empty() {
			var el cryptobyte.String
			if len(embedded) == maxResponseCerts || !seq.ReadASN1Element(&el, cbasn1.SEQUENCE) {
				return nil, malformed("certs")
			}
			c, err := smx509.ParseCertificate(el)
			if err != nil {
				return nil, fmt.Errorf("%w: embedded certificate: %v", ErrMalformed, err)
			}
			embedded = append(embedded, c)
		}
	}
	byName, byKey, err := parseResponseData(tbsRaw, out)
	if err != nil {
		return nil, err
	}
	signer, err := r.findSigner(ca, embedded, byName, byKey, out.ProducedAt)
	if err != nil {
		return nil, err
	}
	var algo x509.SignatureAlgorithm
	switch {
	case out.SignatureAlgorithm.Equal(oidSignatureSM2WithSM3):
		algo = smx509.SM2WithSM3
	case out.SignatureAlgorithm.Equal(oidECDSAWithSHA256):
		algo = x509.ECDSAWithSHA256
	case out.SignatureAlgorithm.Equal(asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}):
		algo = x509.ECDSAWithSHA384
	default:
		return nil, fmt.Errorf("%w: signature algorithm %s", ErrUnsupported, out.SignatureAlgorithm)
	}
	if err := signer.CheckSignature(algo, tbsRaw, sig.RightAlign()); err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrVerify, err)
	}
	out.Signer = signer
	return out, nil
}

func (r *Reader) findSigner(ca *smx509.Certificate, embedded []*smx509.Certificate, byName, byKey []byte, at time.Time) (*smx509.Certificate, error) {
	isSigner := func(c *smx509.Certificate) bool {
		if byName != nil {
			return bytes.Equal(c.RawSubject, byName)
		}
		bits, err := PublicKeyBits(c.RawSubjectPublicKeyInfo)
		if err != nil {
			return false
		}
		h := sha1.Sum(bits)
		return bytes.Equal(h[:], byKey)
	}
	if isSigner(ca) {
		return ca, nil
	}
	for _, c := range embedded {
		if !isSigner(c) {
			continue
		}
		if err := r.checkIssued(c, ca); err != nil {
			return nil, fmt.Errorf("%w: responder certificate %q is not issued by %q", ErrVerify, c.Subject.CommonName, ca.Subject.CommonName)
		}
		if !slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
			return nil, fmt.Errorf("%w: responder certificate %q lacks id-kp-OCSPSigning", ErrVerify, c.Subject.CommonName)
		}
		if at.Before(c.NotBefore) || at.After(c.NotAfter) {
			return nil, fmt.Errorf("%w: responder certificate %q is not valid at %s", ErrVerify, c.Subject.CommonName, at)
		}
		return c, nil
	}
	return nil, fmt.Errorf("%w: no responder certificate matches the responder ID", ErrVerify)
}

func parseResponseData(raw cryptobyte.String, out *Response) (byName, byKey []byte, err error) {
	var rd cryptobyte.String
	if !raw.ReadASN1(&rd, cbasn1.SEQUENCE) {
		return nil, nil, malformed("ResponseData")
	}
	var ver cryptobyte.String
	var has bool
	if !rd.ReadOptionalASN1(&ver, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, nil, malformed("version")
	}
	if has {
		var v int64
		if !ver.ReadASN1Int64WithTag(&v, cbasn1.INTEGER) || v != 0 {
			return nil, nil, malformed("version")
		}
	}
	var rid cryptobyte.String
	switch {
	case rd.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()):
		var name cryptobyte.String
		if !rd.ReadASN1(&rid, cbasn1.Tag(1).Constructed().ContextSpecific()) || !rid.ReadASN1Element(&name, cbasn1.SEQUENCE) || !rid.Empty() {
			return nil, nil, malformed("responderID")
		}
		byName = []byte(name)
	case rd.PeekASN1Tag(cbasn1.Tag(2).Constructed().ContextSpecific()):
		var kh cryptobyte.String
		if !rd.ReadASN1(&rid, cbasn1.Tag(2).Constructed().ContextSpecific()) || !rid.ReadASN1(&kh, cbasn1.OCTET_STRING) || !rid.Empty() || len(kh) != 20 {
			return nil, nil, malformed("responderID")
		}
		byKey = []byte(kh)
	default:
		return nil, nil, malformed("responderID")
	}
	var list cryptobyte.String
	if !rd.ReadASN1GeneralizedTime(&out.ProducedAt) || !rd.ReadASN1(&list, cbasn1.SEQUENCE) {
		return nil, nil, malformed("producedAt or responses")
	}
	for !list.Empty() {
		if len(out.Responses) == DefaultMaxRequests {
			return nil, nil, fmt.Errorf("%w: more than %d single responses", ErrTooLarge, DefaultMaxRequests)
		}
		sr, err := parseSingleResponse(&list)
		if err != nil {
			return nil, nil, err
		}
		out.Responses = append(out.Responses, sr)
	}
	var exts cryptobyte.String
	if !rd.ReadOptionalASN1(&exts, &has, cbasn1.Tag(1).Constructed().ContextSpecific()) || !rd.Empty() {
		return nil, nil, malformed("responseExtensions")
	}
	if has {
		var seq cryptobyte.String
		if !exts.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return nil, nil, malformed("responseExtensions")
		}
		for n := 0; !seq.Empty(); n++ {
			var ext, val cryptobyte.String
			var oid asn1.ObjectIdentifier
			critical := false
			if n == 16 || !seq.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) ||
				!ext.ReadOptionalASN1Boolean(&critical, cbasn1.BOOLEAN, false) || !ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
				return nil, nil, malformed("response extension")
			}
			if oid.Equal(OIDNonce) {
				out.Nonce = []byte(val)
			} else if critical {
				return nil, nil, fmt.Errorf("%w: unknown critical response extension %s", ErrUnsupported, oid)
			}
		}
	}
	return byName, byKey, nil
}

func parseSingleResponse(list *cryptobyte.String) (SingleResponse, error) {
	var sr SingleResponse
	var one cryptobyte.String
	if !list.ReadASN1(&one, cbasn1.SEQUENCE) {
		return sr, malformed("SingleResponse")
	}
	id, err := parseCertID(&one)
	if err != nil {
		return sr, err
	}
	sr.CertID = id
	var st cryptobyte.String
	var tag cbasn1.Tag
	if !one.ReadAnyASN1(&st, &tag) {
		return sr, malformed("certStatus")
	}
	switch tag {
	case cbasn1.Tag(0).ContextSpecific():
		sr.Status.State = Good
	case cbasn1.Tag(2).ContextSpecific():
		sr.Status.State = Unknown
	case cbasn1.Tag(1).Constructed().ContextSpecific():
		sr.Status.State = Revoked
		if !st.ReadASN1GeneralizedTime(&sr.Status.RevokedAt) {
			return sr, malformed("revocationTime")
		}
		var reason cryptobyte.String
		var has bool
		if !st.ReadOptionalASN1(&reason, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) || !st.Empty() {
			return sr, malformed("revocationReason")
		}
		if has {
			var r int
			if !reason.ReadASN1Enum(&r) || !reason.Empty() || !crlreason.Reason(r).Valid() {
				return sr, malformed("revocationReason")
			}
			sr.Status.Reason = crlreason.Reason(r)
		}
	default:
		return sr, malformed("certStatus")
	}
	if (sr.Status.State != Revoked && len(st) != 0) || !one.ReadASN1GeneralizedTime(&sr.ThisUpdate) {
		return sr, malformed("thisUpdate")
	}
	var next cryptobyte.String
	var has bool
	if !one.ReadOptionalASN1(&next, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return sr, malformed("nextUpdate")
	}
	if has && !next.ReadASN1GeneralizedTime(&sr.NextUpdate) {
		return sr, malformed("nextUpdate")
	}
	if !one.SkipOptionalASN1(cbasn1.Tag(1).Constructed().ContextSpecific()) || !one.Empty() {
		return sr, malformed("singleExtensions")
	}
	return sr, nil
}
