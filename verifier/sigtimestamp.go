package verifier

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"slices"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms"
)

var (
	errNotTSA   = errors.New("verifier: the token's signer is not a time-stamping authority (critical id-kp-timeStamping)")
	oidExtKeyUs = asn1.ObjectIdentifier{2, 5, 29, 37}
)

// signatureTimestamp validates the signature-time-stamp attribute of si
// (RFC 3161 token over the signature value, ETSI EN 319 122-1 B-T). It
// returns nil when there is none.
func (d *document) signatureTimestamp(si *cms.SignerInfo) *TimestampReport {
	attr, ok := si.UnsignedAttribute(cms.OIDAttributeTimeStampToken)
	if !ok {
		return nil
	}
	if len(attr.Values) != 1 {
		return &TimestampReport{Error: fmt.Sprintf("the signature-time-stamp attribute has %d values, not 1", len(attr.Values))}
	}
	sd, err := cms.Parse(attr.Values[0])
	if err != nil {
		return &TimestampReport{Error: "the timestamp token does not parse: " + err.Error()}
	}
	return d.checkToken(sd, func(h hash.Hash) { h.Write(si.Signature) })
}

// checkToken validates a time-stamp token: the token itself (verifyToken
// with stamped), its signer as a time-stamping authority, and the TSA's
// chain to a trust anchor, all at the token's genTime; when the DSS holds
// revocation data for the TSA certificate, it must not show it revoked by
// then.
func (d *document) checkToken(sd *cms.SignedData, stamped func(hash.Hash)) *TimestampReport {
	rep := &TimestampReport{}
	gen, err := verifyToken(sd, stamped)
	rep.GenTime = gen
	if len(sd.Signers) == 1 && sd.Signers[0].Certificate != nil {
		rep.TSA = d.v.certInfo(sd.Signers[0].Certificate).Subject
	}
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	tsa := sd.Signers[0].Certificate
	if tsa == nil {
		rep.Error = cms.ErrSignerNotFound.Error()
		return rep
	}
	if err := checkTSACertificate(tsa); err != nil {
		rep.Error = err.Error()
		return rep
	}
	chain, err := d.v.buildChain(tsa, d.withDSSCerts(sd.Certificates), gen)
	if err != nil {
		rep.Error = "the TSA certificate has no chain to a trust anchor: " + err.Error()
		return rep
	}
	for _, c := range chain {
		if gen.Before(c.NotBefore) || gen.After(c.NotAfter) {
			rep.Error = fmt.Sprintf("%q was not valid at the token's time %s", certName(c), gen.Format(time.RFC3339))
			return rep
		}
	}
	// a TSA certificate the DSS shows revoked by then proves nothing
	if len(chain) > 1 {
		if st, ok := d.dssRevocation(chain[0], chain[1], gen); ok && st.State == RevocationRevoked && !st.RevokedAt.After(gen) {
			rep.Error = fmt.Sprintf("the TSA certificate was revoked on %s (%s)", st.RevokedAt.UTC().Format(time.RFC3339), st.Source)
			return rep
		}
	}
	rep.Valid = true
	return rep
}

// checkTSACertificate requires the extended key usage id-kp-timeStamping,
// alone and critical (RFC 3161 §2.3).
func checkTSACertificate(c *smx509.Certificate) error {
	if len(c.ExtKeyUsage) != 1 || c.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(c.UnknownExtKeyUsage) != 0 {
		return errNotTSA
	}
	if !slices.ContainsFunc(c.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidExtKeyUs) && e.Critical }) {
		return errNotTSA
	}
	return nil
}

// withDSSCerts returns certs plus the certificates of the file's DSS.
func (d *document) withDSSCerts(certs []*smx509.Certificate) []*smx509.Certificate {
	dss := d.dssData()
	if dss == nil || len(dss.certs) == 0 {
		return certs
	}
	out := make([]*smx509.Certificate, 0, len(certs)+len(dss.certs))
	out = append(out, certs...)
	for _, c := range dss.certs {
		if !slices.ContainsFunc(out, func(o *smx509.Certificate) bool { return string(o.Raw) == string(c.Raw) }) {
			out = append(out, c)
		}
	}
	return out
}
