package portal

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLoginSuccess(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	r := b.login(zhangID, zhangPW)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/me/documents" {
		t.Fatalf("status %d location %q", r.StatusCode, r.Header.Get("Location"))
	}
	var sess *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == sessionCookie {
			sess = c
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.MaxAge != int(DefaultSessionTTL.Seconds()) {
		t.Fatalf("session cookie %+v", sess)
	}
	page := b.get("/me/documents")
	if page.StatusCode != 200 || !strings.Contains(page.Body, "CB2026000001") || !strings.Contains(page.Body, zhangName) {
		t.Fatalf("my documents: %d\n%s", page.StatusCode, page.Body)
	}
	if strings.Contains(page.Body, "CB2026000002") {
		t.Fatal("another person's document is listed")
	}
	if got := e.audit.find(actionLogin, "ok"); len(got) != 1 || got[0].Actor != zhangID || got[0].Remote != "127.0.0.1" {
		t.Fatalf("audit: %+v", got)
	}
}

func TestLoginLowercaseX(t *testing.T) {
	e := newEnv(t, func(c *Config, d *Deps) {
		a := d.Accounts.(fakeAccounts)
		acct := a[zhangID]
		acct.Login = "11010519491231002X"
		a["11010519491231002X"] = acct
	})
	b := e.browser()
	if r := b.login("11010519491231002x", zhangPW); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("lower-case x login: %d", r.StatusCode)
	}
}

func TestLoginFailureIsUniform(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	wrong := b.login(zhangID, "not-the-password")
	unknown := b.login("110105200001010015", "whatever")
	disabled := newEnv(t, func(c *Config, d *Deps) {
		a := d.Accounts.(fakeAccounts)
		acct := a[zhangID]
		acct.Disabled = true
		a[zhangID] = acct
	}).browser().login(zhangID, zhangPW)
	for name, r := range map[string]resp{"wrong": wrong, "unknown": unknown, "disabled": disabled} {
		if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Body, "证件号码或密码不正确") {
			t.Errorf("%s: status %d", name, r.StatusCode)
		}
		for _, c := range r.Cookies() {
			if c.Name == sessionCookie {
				t.Errorf("%s: session cookie set", name)
			}
		}
	}
	if got := e.audit.find(actionLogin, "denied"); len(got) != 2 {
		t.Fatalf("denied audit entries: %d", len(got))
	}
	if r := b.get("/me/documents"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("not logged in, got %d", r.StatusCode)
	}
}

func TestLoginThrottlePerLogin(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	for i := 0; i < loginFailuresPerLogin; i++ {
		if r := b.login(zhangID, "bad"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.StatusCode)
		}
	}
	r := b.login(zhangID, zhangPW)
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "15 分钟后再试") {
		t.Fatalf("after %d failures, right password: %d", loginFailuresPerLogin, r.StatusCode)
	}
	if got := e.audit.find(actionLogin, "denied"); got[len(got)-1].Detail != "throttled" {
		t.Fatalf("last audit %+v", got[len(got)-1])
	}
	// Another login from the same address is not blocked by this one.
	if r := e.browser().login(liID, liPW); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("other login: %d", r.StatusCode)
	}
	e.clock.Advance(loginWindow)
	if r := e.browser().login(zhangID, zhangPW); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", r.StatusCode)
	}
}

func TestLoginThrottlePerIP(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	for i := 0; i < loginFailuresPerIP; i++ {
		// Different logins, so only the address limit applies.
		login := "user" + strings.Repeat("x", i%7) + string(rune('a'+i))
		if r := b.login(login, "bad"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.StatusCode)
		}
	}
	if r := b.login(zhangID, zhangPW); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("address over the limit: %d", r.StatusCode)
	}
}

func TestThrottleBounded(t *testing.T) {
	th := newThrottle(2, time.Minute, 10)
	now := t0
	for i := 0; i < 100; i++ {
		th.fail(string(rune('A'+i)), now.Add(time.Duration(i)*time.Second))
	}
	if n := th.size(); n > 10 {
		t.Fatalf("throttle holds %d keys, capacity 10", n)
	}
	// The newest key survives eviction.
	th.fail(string(rune('A'+99)), now.Add(100*time.Second))
	if !th.blocked(string(rune('A'+99)), now.Add(100*time.Second)) {
		t.Fatal("newest key lost")
	}
}

func TestCSRFRejected(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.csrf("/login")
	cases := map[string]url.Values{
		"missing": {"login": {zhangID}, "password": {zhangPW}},
		"wrong":   {"login": {zhangID}, "password": {zhangPW}, "csrf": {strings.Repeat("0", len(tok))}},
	}
	for name, form := range cases {
		r := b.post("/login", form)
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "页面已过期") {
			t.Errorf("%s token: status %d", name, r.StatusCode)
		}
	}
	// A token is bound to its browser's cookie: another browser's token fails.
	other := e.browser()
	r := other.post("/login", url.Values{"login": {zhangID}, "password": {zhangPW}, "csrf": {tok}})
	if r.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign token: %d", r.StatusCode)
	}
	// Logged-in forms too.
	b.mustLogin(zhangID, zhangPW)
	r = b.post("/me/documents/issue", url.Values{"kind": {"insurance-certificate"}, "idempotency_key": {strings.Repeat("a", 32)}})
	if r.StatusCode != http.StatusForbidden || len(e.issuer.reqs) != 0 {
		t.Fatalf("issue without token: %d, %d requests", r.StatusCode, len(e.issuer.reqs))
	}
	r = b.post("/logout", url.Values{})
	if r.StatusCode != http.StatusForbidden {
		t.Fatalf("logout without token: %d", r.StatusCode)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	e.clock.Advance(DefaultSessionTTL - time.Second)
	if r := b.get("/me/documents"); r.StatusCode != 200 {
		t.Fatalf("before expiry: %d", r.StatusCode)
	}
	e.clock.Advance(time.Second)
	r := b.get("/me/documents")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Fme%2Fdocuments" {
		t.Fatalf("after expiry: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestSessionTampered(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	u, _ := url.Parse(e.srv.URL)
	var val string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			val = c.Value
		}
	}
	payload, sig, _ := strings.Cut(val, ".")
	se, ok := newEnvServer(t).decodeSession(val)
	if ok || se != nil {
		t.Fatal("a cookie signed with another key was accepted")
	}
	// Re-point the payload at another person, keep the signature.
	forged := strings.Replace(payload, b64url.EncodeToString([]byte(`{"l":"`+zhangID)), b64url.EncodeToString([]byte(`{"l":"`+liID)), 1)
	req, _ := http.NewRequest("GET", e.srv.URL+"/me/documents", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: forged + "." + sig})
	r, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("forged session: %d", r.StatusCode)
	}
}

// newEnvServer builds a server with a different session key.
func newEnvServer(tb testing.TB) *server {
	cfg := Config{SessionKey: []byte(strings.Repeat("k", 32)), Now: func() time.Time { return t0 }}
	s, err := newServer(cfg, Deps{Accounts: fakeAccounts{}, Documents: &fakeDocs{}, Audit: &fakeAudit{}})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	tok := b.csrf("/me/documents")
	r := b.post("/logout", url.Values{"csrf": {tok}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if r := b.get("/me/documents"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("after logout: %d", r.StatusCode)
	}
}

func TestLoginRedirectStaysLocal(t *testing.T) {
	for in, want := range map[string]string{
		"/me/documents":        "/me/documents",
		"/v/ABC?x=1":           "/v/ABC?x=1",
		"//evil.example/":      "/me/documents",
		"/\\evil.example":      "/me/documents",
		"https://evil.example": "/me/documents",
		"":                     "/me/documents",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
