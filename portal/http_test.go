package portal

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	r := e.browser().get("/healthz")
	if r.StatusCode != 200 || !strings.Contains(r.Body, `"status":"ok"`) || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %q %s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/healthz")
	b.get("/healthz")
	b.get("/v/" + validCode)
	b.get("/v/NOPE")
	b.get("/no/such/page")
	b.mustLogin(zhangID, zhangPW)
	tok := b.csrf("/me/documents")
	b.post("/me/documents/issue", url.Values{"csrf": {tok}, "kind": {"insurance-certificate"}, "idempotency_key": {strings.Repeat("c", 32)}})
	r := b.get("/metrics")
	if r.StatusCode != 200 {
		t.Fatalf("metrics: %d", r.StatusCode)
	}
	for _, want := range []string{
		`sihub_http_requests_total{method="GET",route="healthz",status="200"} 2`,
		`sihub_http_requests_total{method="GET",route="verify_code",status="404"} 1`,
		`sihub_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`sihub_http_requests_total{method="POST",route="login",status="303"} 1`,
		`sihub_http_request_duration_seconds_count{method="GET",route="healthz"} 2`,
		`sihub_documents_verified_total{method="code",result="valid"} 1`,
		`sihub_documents_verified_total{method="code",result="not_found"} 1`,
		`sihub_documents_issued_total{kind="insurance-certificate",outcome="ok"} 1`,
		`sihub_logins_total{outcome="ok"} 1`,
		`sihub_build_info{version="test"} 1`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/v/NOPE", "/api/v1/verify/NOPE", "/healthz", "/static/style.css"} {
		r := e.browser().get(path)
		h := r.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" ||
			h.Get("X-Frame-Options") != "DENY" || !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(h.Get("X-Request-Id")) {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}

func TestPanicBecomesErrorPage(t *testing.T) {
	e := newEnv(t, func(c *Config, d *Deps) { d.Documents.(*fakeDocs).panic = validCode })
	r := e.browser().get("/v/" + validCode)
	rid := r.Header.Get("X-Request-Id")
	if r.StatusCode != 500 || !strings.Contains(r.Body, "系统繁忙") || !strings.Contains(r.Body, rid) {
		t.Fatalf("%d\n%s", r.StatusCode, r.Body)
	}
	for _, leak := range []string{"goroutine", "boom", "secret detail", ".go:"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("error page shows %q", leak)
		}
	}
	if !strings.Contains(e.logs.String(), "secret detail") || !strings.Contains(e.logs.String(), rid) {
		t.Error("panic not logged with the request id")
	}
	api := e.browser().get("/api/v1/verify/" + validCode)
	if api.StatusCode != 500 || !strings.Contains(api.Body, `"internal"`) || strings.Contains(api.Body, "boom") {
		t.Fatalf("api panic: %d %s", api.StatusCode, api.Body)
	}
	// The server survives.
	if r := e.browser().get("/healthz"); r.StatusCode != 200 {
		t.Fatalf("after panic: %d", r.StatusCode)
	}
}

func TestNotFoundAndMethod(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	r := b.get("/nothing/here")
	if r.StatusCode != 404 || !strings.Contains(r.Body, "未找到") || !strings.Contains(r.Body, "请求编号") {
		t.Fatalf("404 page: %d", r.StatusCode)
	}
	req, _ := http.NewRequest("DELETE", e.srv.URL+"/v/"+validCode, nil)
	if r := b.do(req); r.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE: %d", r.StatusCode)
	}
	req, _ = http.NewRequest("HEAD", e.srv.URL+"/healthz", nil)
	if r := b.do(req); r.StatusCode != 200 {
		t.Fatalf("HEAD: %d", r.StatusCode)
	}
}

func TestAccessLogKeepsSecretsOut(t *testing.T) {
	e := newEnv(t, func(c *Config, d *Deps) { d.QRChecker = fakeQR{} })
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	b.get("/v/" + validCode + "?t=SECRETTOKEN")
	logs := e.logs.String()
	if strings.Count(logs, `"msg":"http request"`) != 3 {
		t.Fatalf("expected one line per request:\n%s", logs)
	}
	for _, leak := range []string{zhangPW, "SECRETTOKEN", sessionCookie, csrfCookie, "password"} {
		if strings.Contains(logs, leak) {
			t.Errorf("log contains %q", leak)
		}
	}
	if !strings.Contains(logs, `"route":"verify_code"`) || !strings.Contains(logs, `"status":303`) {
		t.Errorf("log lacks route or status:\n%s", logs)
	}
}

func TestThemeAndStatic(t *testing.T) {
	e := newEnv(t, func(c *Config, d *Deps) { c.ThemeColor = "#0a4b8c" })
	b := e.browser()
	if r := b.get("/static/theme.css"); !strings.Contains(r.Body, "--brand:#0a4b8c") || r.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("theme: %s", r.Body)
	}
	if r := b.get("/static/style.css"); r.StatusCode != 200 || !strings.Contains(r.Body, "var(--brand") {
		t.Fatalf("style: %d", r.StatusCode)
	}
	for _, p := range []string{"/static/..%2fportal.go", "/static/../portal.go", "/static/.hidden"} {
		if r := b.get(p); r.StatusCode == 200 || strings.Contains(r.Body, "package portal") {
			t.Fatalf("%s: %d", p, r.StatusCode)
		}
	}
	home := b.get("/")
	if !strings.Contains(home.Body, `lang="zh-CN"`) || !strings.Contains(home.Body, "验证文书") || !strings.Contains(home.Body, "登录") ||
		strings.Contains(home.Body, "style=") || strings.Contains(home.Body, "<script>") {
		t.Fatalf("home page:\n%s", home.Body)
	}
}

func TestConfigValidation(t *testing.T) {
	deps := Deps{Accounts: fakeAccounts{}, Documents: &fakeDocs{}, Audit: &fakeAudit{}}
	key := bytes.Repeat([]byte{1}, 32)
	for name, cfg := range map[string]Config{
		"short key":  {SessionKey: key[:31]},
		"bad colour": {SessionKey: key, ThemeColor: "blue; }"},
		"bad url":    {SessionKey: key, PublicURL: "ftp://x"},
	} {
		if _, err := New(cfg, deps); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := New(Config{SessionKey: key}, Deps{}); !errors.Is(err, ErrConfig) {
		t.Errorf("missing deps: %v", err)
	}
	if _, err := New(Config{SessionKey: key, PublicURL: "https://si.example.cn/"}, deps); err != nil {
		t.Fatal(err)
	}
}

func TestSecureCookiesOverHTTPS(t *testing.T) {
	e := newEnv(t, func(c *Config, d *Deps) { c.PublicURL = "https://si.example.cn" })
	r := e.browser().get("/login")
	found := false
	for _, c := range r.Cookies() {
		if c.Name == csrfCookie {
			found = true
			if !c.Secure || !c.HttpOnly {
				t.Fatalf("csrf cookie %+v", c)
			}
		}
	}
	if !found {
		t.Fatal("no csrf cookie")
	}
}

func TestPanicIsCounted(t *testing.T) {
	e := newEnv(t, func(c *Config, d *Deps) { d.Documents.(*fakeDocs).panic = validCode })
	e.browser().get("/v/" + validCode)
	r := e.browser().get("/metrics")
	if !strings.Contains(r.Body, `sihub_http_requests_total{method="GET",route="verify_code",status="500"} 1`) {
		t.Fatalf("panic not counted:\n%s", r.Body)
	}
}
