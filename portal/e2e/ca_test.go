package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sihub/app"
	"sihub/model"
)

// loginAs opens path, is sent to the login page, logs in and lands back
// on path.
func loginAs(t *testing.T, ctx context.Context, base, path, login, password string) {
	t.Helper()
	do(t, ctx, "login as "+login,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("nav.subnav")),
	)
}

var sealPathRE = regexp.MustCompile(`/ca/seals/([^/?]+)\?done=request$`)

// TestSealRequestApprovedBySecondAdmin: the first CA administrator
// requests a new seal and is not offered its approval; the second one
// approves it, and the seal is active with its key, certificate and
// SESeal, in the seal and certificate lists.
func TestSealRequestApprovedBySecondAdmin(t *testing.T) {
	srv, a := startSystem(t)
	ctx := newBrowser(t)
	shots := newShooter(t)
	base := srv.URL

	loginAs(t, ctx, base, "/ca", app.DemoCAAdmin, app.DemoCAPassword)
	if got := text(t, ctx, "main h1"); got != "印章管理" {
		t.Fatalf("after login the page is %q", got)
	}
	if got := text(t, ctx, `header a[href="/ca"]`); got != "印章管理" {
		t.Fatalf("header link %q", got)
	}
	shots.shot(ctx, "ca-01-overview")

	// The request.
	do(t, ctx, "request form",
		chromedp.Click(chromedp.CSS(`nav.subnav a[href="/ca/seals/new"]`)),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SetValue(chromedp.ID("name"), "档案专用章"),
		chromedp.SetValue(chromedp.ID("alg"), "sm2"),
		chromedp.SendKeys(chromedp.ID("note"), "档案查询业务上线"),
	)
	shots.shot(ctx, "ca-02-request-form")
	do(t, ctx, "submit request",
		chromedp.Click(chromedp.ID("submit-request")),
		chromedp.WaitVisible(chromedp.ID("notice")),
	)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	m := sealPathRE.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("after the request the page is %s", loc)
	}
	id := m[1]
	if got := text(t, ctx, "#seal-status"); got != "待审批" {
		t.Fatalf("requested seal status %q", got)
	}
	if got := text(t, ctx, "#own-request"); !strings.Contains(got, "须由另一位制章管理员审批") {
		t.Fatalf("own request note %q", got)
	}
	if got := text(t, ctx, "#history"); strings.Count(got, "提交申请") != 1 {
		t.Fatalf("history of the request: %q", got)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#approve").length`))
	if err != nil || n != 0 {
		t.Fatalf("approve buttons offered to the requester: %d %v", n, err)
	}
	shots.shot(ctx, "ca-03-requested")
	// Posting the approval anyway, through the API with the session, is
	// refused by the service.
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch("/api/v1/ca/session").then(r => r.json()).then(s =>
		fetch("/api/v1/ca/seals/`+id+`/approve", {method: "POST", headers: {"X-CSRF-Token": s.csrf_token}})).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if err != nil || status != 403 {
		t.Fatalf("the requester's own approval through the API: %d %v", status, err)
	}

	// The second administrator approves.
	do(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(".hero")))
	loginAs(t, ctx, base, "/ca", app.DemoCAAdmin2, app.DemoCAPassword2)
	if got := text(t, ctx, "#pending"); !strings.Contains(got, "档案专用章") || !strings.Contains(got, app.DemoCAAdmin) {
		t.Fatalf("pending requests: %q", got)
	}
	do(t, ctx, "open request",
		chromedp.Click(chromedp.CSS(`#pending a[href="/ca/seals/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("approve")),
	)
	shots.shot(ctx, "ca-04-to-approve")
	do(t, ctx, "approve", chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("notice")))
	if got := text(t, ctx, "#notice"); got != "已审批通过，印章已启用。" {
		t.Fatalf("approval notice %q", got)
	}
	if got := text(t, ctx, "#seal-status"); got != "启用" {
		t.Fatalf("approved seal status %q", got)
	}
	digest := text(t, ctx, "#seseal-digest")
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(digest) {
		t.Fatalf("SESeal digest %q", digest)
	}
	history := text(t, ctx, "#history")
	for _, want := range []string{app.DemoCAAdmin + " 提交申请：档案查询业务上线", app.DemoCAAdmin2 + " 审批通过"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q:\n%s", want, history)
		}
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(async () => {
		const img = document.querySelector(".seal-picture"); await img.decode(); return img.naturalWidth; })()`, chromedp.EvalAwaitPromise))
	if err != nil || width == 0 {
		t.Errorf("the seal's picture does not show: %d %v", width, err)
	}
	shots.shot(ctx, "ca-05-approved")

	// What the store holds agrees with the page.
	sl, err := a.CAAdmin().Seal(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if sl.Status != model.SealActive || sl.RequestedBy != app.DemoCAAdmin || sl.ApprovedBy != app.DemoCAAdmin2 ||
		sl.CertSerial == "" || len(sl.SESeal) == 0 {
		t.Fatalf("stored seal %+v", sl)
	}

	// The lists show it.
	do(t, ctx, "seal list", chromedp.Navigate(base+"/ca/seals"), chromedp.WaitVisible(chromedp.ID("seals")))
	row := text(t, ctx, `tr[data-seal="`+id+`"]`)
	for _, want := range []string{"档案专用章", "启用", "SM2 / SM3", app.DemoCAAdmin + " / " + app.DemoCAAdmin2} {
		if !strings.Contains(row, want) {
			t.Errorf("seal row lacks %q: %s", want, row)
		}
	}
	shots.shot(ctx, "ca-06-seals")
	do(t, ctx, "certificate list", chromedp.Navigate(base+"/ca/certificates"), chromedp.WaitVisible(chromedp.ID("certificates")))
	if got := text(t, ctx, `tr[data-serial="`+sl.CertSerial+`"]`); !strings.Contains(got, "印章") || !strings.Contains(got, "有效") {
		t.Errorf("seal certificate row: %s", got)
	}
	shots.shot(ctx, "ca-07-certificates")
}
