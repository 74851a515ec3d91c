package e2e

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sihub/app"
	"sihub/internal/testutil"
	"sihub/signer/render"
)

// TestCitizenRequestsEnglishCertificateAndRightsRecord: the demo person
// chooses the English version of the 参保证明 and last year's 个人权益记录单
// on 我的证明, and downloads both; the PDFs carry the text asked for.
func TestCitizenRequestsEnglishCertificateAndRightsRecord(t *testing.T) {
	srv, _ := startSystem(t)
	ctx := newBrowser(t)
	shots := newShooter(t)
	base := srv.URL
	testutil.NeedTool(t, "pdftotext")

	do(t, ctx, "login",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), app.DemoPersonID),
		chromedp.SendKeys(chromedp.ID("password"), app.DemoPersonPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(`#issue-insurance-certificate button`)),
	)
	shots.shot(ctx, "20-my-documents-forms")

	// The English insurance certificate.
	do(t, ctx, "issue the English certificate",
		chromedp.SetValue(chromedp.ID("lang-insurance-certificate"), "en"),
		chromedp.Click(chromedp.CSS(`#issue-insurance-certificate button`)),
		chromedp.WaitVisible(chromedp.CSS(".alert-ok")),
	)
	if got := text(t, ctx, ".alert-ok"); !strings.Contains(got, "已开具参保证明") {
		t.Fatalf("notice after the certificate: %q", got)
	}
	cert := downloadIssued(t, ctx)
	certText := pdfText(t, cert)
	for _, want := range []string{"Social Insurance Certificate (Individual)", "Social security No.", app.DemoPersonName} {
		if !strings.Contains(certText, want) {
			t.Errorf("English certificate lacks %q:\n%s", want, certText)
		}
	}

	// Last year's rights record, chosen among the years with contributions.
	year := strconv.Itoa(time.Now().Year() - 1)
	do(t, ctx, "back to my documents",
		chromedp.Navigate(base+"/me/documents"),
		chromedp.WaitVisible(chromedp.CSS(`#issue-rights-record button`)),
	)
	years, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#year-rights-record option")).map(o => o.value)`))
	if err != nil {
		t.Fatalf("reading the years offered: %v", err)
	}
	if !strings.Contains(strings.Join(years, " "), year) {
		t.Fatalf("rights record years %q lack %s", years, year)
	}
	do(t, ctx, "issue the rights record",
		chromedp.SetValue(chromedp.ID("year-rights-record"), year),
		chromedp.Click(chromedp.CSS(`#issue-rights-record button`)),
		chromedp.WaitVisible(chromedp.CSS(".alert-ok")),
	)
	if got := text(t, ctx, ".alert-ok"); !strings.Contains(got, "已开具个人权益记录单") {
		t.Fatalf("notice after the rights record: %q", got)
	}
	shots.shot(ctx, "21-rights-record-issued")
	rec := downloadIssued(t, ctx)
	recText := pdfText(t, rec)
	for _, want := range []string{render.StatementTitle, year, app.DemoPersonName} {
		if !strings.Contains(recText, want) {
			t.Errorf("rights record lacks %q:\n%s", want, recText)
		}
	}

	// Both are in the list.
	list := text(t, ctx, "table")
	if strings.Count(list, "参保证明") < 1 || !strings.Contains(list, "个人权益记录单") {
		t.Errorf("document list:\n%s", list)
	}
}

// downloadIssued clicks the download link of the notice on 我的证明 and
// returns the path of the PDF the browser saved.
func downloadIssued(t *testing.T, ctx context.Context) string {
	t.Helper()
	p := download(t, ctx, "download", chromedp.Click(chromedp.CSS(".alert-ok a")))
	pdf, err := os.ReadFile(p)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("downloaded file: %v, %.20q", err, pdf)
	}
	return p
}

// pdfText is the PDF's text as pdftotext extracts it, runs of white space
// made one space.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	txt, err := testutil.Run(t, "pdftotext", path, "-")
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(txt), " ")
}
