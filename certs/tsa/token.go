package tsa

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"slices"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/cms"
)

// Token is a parsed TimeStampToken.
type Token struct {
	Info       *TSTInfo
	SignedData *cms.SignedData
	// Raw is the DER ContentInfo.
	Raw []byte
}

// ParseToken parses a DER TimeStampToken: a CMS SignedData (within
// cms.DefaultLimits) with one signer, encapsulating a TSTInfo.
func ParseToken(der []byte) (*Token, error) {
	sd, err := cms.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("%w: token: %v", ErrMalformed, err)
	}
	if !sd.ContentType.Equal(cms.OIDTSTInfo) || sd.Content == nil {
		return nil, fmt.Errorf("%w: token content type %s", ErrMalformed, sd.ContentType)
	}
	if len(sd.Signers) != 1 {
		return nil, fmt.Errorf("%w: token with %d signers", ErrMalformed, len(sd.Signers))
	}
	info, err := ParseTSTInfo(sd.Content)
	if err != nil {
		return nil, err
	}
	return &Token{Info: info, SignedData: sd, Raw: sd.Raw}, nil
}

// Signer is the certificate that signed the token: the one embedded, or
// nil when the token carries none.
func (t *Token) Signer() *smx509.Certificate { return t.SignedData.Signers[0].Certificate }

// Verify checks the token's signature (certs/cms: messageDigest,
// signature, signingCertificateV2) with the embedded TSA certificate, or
// with tsaCert when the token carries none (tsaCert is ignored otherwise;
// nil is fine when the token has it), and that this certificate is a TSA
// certificate (critical id-kp-timeStamping alone). It does not validate
// the certificate chain or the time.
func (t *Token) Verify(tsaCert *smx509.Certificate) error {
	si := t.SignedData.Signers[0]
	if si.Certificate == nil {
		if tsaCert == nil {
			return fmt.Errorf("%w: the token carries no certificate and none was given", ErrVerify)
		}
		if tsaCert.SerialNumber.Cmp(si.SerialNumber) != 0 || !bytes.Equal(tsaCert.RawIssuer, si.IssuerRaw) {
			if si.SubjectKeyID == nil || !bytes.Equal(si.SubjectKeyID, tsaCert.SubjectKeyId) {
				return fmt.Errorf("%w: the given certificate is not the token's signer", ErrVerify)
			}
		}
		c := *si
		c.Certificate = tsaCert
		si = &c
	}
	if !slices.Contains(si.Certificate.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
		return fmt.Errorf("%w: signer %q lacks id-kp-timeStamping", ErrVerify, si.Certificate.Subject.CommonName)
	}
	if err := certs.LintService(si.Certificate); err != nil {
		return fmt.Errorf("%w: %v", ErrVerify, err)
	}
	if err := si.VerifyContent(t.SignedData.Content); err != nil {
		return fmt.Errorf("%w: %w", ErrVerify, err)
	}
	return nil
}

// Covers reports whether the token's message imprint is the hash of data.
func (t *Token) Covers(data []byte) bool {
	h := t.Info.Hash.New()
	if h == nil {
		return false
	}
	h.Write(data)
	return bytes.Equal(h.Sum(nil), t.Info.HashedMessage)
}
