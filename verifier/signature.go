package verifier

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms"
	"sihub/verifier/pdfstruct"
)

// Signature types in the report.
const (
	TypeSignature    = "signature"
	TypeDocTimestamp = "doc_timestamp"
)

// Supported /SubFilter values.
const (
	subFilterCAdES   = "ETSI.CAdES.detached"
	subFilterPKCS7   = "adbe.pkcs7.detached"
	subFilterRFC3161 = "ETSI.RFC3161"
)

// checkSignature runs every check of one signature.
func (d *document) checkSignature(s *sigRef) SignatureReport {
	rep := SignatureReport{
		Field:      s.field,
		Type:       TypeSignature,
		Revocation: RevocationNotChecked,
		Level:      LevelBB,
	}
	sub, _ := s.dict.Name("SubFilter")
	rep.SubFilter = string(sub)
	if t, _ := s.dict.Name("Type"); t == "DocTimeStamp" || sub == subFilterRFC3161 {
		rep.Type = TypeDocTimestamp
		rep.Level = ""
	}
	if m, ok := d.resolve(s.dict["M"]).(pdfstruct.String); ok {
		if t, ok := parsePDFDate(m.Text()); ok {
			rep.SignedAt, rep.SignedAtSource = &t, "dictionary"
		}
	}
	if c, ok := s.dict["Contents"].(pdfstruct.String); ok && allZero(c.Value) {
		rep.addError(ReasonUnsignedSignatureDict, "the signature's /Contents was never filled")
		return rep
	}
	if br, err := readByteRange(d, s.dict); err == nil {
		rep.ByteRange = br[:]
	}
	br, contents, err := checkByteRange(d, s.dict)
	if err != nil {
		rep.addError(ReasonByteRangeInvalid, err.Error())
		return rep
	}
	rep.CoversWholeDocument = br[2]+br[3] == int64(len(d.data))

	switch sub {
	case subFilterCAdES, subFilterPKCS7, subFilterRFC3161:
	default:
		rep.addError(ReasonUnsupportedAlgorithm, fmt.Sprintf("sub-filter %q is not supported", sub))
		return rep
	}
	sd, err := cms.Parse(contents)
	if err != nil {
		rep.addError(ReasonContentsInvalid, err.Error())
		return rep
	}
	if len(sd.Signers) != 1 {
		rep.addError(ReasonContentsInvalid, fmt.Sprintf("the CMS has %d signers, not 1", len(sd.Signers)))
		return rep
	}
	si := sd.Signers[0]
	rep.Algorithm = si.AlgorithmName()
	if c := si.Certificate; c != nil {
		rep.Signer = certName(c)
		rep.SignerSerial = hex.EncodeToString(c.SerialNumber.Bytes())
		rep.Issuer = d.v.certInfo(c).Issuer
	}

	signingTime := si.SigningTime
	if rep.Type == TypeDocTimestamp {
		signingTime, err = d.verifyTimestamp(sd, br)
	} else {
		err = d.verifyContent(si, br)
	}
	if err != nil {
		rep.addError(cmsReason(err), err.Error())
	} else {
		rep.IntegrityValid = true
	}
	// proven is the time a valid signature timestamp proves the signature
	// existed at (zero without one)
	var proven time.Time
	if rep.Type == TypeDocTimestamp {
		rep.Timestamp = &TimestampReport{GenTime: signingTime}
		if c := si.Certificate; c != nil {
			rep.Timestamp.TSA = d.v.certInfo(c).Subject
			if err := checkTSACertificate(c); err != nil {
				rep.addError(ReasonTimestampInvalid, err.Error())
			}
		}
	} else if ts := d.signatureTimestamp(si); ts != nil {
		rep.Timestamp = ts
		if ts.Valid {
			proven = ts.GenTime
		} else {
			rep.addError(ReasonTimestampInvalid, "signature timestamp: "+ts.Error)
		}
	}
	if rep.Type == TypeSignature {
		// The seal is judged at the best signing time known: proven by a
		// timestamp, else claimed by the CMS or the dictionary's /M.
		at := proven
		if at.IsZero() {
			at = signingTime
		}
		if at.IsZero() && rep.SignedAt != nil {
			at = *rep.SignedAt
		}
		d.checkSeal(&rep, si, at)
	}
	if si.Certificate == nil {
		return rep
	}
	claimed := !signingTime.IsZero()
	if !proven.IsZero() {
		signingTime, claimed = proven, true
	}
	if claimed {
		t := signingTime
		rep.SignedAt, rep.SignedAtSource = &t, "signing_time"
		if !proven.IsZero() {
			rep.SignedAtSource = "timestamp"
		}
	} else {
		signingTime = d.now
	}
	d.checkCertificates(&rep, si.Certificate, d.withDSSCerts(sd.Certificates), signingTime, claimed, proven)
	if rep.Type == TypeDocTimestamp {
		rep.Timestamp.Valid = rep.IntegrityValid && len(rep.Errors) == 0
		if !rep.Timestamp.Valid && len(rep.Errors) > 0 {
			rep.Timestamp.Error = rep.Errors[0].Message
		}
	}
	return rep
}

// verifyContent digests the byte ranges and checks the CMS signer.
func (d *document) verifyContent(si *cms.SignerInfo, br [4]int64) error {
	h, err := si.NewHash()
	if err != nil {
		return err
	}
	h.Write(d.data[br[0] : br[0]+br[1]])
	h.Write(d.data[br[2] : br[2]+br[3]])
	return si.Verify(h.Sum(nil))
}

// cmsReason maps a cms error to a reason code.
func cmsReason(err error) Reason {
	switch {
	case errors.Is(err, cms.ErrDigestMismatch), errors.Is(err, errImprintMismatch):
		return ReasonDigestMismatch
	case errors.Is(err, cms.ErrSignerNotFound):
		return ReasonSignerNotFound
	case errors.Is(err, cms.ErrUnsupportedAlgorithm), errors.Is(err, cms.ErrWeakAlgorithm):
		return ReasonUnsupportedAlgorithm
	case errors.Is(err, cms.ErrMalformed), errors.Is(err, errTSTInfo):
		return ReasonContentsInvalid
	}
	return ReasonSignatureInvalid
}

// checkCertificates checks the signer's key usage, chain, revocation and
// validity. claimed says whether signingTime comes from the signature (or
// its timestamp); otherwise it is the verification time. proven is the
// signature timestamp's time (zero without one): with it, and revocation
// data showing the certificate good then, a certificate that has expired
// since does not make the signature invalid (long-term validation).
func (d *document) checkCertificates(rep *SignatureReport, leaf *smx509.Certificate, embedded []*smx509.Certificate, signingTime time.Time, claimed bool, proven time.Time) {
	at := "at the signing time " + signingTime.UTC().Format(time.RFC3339)
	if !claimed {
		at = "at the verification time (the signature states no signing time)"
	}
	const okUsage = smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment
	if leaf.KeyUsage != 0 && leaf.KeyUsage&okUsage == 0 {
		rep.addError(ReasonKeyUsageInvalid, "the signer certificate allows neither digitalSignature nor nonRepudiation")
	}
	chain, err := d.v.buildChain(leaf, embedded, signingTime)
	if err != nil {
		rep.addError(ReasonChainUntrusted, "no chain to a trust anchor: "+err.Error())
		chain = []*smx509.Certificate{leaf}
	} else {
		rep.ChainTrusted = true
	}
	for _, c := range chain {
		rep.Chain = append(rep.Chain, d.v.certInfo(c))
	}
	// the signer's, or for a document timestamp the TSA's, certificate
	if len(chain) > 1 {
		d.checkRevocation(rep, chain[0], chain[1], signingTime)
	}
	longTerm := !proven.IsZero() && rep.Revocation == RevocationGood
	var expired, early bool
	for _, c := range chain {
		name := certName(c)
		switch {
		case !early && signingTime.Before(c.NotBefore):
			early = true
			rep.addError(ReasonCertNotYetValid, fmt.Sprintf("%q was not yet valid %s", name, at))
		case !expired && signingTime.After(c.NotAfter):
			expired = true
			rep.addError(ReasonCertExpired, fmt.Sprintf("%q had expired %s", name, at))
		case !expired && d.now.After(c.NotAfter) && longTerm:
			rep.Notes = append(rep.Notes, fmt.Sprintf("%q expired on %s; the signature timestamp proves the signature was made on %s, when it was valid and not revoked",
				name, c.NotAfter.UTC().Format(time.RFC3339), proven.UTC().Format(time.RFC3339)))
		case !expired && d.now.After(c.NotAfter):
			expired = true
			rep.expiredSince = true
			rep.addError(ReasonCertExpired, fmt.Sprintf("%q expired on %s and no timestamp proves the signing time", name, c.NotAfter.UTC().Format(time.RFC3339)))
		case !early && d.now.Before(c.NotBefore):
			early = true
			rep.addError(ReasonCertNotYetValid, fmt.Sprintf("%q is not valid before %s", name, c.NotBefore.UTC().Format(time.RFC3339)))
		}
	}
}

func certName(c *smx509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

// certInfo returns the report of c, from the cache when the same
// certificate (by the SHA-256 of its DER) was reported before: formatting
// names is a good part of the cost of a report.
func (v *Verifier) certInfo(c *smx509.Certificate) CertificateReport {
	sum := sha256.Sum256(c.Raw)
	if r, ok := v.reports.get(sum); ok {
		return r
	}
	r := certReport(c, sum)
	v.reports.put(sum, r)
	return r
}

func certReport(c *smx509.Certificate, sum [32]byte) CertificateReport {
	return CertificateReport{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		Serial:    hex.EncodeToString(c.SerialNumber.Bytes()),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SHA256:    hex.EncodeToString(sum[:]),
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
