package cms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/subtle"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// digest returns the SignerInfo's digest algorithm, refusing unknown and
// weak ones.
func (si *SignerInfo) digest() (digestID, error) {
	d := digestFromOID(si.DigestAlgorithm)
	switch d {
	case digestUnknown:
		return d, fmt.Errorf("%w: digest %s", ErrUnsupportedAlgorithm, si.DigestAlgorithm)
	case digestSHA1:
		return d, fmt.Errorf("%w: SHA-1 digest", ErrWeakAlgorithm)
	}
	return d, nil
}

// NewHash returns a hash of the SignerInfo's digest algorithm, with which
// the caller digests the content (for a PDF: the signed byte ranges)
// before calling Verify.
func (si *SignerInfo) NewHash() (hash.Hash, error) {
	d, err := si.digest()
	if err != nil {
		return nil, err
	}
	return d.new(), nil
}

// AlgorithmName names the signature algorithm: "SM2-SM3",
// "ECDSA-P256-SHA256", "RSA-SHA256", "RSA-PSS-SHA256" … An unknown
// algorithm is named by its identifier.
func (si *SignerInfo) AlgorithmName() string {
	kind, _ := signatureKind(si.SignatureAlgorithm)
	d := digestFromOID(si.DigestAlgorithm)
	switch kind {
	case sigSM2:
		return "SM2-" + d.String()
	case sigECDSA:
		if si.Certificate != nil {
			if k, ok := si.Certificate.PublicKey.(*ecdsa.PublicKey); ok {
				if sm2.IsSM2PublicKey(k) {
					return "ECDSA-SM2CURVE-" + d.String()
				}
				if c := curveName(k.Curve); c != "" {
					return "ECDSA-" + c + "-" + d.String()
				}
			}
		}
		return "ECDSA-" + d.String()
	case sigRSA:
		return "RSA-" + d.String()
	case sigRSAPSS:
		return "RSA-PSS-" + d.String()
	case sigEd25519:
		return "Ed25519"
	}
	return "unknown(" + si.SignatureAlgorithm.String() + ")"
}

// Verify checks this signer against contentDigest, the digest of the
// (detached) content computed with NewHash:
//   - the signer certificate is present (ErrSignerNotFound);
//   - the algorithms are known, acceptable and consistent
//     (ErrUnsupportedAlgorithm, ErrWeakAlgorithm);
//   - the contentType attribute, if present, equals the encapsulated
//     content type (ErrContentTypeMismatch);
//   - the messageDigest attribute is present (ErrMissingAttribute) and
//     equals contentDigest (ErrDigestMismatch);
//   - the signature over the signed attributes verifies with the
//     certificate's key (ErrBadSignature): SM2 with the default signer ID,
//     ECDSA, RSA PKCS#1 v1.5 or PSS;
//   - the signingCertificateV2 (or v1) attribute, if present, names the
//     certificate (ErrCertificateMismatch).
//
// Without signed attributes the signature is checked directly over
// contentDigest (RSA and ECDSA only; SM2 then needs the content itself and
// fails with ErrUnsupportedAlgorithm). Verify does not validate the
// certificate chain.
func (si *SignerInfo) Verify(contentDigest []byte) error {
	if si.Certificate == nil {
		return ErrSignerNotFound
	}
	d, err := si.digest()
	if err != nil {
		return err
	}
	kind, implied := signatureKind(si.SignatureAlgorithm)
	if kind == sigUnknown {
		return fmt.Errorf("%w: signature algorithm %s", ErrUnsupportedAlgorithm, si.SignatureAlgorithm)
	}
	if implied == digestSHA1 {
		return fmt.Errorf("%w: signature algorithm %s", ErrWeakAlgorithm, si.SignatureAlgorithm)
	}
	if implied != digestUnknown && implied != d {
		return fmt.Errorf("%w: signature algorithm %s with digest %s", ErrUnsupportedAlgorithm, si.SignatureAlgorithm, si.DigestAlgorithm)
	}
	pub := si.Certificate.PublicKey
	if si.SignedAttributes == nil {
		if kind == sigSM2 || kind == sigEd25519 {
			return fmt.Errorf("%w: %s signature without signed attributes needs the content", ErrUnsupportedAlgorithm, si.AlgorithmName())
		}
		return verifySignature(pub, kind, d, si.SignatureParameters, contentDigest, si.Signature, true)
	}
	if si.ContentType != nil && si.eContentType != nil && !si.ContentType.Equal(si.eContentType) {
		return ErrContentTypeMismatch
	}
	if si.MessageDigest == nil {
		return fmt.Errorf("%w: messageDigest", ErrMissingAttribute)
	}
	if subtle.ConstantTimeCompare(si.MessageDigest, contentDigest) != 1 {
		return ErrDigestMismatch
	}
	if err := verifySignature(pub, kind, d, si.SignatureParameters, si.SignedAttributes, si.Signature, false); err != nil {
		return err
	}
	return si.checkSigningCertificate()
}

// checkSigningCertificate compares the first ESS certificate identifier
// with the signer certificate.
func (si *SignerInfo) checkSigningCertificate() error {
	if si.ESSVersion == 0 {
		return nil
	}
	if len(si.ESSCertIDs) == 0 {
		return fmt.Errorf("%w: empty signingCertificate attribute", ErrCertificateMismatch)
	}
	id := si.ESSCertIDs[0]
	hd := digestFromOID(id.HashAlgorithm)
	if hd == digestUnknown {
		return fmt.Errorf("%w: ESS certificate hash %s", ErrUnsupportedAlgorithm, id.HashAlgorithm)
	}
	h := hd.new()
	h.Write(si.Certificate.Raw)
	if subtle.ConstantTimeCompare(h.Sum(nil), id.Hash) != 1 {
		return fmt.Errorf("%w: certificate hash differs", ErrCertificateMismatch)
	}
	if id.SerialNumber != nil && si.Certificate.SerialNumber != nil && id.SerialNumber.Cmp(si.Certificate.SerialNumber) != 0 {
		return fmt.Errorf("%w: serial number differs", ErrCertificateMismatch)
	}
	return nil
}

// verifySignature checks sig over msg (or, when prehashed, over the digest
// msg) with pub.
func verifySignature(pub crypto.PublicKey, kind sigKind, d digestID, params, msg, sig []byte, prehashed bool) error {
	digestOf := func() []byte {
		if prehashed {
			return msg
		}
		h := d.new()
		h.Write(msg)
		return h.Sum(nil)
	}
	switch kind {
	case sigSM2:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || !sm2.IsSM2PublicKey(k) {
			return fmt.Errorf("%w: SM2 signature with a %s key", ErrUnsupportedAlgorithm, keyName(pub))
		}
		if d != digestSM3 {
			return fmt.Errorf("%w: SM2 signature with digest %s", ErrUnsupportedAlgorithm, d)
		}
		if prehashed || !sm2.VerifyASN1WithSM2(k, nil, msg, sig) {
			return ErrBadSignature
		}
		return nil
	case sigECDSA:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || sm2.IsSM2PublicKey(k) || curveName(k.Curve) == "" {
			return fmt.Errorf("%w: ECDSA signature with a %s key", ErrUnsupportedAlgorithm, keyName(pub))
		}
		if d == digestSM3 {
			return fmt.Errorf("%w: ECDSA signature with digest SM3", ErrUnsupportedAlgorithm)
		}
		if !ecdsa.VerifyASN1(k, digestOf(), sig) {
			return ErrBadSignature
		}
		return nil
	case sigEd25519:
		k, ok := pub.(ed25519.PublicKey)
		if !ok {
			return fmt.Errorf("%w: Ed25519 signature with a %s key", ErrUnsupportedAlgorithm, keyName(pub))
		}
		if prehashed || !ed25519.Verify(k, msg, sig) {
			return ErrBadSignature
		}
		return nil
	case sigRSA, sigRSAPSS:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: RSA signature with a %s key", ErrUnsupportedAlgorithm, keyName(pub))
		}
		if k.N == nil || k.N.BitLen() < 1024 {
			return fmt.Errorf("%w: RSA key shorter than 1024 bits", ErrWeakAlgorithm)
		}
		if k.E < 3 || k.E > 1<<31-1 {
			return fmt.Errorf("%w: RSA public exponent outside [3, 2^31-1]", ErrUnsupportedAlgorithm)
		}
		ch := d.cryptoHash()
		if ch == 0 {
			return fmt.Errorf("%w: RSA signature with digest %s", ErrUnsupportedAlgorithm, d)
		}
		if kind == sigRSA {
			if rsa.VerifyPKCS1v15(k, ch, digestOf(), sig) != nil {
				return ErrBadSignature
			}
			return nil
		}
		opts, err := pssOptions(params, d)
		if err != nil {
			return err
		}
		if rsa.VerifyPSS(k, ch, digestOf(), sig, opts) != nil {
			return ErrBadSignature
		}
		return nil
	}
	return ErrUnsupportedAlgorithm
}

func keyName(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if sm2.IsSM2PublicKey(k) {
			return "SM2"
		}
		if k.Curve == nil {
			return "ECDSA"
		}
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return "RSA"
	}
	return fmt.Sprintf("%T", pub)
}

// pssOptions reads RSASSA-PSS-params (RFC 4055) and requires its hash and
// MGF1 hash to equal the SignerInfo digest.
func pssOptions(params []byte, d digestID) (*rsa.PSSOptions, error) {
	hashAlg := digestSHA1
	mgfHash := digestSHA1
	salt := int64(20)
	if params != nil {
		in := cryptobyte.String(params)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return nil, malformed("RSASSA-PSS parameters")
		}
		var f cryptobyte.String
		var present bool
		if !seq.ReadOptionalASN1(&f, &present, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil, malformed("RSASSA-PSS hashAlgorithm")
		}
		if present {
			oid, _, err := readAlgorithmIdentifier(&f)
			if err != nil {
				return nil, err
			}
			hashAlg = digestFromOID(oid)
		}
		if !seq.ReadOptionalASN1(&f, &present, cbasn1.Tag(1).Constructed().ContextSpecific()) {
			return nil, malformed("RSASSA-PSS maskGenAlgorithm")
		}
		if present {
			oid, p, err := readAlgorithmIdentifier(&f)
			if err != nil {
				return nil, err
			}
			if !oid.Equal(OIDMGF1) {
				return nil, fmt.Errorf("%w: PSS mask generation %s", ErrUnsupportedAlgorithm, oid)
			}
			ps := cryptobyte.String(p)
			mo, _, err := readAlgorithmIdentifier(&ps)
			if err != nil {
				return nil, err
			}
			mgfHash = digestFromOID(mo)
		}
		if !seq.ReadOptionalASN1(&f, &present, cbasn1.Tag(2).Constructed().ContextSpecific()) {
			return nil, malformed("RSASSA-PSS saltLength")
		}
		if present && (!f.ReadASN1Int64WithTag(&salt, cbasn1.INTEGER) || salt < 0 || salt > 1024) {
			return nil, malformed("RSASSA-PSS saltLength")
		}
		if !seq.ReadOptionalASN1(&f, &present, cbasn1.Tag(3).Constructed().ContextSpecific()) {
			return nil, malformed("RSASSA-PSS trailerField")
		}
		var trailer int64 = 1
		if present && (!f.ReadASN1Int64WithTag(&trailer, cbasn1.INTEGER) || trailer != 1) {
			return nil, fmt.Errorf("%w: PSS trailer field", ErrUnsupportedAlgorithm)
		}
	}
	if hashAlg == digestSHA1 || mgfHash == digestSHA1 {
		return nil, fmt.Errorf("%w: PSS with SHA-1", ErrWeakAlgorithm)
	}
	if hashAlg != d || mgfHash != d {
		return nil, fmt.Errorf("%w: PSS hash %s, MGF1 hash %s, digest %s", ErrUnsupportedAlgorithm, hashAlg, mgfHash, d)
	}
	return &rsa.PSSOptions{SaltLength: int(salt), Hash: d.cryptoHash()}, nil
}

// VerifyContent is Verify for a caller that holds the content itself (an
// attached SignedData, a time-stamp token's TSTInfo): it digests content
// and, for an SM2 or Ed25519 signer without signed attributes, checks the
// signature over content directly.
func (si *SignerInfo) VerifyContent(content []byte) error {
	if si.SignedAttributes == nil {
		if kind, _ := signatureKind(si.SignatureAlgorithm); kind == sigSM2 || kind == sigEd25519 {
			if si.Certificate == nil {
				return ErrSignerNotFound
			}
			d, err := si.digest()
			if err != nil {
				return err
			}
			return verifySignature(si.Certificate.PublicKey, kind, d, si.SignatureParameters, content, si.Signature, false)
		}
	}
	h, err := si.NewHash()
	if err != nil {
		return err
	}
	h.Write(content)
	return si.Verify(h.Sum(nil))
}
