package e2e

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sihub/app"
	"sihub/internal/testutil"
	"sihub/signer"
)

// TestVerificationReportInBrowser: a bank clerk opens the code page of a
// sealed certificate, switches it to English and downloads the
// verification report; the report is itself sealed, verifies, says the
// verdict line, and its own code page calls it a verification report.
func TestVerificationReportInBrowser(t *testing.T) {
	srv, a := startSystem(t)
	ctx := newBrowser(t)
	shots := newShooter(t)
	base := srv.URL

	iss, err := a.Issuer.Issue(context.Background(), signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: app.DemoPersonID, Actor: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	code := iss.Document.Code

	do(t, ctx, "open code page", chromedp.Navigate(base+"/v/"+code), chromedp.WaitVisible(chromedp.CSS(".verdict-line")))
	if got := text(t, ctx, ".verdict-line"); !strings.HasPrefix(got, "可以信任：这份参保证明由") || !strings.HasSuffix(got, "未被篡改，印章有效") {
		t.Fatalf("chinese verdict %q", got)
	}
	if got := text(t, ctx, "main"); !strings.Contains(got, "SM2 / SM3（国密算法）") || !strings.Contains(got, "下一步怎么做") {
		t.Fatalf("chinese details:\n%s", got)
	}
	shots.shot(ctx, "30-report-zh")

	do(t, ctx, "switch to English",
		chromedp.Click(chromedp.CSS(".lang-toggle a")),
		chromedp.WaitVisible(chromedp.CSS(`section[data-verdict="trusted"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.verdict-line`)),
	)
	line := text(t, ctx, ".verdict-line")
	if !strings.HasPrefix(line, "Trust it: this Social Insurance Certificate (Individual) was issued by") {
		t.Fatalf("english verdict %q", line)
	}
	shots.shot(ctx, "31-report-en")

	link, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("report-pdf"), "href"))
	if err != nil {
		t.Fatal(err)
	}
	href := link.Value
	// A first request outside the browser issues the report; the
	// browser's download then gets the same report back (same check, same
	// day, same language).
	res, err := http.Get(base + href)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("report %s: %d\n%s", href, res.StatusCode, first)
	}
	pdf, err := os.ReadFile(download(t, ctx, "download report", chromedp.Click(chromedp.ID("report-pdf"))))
	if err != nil {
		t.Fatal(err)
	}
	if string(pdf) != string(first) {
		t.Error("the browser's download is not the report issued a moment before")
	}
	rep := a.Verifier.Verify(context.Background(), pdf)
	if !rep.Valid || rep.Document.Code == "" || rep.Document.Code == code {
		t.Fatalf("report PDF does not verify: %+v", rep)
	}
	stored, err := a.Store.DocumentByCode(context.Background(), rep.Document.Code)
	if err != nil || stored.Kind != signer.KindVerificationReport || stored.Subject != code || stored.Lang != "en" {
		t.Fatalf("report registry entry: %+v %v", stored, err)
	}
	named := filepath.Join(shots.dir, "33-report.pdf")
	if err := os.WriteFile(named, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	txt, err := testutil.Run(t, "pdftotext", named, "-")
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if !strings.Contains(strings.Join(strings.Fields(txt), " "), line) {
		t.Fatalf("report text lacks %q:\n%s", line, txt)
	}

	// The report's own QR code leads to its code page (English
	// remembered), where the signed token matches the registry.
	qrURL := scanQR(t, named)
	if !strings.HasPrefix(qrURL, base+"/v/"+rep.Document.Code+"?t=") {
		t.Fatalf("the report's QR holds %q", qrURL)
	}
	do(t, ctx, "open the report's QR link", chromedp.Navigate(qrURL), chromedp.WaitVisible(chromedp.CSS(".verdict-line")))
	if got := text(t, ctx, ".verdict-line"); !strings.HasPrefix(got, "Trust it: this Verification Report was issued by") {
		t.Fatalf("report's verdict %q", got)
	}
	if got := text(t, ctx, ".token"); !strings.Contains(got, "The QR signature is valid and the printed data match the registry.") {
		t.Fatalf("the report's QR check: %q", got)
	}
	shots.shot(ctx, "32-report-of-report")

	// A copy changed after sealing, uploaded: the page (English is
	// remembered) says not to trust it, and so does its sealed report.
	tampered := filepath.Join(t.TempDir(), "tampered.pdf")
	if err := os.WriteFile(tampered, append(append([]byte{}, iss.PDF...), "\n% appended after sealing\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "upload tampered",
		chromedp.Navigate(base+"/verify"),
		chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{tampered}),
		chromedp.Submit(chromedp.ID("file")),
		chromedp.WaitVisible(chromedp.CSS(".verdict-line")),
	)
	bad := "Do not trust it: the file was changed after it was sealed"
	if got := text(t, ctx, ".verdict-line"); got != bad {
		t.Fatalf("tampered upload verdict %q", got)
	}
	shots.shot(ctx, "34-upload-tampered-en")
	if pdf, err = os.ReadFile(download(t, ctx, "download the upload's report", chromedp.Click(chromedp.ID("report-pdf")))); err != nil {
		t.Fatal(err)
	}
	if rep := a.Verifier.Verify(context.Background(), pdf); !rep.Valid {
		t.Fatalf("the upload's report does not verify: %+v", rep)
	}
	named = filepath.Join(shots.dir, "35-upload-report.pdf")
	if err := os.WriteFile(named, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if txt, err = testutil.Run(t, "pdftotext", named, "-"); err != nil || !strings.Contains(strings.Join(strings.Fields(txt), " "), bad) {
		t.Fatalf("the upload's report text (%v) lacks %q:\n%s", err, bad, txt)
	}
}
