package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sihub/app"
)

// TestCitizenGrantsConsentToBank: the demo person issues a certificate,
// opens its detail page and grants the demo bank access for 7 days; the
// bank's system sees the unmasked name and ID only with that token; the
// citizen's page then lists the bank's checks.
func TestCitizenGrantsConsentToBank(t *testing.T) {
	srv, _ := startSystem(t)
	ctx := newBrowser(t)
	shots := newShooter(t)
	base := srv.URL

	do(t, ctx, "login",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), app.DemoPersonID),
		chromedp.SendKeys(chromedp.ID("password"), app.DemoPersonPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/me/documents/issue"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/me/documents/issue"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".alert-ok")),
	)
	grouped := text(t, ctx, ".alert-ok .code")
	code := strings.ReplaceAll(grouped, "-", "")

	do(t, ctx, "detail page",
		chromedp.Click(chromedp.CSS(`tr.highlight a[href="/me/documents/`+code+`"]`)),
		chromedp.WaitVisible(chromedp.ID("institution")),
	)
	if got := text(t, ctx, "#access"); !strings.Contains(got, "还没有机构核验过本文书") {
		t.Fatalf("access history before any check: %q", got)
	}
	shots.shot(ctx, "20-document-detail")
	do(t, ctx, "grant",
		chromedp.SetValue(chromedp.ID("hours"), "168"),
		chromedp.Submit(chromedp.ID("hours")),
		chromedp.WaitVisible(chromedp.ID("consent-token")),
	)
	token, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("consent-token")))
	if err != nil || !strings.HasPrefix(token, "sc1.") {
		t.Fatalf("consent token %q: %v", token, err)
	}
	if got := text(t, ctx, ".alert-ok"); !strings.Contains(got, "示范银行股份有限公司") {
		t.Fatalf("grant notice: %q", got)
	}
	shots.shot(ctx, "21-consent-granted")

	key := app.DemoBankKeyID + "." + app.DemoBankKeySecret
	lookup := func(consent string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/api/v1/verify/"+code+"?consent="+url.QueryEscape(consent), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(res.Body).Decode(&m); err != nil || res.StatusCode != 200 {
			t.Fatalf("lookup: %d %v", res.StatusCode, err)
		}
		return m
	}
	if m := lookup(token); m["holder_name"] != app.DemoPersonName || m["holder_id"] != app.DemoPersonID {
		t.Fatalf("with consent: %v", m)
	}
	if m := lookup(""); m["holder_id"] != nil || m["holder_id_masked"] != "110105********1239" {
		t.Fatalf("without consent: %v", m)
	}

	do(t, ctx, "history", chromedp.Navigate(base+"/me/documents/"+code), chromedp.WaitVisible(chromedp.ID("access")))
	hist := text(t, ctx, "#access")
	for _, want := range []string{"示范银行股份有限公司", "凭您的授权查看了完整姓名和证件号码", "查询了该文书的登记状态"} {
		if !strings.Contains(hist, want) {
			t.Errorf("access history lacks %q:\n%s", want, hist)
		}
	}
	shots.shot(ctx, "22-access-history")
}
