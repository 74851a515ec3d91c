package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sihub/internal/testutil"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"sihub/app"
)

// startSystem opens a fresh sihub instance with its demo data and serves
// its portal on a loopback port that is also its public URL.
func startSystem(t *testing.T) (*httptest.Server, *app.App) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.PublicURL = "http://" + srv.Listener.Addr().String()
	a, err := app.Open(context.Background(), cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	h, err := a.Handler("e2e")
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, a
}

// newBrowser starts a headless Chromium with a fresh profile and no
// outside traffic.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := testutil.NeedTool(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"), // headless sends en-US otherwise
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

type shooter struct {
	t   *testing.T
	dir string
}

func newShooter(t *testing.T) shooter {
	dir := os.Getenv("SIHUB_E2E_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return shooter{t, dir}
}

// shot saves a full-page screenshot of the current page.
func (s shooter) shot(ctx context.Context, name string) {
	s.t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, name+".png"), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// download lets the browser save files into a fresh directory, runs the
// step whose click starts a download and returns the path of the file it
// saved.
func download(t *testing.T, ctx context.Context, step string, click chromedp.Action[chromedp.Void]) string {
	t.Helper()
	dl := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: ptr(true),
	}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, step, click)
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("%s: waiting for the download: %v", step, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			t.Fatalf("%s: download canceled", step)
		case browser.DownloadProgressStateCompleted:
			return filepath.Join(dl, ev.GUID)
		}
	}
	t.Fatalf("%s: no download", step)
	return ""
}

// TestCitizenIssuesAndBankVerifies walks the main journey: the demo person
// logs in, issues a sealed 参保证明 and downloads it; a bank clerk opens the
// QR link and the code page, and uploads the file for a full check; a
// tampered copy is refused.
func TestCitizenIssuesAndBankVerifies(t *testing.T) {
	srv, _ := startSystem(t)
	ctx := newBrowser(t)
	shots := newShooter(t)
	base := srv.URL

	// Home.
	do(t, ctx, "open home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".hero h1")))
	shots.shot(ctx, "01-home")

	// Login through the home page's button.
	do(t, ctx, "login",
		chromedp.Click(chromedp.CSS(`.cards a[href="/login"]`)),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), app.DemoPersonID),
		chromedp.SendKeys(chromedp.ID("password"), app.DemoPersonPassword),
	)
	shots.shot(ctx, "02-login")
	do(t, ctx, "submit login",
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/me/documents/issue"] button`)),
	)
	if got := text(t, ctx, "h1"); got != "我的证明" {
		t.Fatalf("after login the page is %q", got)
	}
	shots.shot(ctx, "03-my-documents-empty")

	// Issue a certificate.
	do(t, ctx, "issue",
		chromedp.Click(chromedp.CSS(`form[action="/me/documents/issue"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".alert-ok")),
	)
	notice := text(t, ctx, ".alert-ok")
	if !strings.Contains(notice, "已开具参保证明") {
		t.Fatalf("issue notice %q", notice)
	}
	shots.shot(ctx, "04-issued")
	code, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".alert-ok .code")))
	if err != nil {
		t.Fatal(err)
	}
	if len(strings.ReplaceAll(code, "-", "")) != 18 {
		t.Fatalf("code on the page: %q", code)
	}
	if got := text(t, ctx, "tr.highlight .badge"); got != "有效" {
		t.Fatalf("status of the new row: %q", got)
	}

	// Download it the way the browser does.
	pdf, err := os.ReadFile(downloadIssued(t, ctx))
	if err != nil {
		t.Fatal(err)
	}
	named := filepath.Join(t.TempDir(), "certificate.pdf")
	if err := os.WriteFile(named, pdf, 0o644); err != nil {
		t.Fatal(err)
	}

	// Log out; everything after is what a bank clerk does, without login.
	do(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(".hero")))

	// The QR code printed in the PDF leads to the verification page.
	qrURL := scanQR(t, named)
	if !strings.HasPrefix(qrURL, base+"/v/") || !strings.Contains(qrURL, "?t=") {
		t.Fatalf("QR holds %q", qrURL)
	}
	do(t, ctx, "open QR link", chromedp.Navigate(qrURL), chromedp.WaitVisible(chromedp.CSS(".verdict-line")))
	if got := text(t, ctx, ".verdict-line"); !strings.HasPrefix(got, "可以信任：") {
		t.Fatalf("QR page verdict %q", got)
	}
	if got := text(t, ctx, ".token"); !strings.Contains(got, "二维码签名有效") {
		t.Fatalf("QR token check: %q", got)
	}
	page := text(t, ctx, "dl.facts")
	for _, want := range []string{"张*三", "110105********1239", code, "参保证明"} {
		if !strings.Contains(page, want) {
			t.Errorf("verification page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, app.DemoPersonName) || strings.Contains(page, app.DemoPersonID) {
		t.Error("verification page shows the holder unmasked")
	}
	shots.shot(ctx, "05-verify-code")

	// The JSON API answers the same for a bank's systems.
	checkAPI(t, base, code, qrURL, pdf)

	// Typing the code in lower case with spaces finds the same document.
	do(t, ctx, "type code",
		chromedp.Navigate(base+"/v"),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), strings.ToLower(strings.ReplaceAll(code, "-", " "))),
	)
	shots.shot(ctx, "06-code-form")
	do(t, ctx, "submit code", chromedp.Submit(chromedp.ID("code")), chromedp.WaitVisible(chromedp.CSS(".verdict-line")))
	if got := text(t, ctx, ".verdict-line"); !strings.HasPrefix(got, "可以信任：") {
		t.Fatalf("typed code verdict %q", got)
	}
	do(t, ctx, "unknown code", chromedp.Navigate(base+"/v/"+"2222-3333-4444"), chromedp.WaitVisible(chromedp.CSS(".verdict-line")))
	if got := text(t, ctx, ".verdict-line"); got != "无法核验：没有找到这个防伪码" {
		t.Fatalf("unknown code verdict %q", got)
	}
	shots.shot(ctx, "07-not-found")

	// Upload the PDF.
	do(t, ctx, "upload form", chromedp.Navigate(base+"/verify"), chromedp.WaitVisible(chromedp.ID("file")))
	shots.shot(ctx, "08-upload-form")
	do(t, ctx, "upload",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{named}),
		chromedp.Submit(chromedp.ID("file")),
		chromedp.WaitVisible(chromedp.CSS(".verdict-line")),
	)
	if got := text(t, ctx, ".verdict-line"); !strings.HasPrefix(got, "可以信任：") {
		t.Fatalf("upload verdict %q; page:\n%s", got, text(t, ctx, "main"))
	}
	details := text(t, ctx, "main")
	for _, want := range []string{"SM2 / SM3（国密算法）", "盖章后文件未被修改", "签章证书由受信任的机构签发", code} {
		if !strings.Contains(details, want) {
			t.Errorf("verdict page lacks %q", want)
		}
	}
	shots.shot(ctx, "09-upload-trusted")

	// A copy with bytes appended after the seal is refused.
	tampered := filepath.Join(t.TempDir(), "tampered.pdf")
	if err := os.WriteFile(tampered, append(append([]byte{}, pdf...), []byte("\n% appended after sealing\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "upload tampered",
		chromedp.Navigate(base+"/verify"),
		chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{tampered}),
		chromedp.Submit(chromedp.ID("file")),
		chromedp.WaitVisible(chromedp.CSS(".verdict-line")),
	)
	if got := text(t, ctx, ".verdict-line"); got != "不要信任：文件在盖章后被修改" {
		t.Fatalf("tampered upload verdict %q", got)
	}
	shots.shot(ctx, "10-upload-untrusted")

	// An unknown page: the friendly error page with a request id.
	do(t, ctx, "error page", chromedp.Navigate(base+"/no/such/page"), chromedp.WaitVisible(chromedp.CSS(".error-page")))
	if got := text(t, ctx, ".error-page h1"); got != "未找到" {
		t.Fatalf("error page heading %q", got)
	}
	if got := text(t, ctx, ".error-page"); !strings.Contains(got, "请求编号") {
		t.Fatalf("error page without request id: %q", got)
	}
	shots.shot(ctx, "11-error")

	// The code page on a phone-sized screen.
	do(t, ctx, "phone",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/v/"+code),
		chromedp.WaitVisible(chromedp.CSS(".verdict-line")),
	)
	shots.shot(ctx, "12-verify-code-phone")
}

// checkAPI looks the code (with the QR token) up and posts the PDF, as a
// bank's system would.
func checkAPI(t *testing.T, base, code, qrURL string, pdf []byte) {
	t.Helper()
	_, token, _ := strings.Cut(qrURL, "?t=")
	res, err := http.Get(base + "/api/v1/verify/" + strings.ToLower(code) + "?t=" + token)
	if err != nil {
		t.Fatal(err)
	}
	var status struct {
		Code, Status, HolderNameMasked string
		QR                             struct{ Valid bool }
	}
	err = json.NewDecoder(res.Body).Decode(&status)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || status.Status != "valid" || !status.QR.Valid ||
		status.Code != strings.ReplaceAll(code, "-", "") {
		t.Fatalf("code API: %d %v %+v", res.StatusCode, err, status)
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "certificate.pdf")
	fw.Write(pdf)
	mw.Close()
	res, err = http.Post(base+"/api/v1/verify", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Valid      bool
		Signatures []struct {
			Algorithm            string
			ChainTrusted         bool   `json:"chain_trusted"`
			ModifiedAfterSigning bool   `json:"modified_after_signing"`
			Level                string `json:"level"`
		}
		Document struct {
			Code           string
			RegistryStatus string `json:"registry_status"`
		}
	}
	err = json.NewDecoder(res.Body).Decode(&rep)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || !rep.Valid || len(rep.Signatures) == 0 ||
		rep.Signatures[0].ModifiedAfterSigning || !rep.Signatures[0].ChainTrusted || rep.Signatures[0].Level != "B-LT" ||
		rep.Document.RegistryStatus != "valid" || rep.Document.Code != status.Code {
		t.Fatalf("upload API: %d %v %+v", res.StatusCode, err, rep)
	}
}

// scanQR renders the first page of the PDF and reads its QR code.
func scanQR(t *testing.T, pdf string) string {
	t.Helper()
	pdftoppm := testutil.NeedTool(t, "pdftoppm")
	zbarimg := testutil.NeedTool(t, "zbarimg")
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command(pdftoppm, "-r", "150", "-f", "1", "-l", "1", "-png", pdf, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(prefix + "*.png")
	if len(pages) != 1 {
		t.Fatalf("rendered pages: %v", pages)
	}
	out, err := exec.Command(zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", pages[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func ptr[T any](v T) *T { return &v }
