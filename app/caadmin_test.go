package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/crl"
	"sihub/certs/ocsp"
	"sihub/hsm"
	"sihub/model"
	"sihub/portal"
	"sihub/signer"
	"sihub/verifier"
)

// certStatus asks the instance's OCSP responder and reads its CRL for the
// seal certificate of m.
func certStatus(t *testing.T, a *App, cert *smx509.Certificate, issuing *smx509.Certificate) (ocsp.Status, *int) {
	t.Helper()
	ctx := context.Background()
	der, err := ocsp.CreateRequest(cert, issuing, ocsp.SHA256, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, res := a.PKIServices.OCSP.Get().Respond(ctx, der)
	if body == nil {
		t.Fatalf("OCSP: no response (%+v)", res)
	}
	or, err := ocsp.ParseResponse(body, issuing)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := a.PKIServices.CRL.CRL(ctx, certs.SerialHex(issuing.SerialNumber))
	if err != nil {
		t.Fatal(err)
	}
	rl, err := smx509.ParseRevocationList(pub.DER)
	if err != nil || rl.CheckSignatureFrom(issuing) != nil {
		t.Fatalf("CRL: %v", err)
	}
	for _, e := range rl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			return or.Responses[0].Status, &e.ReasonCode
		}
	}
	return or.Responses[0].Status, nil
}

// The seal lifecycle end to end on an instance: request, approval by a
// second administrator (replacing the development seal), sealing with the
// new seal, suspension (nothing seals, the certificate is on hold),
// resumption, revocation (CRL and OCSP say revoked with the reason, the
// document it sealed no longer verifies), and a restart that keeps all
// of it.
func TestSealLifecycle(t *testing.T) {
	dir := t.TempDir()
	a := testApp(t, dir, nil)
	ctx := context.Background()
	c := a.CAAdmin()
	dev, _ := a.PKI.Seal(hsm.SM2)
	issuing, _ := a.PKI.Issuing(hsm.SM2)

	for name, tc := range map[string]struct {
		actor string
		r     portal.SealRequest
		want  error
	}{
		"a clerk":           {DemoClerk, portal.SealRequest{Name: "业务专用章", Alg: "sm2"}, model.ErrForbidden},
		"no account":        {"mallory", portal.SealRequest{Name: "业务专用章", Alg: "sm2"}, model.ErrForbidden},
		"no name":           {DemoCAAdmin, portal.SealRequest{Name: "  ", Alg: "sm2"}, model.ErrInvalid},
		"long name":         {DemoCAAdmin, portal.SealRequest{Name: strings.Repeat("章", 21), Alg: "sm2"}, model.ErrInvalid},
		"control character": {DemoCAAdmin, portal.SealRequest{Name: "业务\n专用章", Alg: "sm2"}, model.ErrInvalid},
		"rsa":               {DemoCAAdmin, portal.SealRequest{Name: "业务专用章", Alg: "rsa"}, model.ErrInvalid},
		"replaces nothing":  {DemoCAAdmin, portal.SealRequest{Name: "业务专用章", Alg: "sm2", Replaces: "seal-none"}, model.ErrNotFound},
		"replaces p256":     {DemoCAAdmin, portal.SealRequest{Name: "业务专用章", Alg: "p256", Replaces: dev.Seal.ID}, model.ErrInvalid},
	} {
		if _, err := c.RequestSeal(ctx, tc.actor, tc.r); !errors.Is(err, tc.want) {
			t.Errorf("request by %s: err = %v, want %v", name, err, tc.want)
		}
	}

	req, err := c.RequestSeal(ctx, DemoCAAdmin, portal.SealRequest{Name: " 业务专用章 ", Alg: "SM2", Replaces: dev.Seal.ID, Note: "更换印章"})
	if err != nil {
		t.Fatal(err)
	}
	if req.Status != model.SealRequested || req.Name != "业务专用章" || req.Alg != "sm2" || req.KeyID != "" || req.CertSerial != "" || req.RequestedBy != DemoCAAdmin {
		t.Fatalf("request %+v", req)
	}
	if _, err := c.ApproveSeal(ctx, DemoCAAdmin, req.ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("self-approval: %v", err)
	}
	if _, err := c.ApproveSeal(ctx, DemoClerk, req.ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("approval by a clerk: %v", err)
	}
	if _, err := c.ApproveSeal(ctx, DemoCAAdmin2, "seal-none"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("approving a missing seal: %v", err)
	}
	if cur, _ := a.PKI.Seal(hsm.SM2); cur.Seal.ID != dev.Seal.ID {
		t.Fatal("a requested seal took over before approval")
	}
	sealedBefore, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID,
		Algorithms: []string{"sm2"}, Actor: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.ApproveSeal(ctx, DemoCAAdmin2, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	// What the replaced seal sealed while it served stays valid.
	if r := a.Verifier.Verify(ctx, sealedBefore.PDF); !r.Valid || r.Signatures[0].Seal == nil ||
		r.Signatures[0].Seal.Status != model.SealReplaced || len(r.Signatures[0].Notes) == 0 {
		t.Fatalf("a document sealed before the replacement: valid %v %+v", r.Valid, r.Signatures)
	}
	if s.Status != model.SealActive || s.ApprovedBy != DemoCAAdmin2 || s.KeyURI != "soft:" || s.KeyID == "" || len(s.SESeal) == 0 {
		t.Fatalf("approved seal %+v", s)
	}
	if _, err := c.ApproveSeal(ctx, DemoCAAdmin2, req.ID); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("approving an active seal: %v", err)
	}
	if es, _ := a.Store.AuditEntries(ctx, time.Time{}, "key.generate", s.KeyID, 0); len(es) != 1 || es[0].Actor != DemoCAAdmin2 {
		t.Fatalf("the seal key's generation in the audit trail: %+v", es)
	}
	if old, _ := c.Seal(ctx, dev.Seal.ID); old.Status != model.SealReplaced || old.ReplacedBy != s.ID {
		t.Fatalf("the replaced seal: %s replaced by %q", old.Status, old.ReplacedBy)
	}
	cur, _ := a.PKI.Seal(hsm.SM2)
	if cur.Seal.ID != s.ID {
		t.Fatalf("the SM2 seal is %s, want the approved %s", cur.Seal.ID, s.ID)
	}
	if st, reason := certStatus(t, a, cur.Certificate, issuing); st.State != ocsp.Good || reason != nil {
		t.Fatalf("new seal certificate: OCSP %+v, CRL reason %v", st, reason)
	}

	issue := func(alg string) (*signer.Issued, error) {
		return a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID,
			Algorithms: []string{alg}, Actor: DemoPersonID})
	}
	doc, err := issue("sm2")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Document.SealIDs) != 1 || doc.Document.SealIDs[0] != s.ID {
		t.Fatalf("document sealed by %v, want %s", doc.Document.SealIDs, s.ID)
	}
	if r := a.Verifier.Verify(ctx, doc.PDF); !r.Valid {
		t.Fatalf("document sealed with the approved seal: %+v", r.Signatures)
	}

	// Suspended: nothing seals with it, nothing is stored; its certificate is on hold.
	if _, err := c.SuspendSeal(ctx, DemoCAAdmin, s.ID, ""); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("suspension without a reason: %v", err)
	}
	if _, err := c.SuspendSeal(ctx, DemoCAAdmin, s.ID, "印章保管人调岗"); err != nil {
		t.Fatal(err)
	}
	before, _ := a.Store.DocumentsBySubject(ctx, DemoPersonID)
	_, err = issue("sm2")
	if err == nil || !strings.Contains(err.Error(), s.ID) || !strings.Contains(err.Error(), "suspended") {
		t.Fatalf("issuing with a suspended seal: %v", err)
	}
	if after, _ := a.Store.DocumentsBySubject(ctx, DemoPersonID); len(after) != len(before) {
		t.Fatal("a refused issuance stored a document")
	}
	if _, err := issue("p256"); err != nil {
		t.Fatalf("the P-256 seal stopped with the SM2 one: %v", err)
	}
	if st, reason := certStatus(t, a, cur.Certificate, issuing); st.State != ocsp.Revoked || st.Reason != crl.CertificateHold || reason == nil || *reason != int(crl.CertificateHold) {
		t.Fatalf("suspended seal certificate: OCSP %+v, CRL reason %v", st, reason)
	}
	if _, err := c.SuspendSeal(ctx, DemoCAAdmin, s.ID, "again"); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("suspending a suspended seal: %v", err)
	}

	if _, err := c.ResumeSeal(ctx, DemoCAAdmin2, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := issue("sm2"); err != nil {
		t.Fatalf("issuing after resumption: %v", err)
	}
	if st, reason := certStatus(t, a, cur.Certificate, issuing); st.State != ocsp.Good || reason != nil {
		t.Fatalf("resumed seal certificate: OCSP %+v, CRL reason %v", st, reason)
	}

	// Revoked: CRL and OCSP give the reason; what it sealed no longer verifies.
	if _, err := c.RevokeSeal(ctx, DemoCAAdmin, s.ID, "lost"); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("revocation with an unknown reason: %v", err)
	}
	if _, err := c.RevokeSeal(ctx, DemoCAAdmin, s.ID, "keyCompromise"); err != nil {
		t.Fatal(err)
	}
	if st, reason := certStatus(t, a, cur.Certificate, issuing); st.State != ocsp.Revoked || st.Reason != crl.KeyCompromise || reason == nil || *reason != int(crl.KeyCompromise) {
		t.Fatalf("revoked seal certificate: OCSP %+v, CRL reason %v", st, reason)
	}
	if rec, _ := a.Store.Certificate(ctx, s.CertSerial); rec.Status != "revoked" || rec.RevocationReason != 1 || rec.RevokedAt == nil {
		t.Fatalf("seal certificate record %+v", rec)
	}
	r := a.Verifier.Verify(ctx, doc.PDF)
	if r.Valid || !r.HasReason(verifier.ReasonSealNotActive) {
		t.Fatalf("a document sealed by a since revoked seal: valid=%v %+v", r.Valid, r.Signatures)
	}
	if _, err := issue("sm2"); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("issuing with a revoked seal: %v", err)
	}
	if _, err := c.ResumeSeal(ctx, DemoCAAdmin, s.ID); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("resuming a revoked seal: %v", err)
	}

	// Rejection of another request.
	other, err := c.RequestSeal(ctx, DemoCAAdmin2, portal.SealRequest{Name: "财务专用章", Alg: "p256"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.RejectSeal(ctx, DemoCAAdmin, other.ID, "不需要"); err != nil || got.Status != model.SealRejected || got.StatusReason != "不需要" {
		t.Fatalf("rejection: %+v %v", got, err)
	}
	if _, err := c.ApproveSeal(ctx, DemoCAAdmin, other.ID); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("approving a rejected request: %v", err)
	}

	for action, want := range map[string][]string{
		"seal.request": {DemoCAAdmin + " ok"},
		"seal.approve": {DemoCAAdmin + " denied", DemoClerk + " denied", DemoCAAdmin2 + " ok", DemoCAAdmin2 + " invalid"},
		"seal.replace": {DemoCAAdmin2 + " ok"},
		"seal.suspend": {DemoCAAdmin + " invalid", DemoCAAdmin + " ok", DemoCAAdmin + " invalid"},
		"seal.resume":  {DemoCAAdmin2 + " ok", DemoCAAdmin + " invalid"},
		"seal.revoke":  {DemoCAAdmin + " invalid", DemoCAAdmin + " ok"},
	} {
		object := s.ID
		if action == "seal.replace" {
			object = dev.Seal.ID
		}
		es, err := a.Store.AuditEntries(ctx, time.Time{}, action, object, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Actor+" "+e.Outcome)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("audit %s %s: %v, want %v", action, object, got, want)
		}
	}
	if es, _ := a.Store.AuditEntries(ctx, time.Time{}, "seal.revoke", s.ID, 0); len(es) != 2 || es[1].Detail != "keyCompromise" {
		t.Errorf("revocation audit detail: %+v", es)
	}

	seals, _ := c.Seals(ctx)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// A restart keeps the revoked seal in place and makes none anew.
	b := testApp(t, dir, nil)
	defer b.Close()
	cur, _ = b.PKI.Seal(hsm.SM2)
	if cur.Seal.ID != s.ID || cur.Seal.Status != model.SealRevoked {
		t.Fatalf("after restart the SM2 seal is %s %s, want %s revoked", cur.Seal.ID, cur.Seal.Status, s.ID)
	}
	if again, _ := b.CAAdmin().Seals(ctx); len(again) != len(seals) {
		t.Fatalf("restart made seals: %d, was %d", len(again), len(seals))
	}
	if _, err := b.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{"sm2"}}); err == nil {
		t.Fatal("issued with a revoked seal after restart")
	}
}
