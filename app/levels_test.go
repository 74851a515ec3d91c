package app

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sihub/certs"
	"sihub/certs/cms"
	"sihub/certs/tsa"
	"sihub/hsm"
	"sihub/internal/testutil"
	"sihub/signer"
	"sihub/signer/pades"
	"sihub/signer/render"
	"sihub/verifier"
)

// levelService is an issuing service of a at one level for insurance
// certificates, wired to a's trust services like a.Issuer.
func levelService(t *testing.T, a *App, level signer.Level) *signer.Service {
	t.Helper()
	font, err := render.DefaultFont()
	if err != nil {
		t.Fatal(err)
	}
	s, err := signer.NewService(signer.Config{Agency: a.Config.Agency, Region: a.Config.Region, PublicURL: a.Config.PublicURL, Now: a.Config.Now,
		LTV: &levelServices{a: a}, Levels: map[string]signer.Level{signer.KindInsuranceCertificate: level}},
		a.Store, a.Store, a.Store, a.PKI, render.New(font))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPAdESLevels issues an SM2 + P-256 insurance certificate at each
// level and checks what the verifier reports, now and after the seal
// certificates expired, and what poppler, qpdf and OpenSSL make of it.
func TestPAdESLevels(t *testing.T) {
	now := time.Date(2026, 5, 11, 2, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	seal, err := a.PKI.Seal(hsm.SM2)
	if err != nil {
		t.Fatal(err)
	}
	later := seal.Certificate.NotAfter.AddDate(1, 0, 0)
	laterVerifier := verifier.New(verifier.Options{Roots: a.PKI.Roots(), Now: func() time.Time { return later }})
	wantTimestamps := map[signer.Level]int{signer.LevelBB: 0, signer.LevelBT: 0, signer.LevelBLT: 0, signer.LevelBLTA: 1}
	for _, level := range []signer.Level{signer.LevelBB, signer.LevelBT, signer.LevelBLT, signer.LevelBLTA} {
		t.Run(string(level), func(t *testing.T) {
			iss, err := levelService(t, a, level).Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID,
				Algorithms: []string{"sm2", "p256"}, Actor: DemoPersonID})
			if err != nil {
				t.Fatal(err)
			}
			r := a.Verifier.Verify(ctx, iss.PDF)
			if !r.Valid {
				t.Fatalf("not valid: %+v", r.Signatures)
			}
			docTS := 0
			for _, s := range r.Signatures {
				if s.Type == verifier.TypeDocTimestamp {
					docTS++
					if s.Timestamp == nil || !s.Timestamp.Valid || s.Revocation != verifier.RevocationGood || s.RevocationSource != verifier.RevocationSourceDSSOCSP {
						t.Errorf("document timestamp %+v, TSA revocation %q from %q", s.Timestamp, s.Revocation, s.RevocationSource)
					}
					continue
				}
				if s.Level != string(level) {
					t.Errorf("%s signature reported at level %q", s.Algorithm, s.Level)
				}
				hasTS := level != signer.LevelBB
				if (s.Timestamp != nil && s.Timestamp.Valid) != hasTS {
					t.Errorf("%s timestamp %+v", s.Algorithm, s.Timestamp)
				}
				dss := level == signer.LevelBLT || level == signer.LevelBLTA
				if dss && (s.Revocation != verifier.RevocationGood || s.RevocationSource != verifier.RevocationSourceDSSOCSP) {
					t.Errorf("%s revocation %q from %q, want good from the DSS", s.Algorithm, s.Revocation, s.RevocationSource)
				}
				if !dss && strings.HasPrefix(s.RevocationSource, "dss") {
					t.Errorf("%s revocation from %q without a DSS", s.Algorithm, s.RevocationSource)
				}
			}
			if docTS != wantTimestamps[level] {
				t.Errorf("%d document timestamps, want %d", docTS, wantTimestamps[level])
			}

			// years later, after the seal certificates expired
			lr := laterVerifier.Verify(ctx, iss.PDF)
			longTerm := level == signer.LevelBLT || level == signer.LevelBLTA
			if lr.Valid != longTerm {
				t.Errorf("on %s: valid %v, want %v: %+v", later.Format("2006-01-02"), lr.Valid, longTerm, lr.Signatures)
			}
			if !longTerm && !lr.HasReason(verifier.ReasonCertExpired) {
				t.Errorf("on %s without long-term data: reasons lack cert_expired: %+v", later.Format("2006-01-02"), lr.Signatures)
			}
			checkWithTools(t, iss.PDF, level)
		})
	}
}

// checkWithTools runs qpdf --check; pdfsig on the P-256 signature (the
// second); and, from B-T on, openssl ts on its signature timestamp token.
func checkWithTools(t *testing.T, pdf []byte, level signer.Level) {
	t.Helper()
	dir := t.TempDir()
	f := testutil.WriteFile(t, dir, "doc.pdf", pdf)
	if out, err := exec.Command(testutil.NeedTool(t, "qpdf"), "--check", f).CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "No syntax or stream encoding errors found") {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
	raw, _ := exec.Command(testutil.NeedTool(t, "pdfsig"), f).CombinedOutput()
	parts := strings.Split(string(raw), "Signature #")
	if len(parts) < 3 || !strings.Contains(parts[2], "Signature Validation: Signature is Valid.") {
		t.Errorf("pdfsig does not call the P-256 seal valid:\n%s", raw)
	}
	if level == signer.LevelBB {
		return
	}
	sigs, err := pades.Signatures(pdf)
	if err != nil || len(sigs) < 2 || sigs[1].Type != "Sig" {
		t.Fatalf("signatures %d: %v", len(sigs), err)
	}
	sd, err := cms.Parse(sigs[1].Contents)
	if err != nil {
		t.Fatal(err)
	}
	attr, ok := sd.Signers[0].UnsignedAttribute(cms.OIDAttributeTimeStampToken)
	if !ok {
		t.Fatal("the P-256 signature has no timestamp token")
	}
	tok := testutil.WriteFile(t, dir, "token.der", attr.Values[0])
	out, err := exec.Command(testutil.NeedTool(t, "openssl"), "ts", "-reply", "-in", tok, "-token_in", "-text").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Hash Algorithm: sha256") || !strings.Contains(string(out), "Time stamp:") {
		t.Errorf("openssl ts -reply -token_in -text: %v\n%s", err, out)
	}
}

// verifyRevokedBLT marks a's certificate serial revoked at revokedAt,
// drops the OCSP answers a's responder cached, issues a P-256 insurance
// certificate at B-LT and returns the verifier's report on it.
func verifyRevokedBLT(t *testing.T, a *App, serial string, revokedAt time.Time) *verifier.Report {
	t.Helper()
	ctx := context.Background()
	rec, err := a.Store.Certificate(ctx, serial)
	if err != nil {
		t.Fatal(err)
	}
	rec.Status, rec.RevokedAt, rec.RevocationReason = "revoked", &revokedAt, 1
	if err := a.Store.PutCertificate(ctx, rec); err != nil {
		t.Fatal(err)
	}
	a.PKIServices.OCSP.Purge()
	iss, err := levelService(t, a, signer.LevelBLT).Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID,
		Algorithms: []string{"p256"}, Actor: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	return a.Verifier.Verify(ctx, iss.PDF)
}

// TestRevokedSealCertificateInDSS revokes the P-256 seal certificate
// before a B-LT issue: the DSS's OCSP response says so and the verifier
// refuses the seal with certificate_revoked.
func TestRevokedSealCertificateInDSS(t *testing.T) {
	now := time.Date(2026, 5, 11, 2, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	seal, err := a.PKI.Seal(hsm.P256)
	if err != nil {
		t.Fatal(err)
	}
	revokedAt := now.Add(-time.Hour)
	r := verifyRevokedBLT(t, a, certs.SerialHex(seal.Certificate.SerialNumber), revokedAt)
	s := r.Signatures[0]
	if r.Valid || !r.HasReason(verifier.ReasonCertRevoked) || s.Revocation != verifier.RevocationRevoked ||
		s.RevocationSource != verifier.RevocationSourceDSSOCSP || s.RevokedAt == nil || !s.RevokedAt.Equal(revokedAt) {
		t.Errorf("valid %v, revocation %q from %q at %v, errors %+v", r.Valid, s.Revocation, s.RevocationSource, s.RevokedAt, s.Errors)
	}
}

// TestRevokedTSACertificateInDSS revokes the P-256 TSA certificate before
// a B-LT issue: the DSS shows it revoked before the token's time, so the
// signature timestamp proves nothing.
func TestRevokedTSACertificateInDSS(t *testing.T) {
	now := time.Date(2026, 5, 11, 2, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	ltv := &levelServices{a: a}
	der, err := ltv.TimeStamp(ctx, tsa.SHA256, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tsa.ParseToken(der)
	if err != nil {
		t.Fatal(err)
	}
	revokedAt := now.Add(-time.Hour)
	r := verifyRevokedBLT(t, a, certs.SerialHex(tok.Signer().SerialNumber), revokedAt)
	s := r.Signatures[0]
	if r.Valid || !r.HasReason(verifier.ReasonTimestampInvalid) || s.Timestamp == nil || !strings.Contains(s.Timestamp.Error, "revoked") || s.Level != verifier.LevelBB {
		t.Errorf("valid %v, level %q, timestamp %+v, errors %+v", r.Valid, s.Level, s.Timestamp, s.Errors)
	}
}
