package verifier

import (
	"fmt"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/ocsp/ocspparse"
)

// usableAt reports whether revocation evidence issued at thisUpdate (valid
// until nextUpdate, zero when open) speaks for time t: it was issued at
// or after t (a certificate good then was good at t; revocation is not
// undone), or t falls within its validity.
func usableAt(thisUpdate, nextUpdate, t time.Time) bool {
	return !thisUpdate.Before(t) || (!nextUpdate.IsZero() && !t.After(nextUpdate))
}

// dssRevocation answers from the file's DSS: OCSP responses first, then
// CRLs. ok is false when the DSS holds no usable evidence for cert.
func (d *document) dssRevocation(cert, issuer *smx509.Certificate, t time.Time) (RevocationStatus, bool) {
	dss := d.dssData()
	if dss == nil {
		return RevocationStatus{}, false
	}
	for _, der := range dss.ocsps {
		resp, ok := d.v.ocspFrom(der, issuer)
		if !ok || resp.ProducedAt.After(d.now.Add(5*time.Minute)) {
			continue
		}
		for _, sr := range resp.Responses {
			if !certIDMatches(sr.CertID, cert, issuer) || !usableAt(sr.ThisUpdate, sr.NextUpdate, t) {
				continue
			}
			st := RevocationStatus{Source: RevocationSourceDSSOCSP, ThisUpdate: sr.ThisUpdate, NextUpdate: sr.NextUpdate}
			switch sr.Status.State {
			case ocspparse.Good:
				st.State = RevocationGood
			case ocspparse.Revoked:
				st.State, st.RevokedAt, st.Reason = RevocationRevoked, sr.Status.RevokedAt, int(sr.Status.Reason)
			default:
				continue
			}
			return st, true
		}
	}
	serial := cert.SerialNumber.Text(16)
	for _, der := range dss.crls {
		c, ok := d.v.crlFrom(der, issuer)
		if !ok || c.thisUpdate.After(d.now.Add(5*time.Minute)) || !usableAt(c.thisUpdate, c.nextUpdate, t) {
			continue
		}
		st := RevocationStatus{State: RevocationGood, Source: RevocationSourceDSSCRL, ThisUpdate: c.thisUpdate, NextUpdate: c.nextUpdate}
		if e, ok := c.revoked[serial]; ok {
			st.State, st.RevokedAt, st.Reason = RevocationRevoked, e.at, e.reason
		}
		return st, true
	}
	return RevocationStatus{}, false
}

// checkRevocation sets rep's revocation from the DSS, else from
// Options.Revocation, for cert issued by issuer at the proven signing
// time t. A revocation at or before t is an error (certificate_revoked);
// one after t leaves the signature valid, with a note, and the state at t
// ("good") reported.
func (d *document) checkRevocation(rep *SignatureReport, cert, issuer *smx509.Certificate, t time.Time) {
	st, ok := d.dssRevocation(cert, issuer, t)
	if !ok && d.v.revsrc != nil {
		var err error
		st, err = d.v.revsrc.Status(d.ctx, cert, issuer, t)
		if err != nil {
			rep.Revocation = RevocationUnknown
			rep.Notes = append(rep.Notes, "revocation status unknown: "+err.Error())
			return
		}
		ok = true
	}
	if !ok {
		if d.dssData() != nil {
			rep.Revocation = RevocationUnknown
			rep.Notes = append(rep.Notes, "the document security store has no usable revocation data for the signer certificate")
		}
		return
	}
	rep.Revocation, rep.RevocationSource = st.State, st.Source
	switch st.State {
	case RevocationGood, RevocationRevoked, RevocationUnknown:
	default:
		rep.Revocation = RevocationUnknown
	}
	if st.State != RevocationRevoked {
		return
	}
	at := st.RevokedAt.UTC()
	rep.RevokedAt = &at
	if !st.RevokedAt.IsZero() && st.RevokedAt.After(t) {
		rep.Revocation = RevocationGood
		rep.Notes = append(rep.Notes, fmt.Sprintf("the signer certificate was revoked on %s (reason %d), after the signing time %s it was proven valid at",
			at.Format(time.RFC3339), st.Reason, t.UTC().Format(time.RFC3339)))
		return
	}
	rep.addError(ReasonCertRevoked, fmt.Sprintf("the signer certificate was revoked on %s (reason %d, %s), not after the signing time %s",
		at.Format(time.RFC3339), st.Reason, st.Source, t.UTC().Format(time.RFC3339)))
}
