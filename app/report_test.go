package app

import (
	"context"
	"strings"
	"testing"

	"sihub/internal/testutil"
	"sihub/model"
	"sihub/signer"
)

// TestVerificationReportIsSealedAndVerifiable issues a certificate, then a
// verification report about it in both languages, and checks each report:
// our verifier calls it valid and finds it in the registry under its own
// code, pdftotext reads the verdict line, and a repeated idempotency key
// returns the same report.
func TestVerificationReportIsSealedAndVerifiable(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	ctx := context.Background()
	cert, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, verdict string }{
		{"zh", "可以信任：这份参保证明由示范机构签发，未被篡改，印章有效"},
		{"en", "Trust it: this certificate was issued by the agency, has not been altered, and its seal is valid"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			req := signer.VerificationReportRequest{
				Lang: tc.lang, Verdict: tc.verdict, Explanation: "—", Checked: cert.Document.Code,
				Document:   signer.ReportSection{Pairs: [][2]string{{"No.", cert.Document.Number}}},
				Signatures: []signer.ReportSection{{Heading: "1", Pairs: [][2]string{{"SM2", "OK"}}}},
				Revisions:  &signer.ReportTable{Columns: []string{"#", "changes"}, Rows: [][]string{{"1", "—"}}},
				NextSteps:  []string{"step one"}, IdempotencyKey: "report-" + tc.lang, Actor: "test",
			}
			iss, err := a.Issuer.IssueVerificationReport(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			d := iss.Document
			if d.Kind != signer.KindVerificationReport || d.Subject != cert.Document.Code || d.Lang != tc.lang ||
				!strings.HasPrefix(d.Number, "HYBG-") || d.Code == cert.Document.Code {
				t.Fatalf("registry entry: %+v", d)
			}
			rep := a.Verifier.Verify(ctx, iss.PDF)
			if !rep.Valid || rep.Document.Code != d.Code || rep.Document.RegistryStatus != "valid" || len(rep.Signatures) != 1 ||
				rep.Signatures[0].Algorithm != "SM2-SM3" {
				t.Fatalf("report does not verify: %+v", rep)
			}
			stored, err := a.Store.DocumentByCode(ctx, d.Code)
			if err != nil || stored.Status != model.DocValid || stored.Kind != signer.KindVerificationReport {
				t.Fatalf("stored: %+v %v", stored, err)
			}
			file := testutil.WriteFile(t, t.TempDir(), "report.pdf", iss.PDF)
			txt, err := testutil.Run(t, "pdftotext", file, "-")
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			if !strings.Contains(strings.Join(strings.Fields(txt), " "), tc.verdict) {
				t.Fatalf("pdftotext lacks the verdict %q:\n%s", tc.verdict, txt)
			}
			again, err := a.Issuer.IssueVerificationReport(ctx, req)
			if err != nil || !again.Existing || again.Document.Code != d.Code {
				t.Fatalf("repeated key: %v %+v", err, again)
			}
		})
	}
	if _, err := a.Issuer.IssueVerificationReport(ctx, signer.VerificationReportRequest{Checked: "X"}); err == nil {
		t.Fatal("a report without a verdict was issued")
	}
	if _, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindVerificationReport, Subject: DemoPersonID}); err == nil {
		t.Fatal("Issue made a verification report")
	}
}
