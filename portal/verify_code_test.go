package portal

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestVerifyCodePage(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	trusted := "可以信任：这份参保证明由社会保险经办机构签发，登记状态有效"
	cases := []struct {
		path, want, explain string
		status              int
	}{
		{"/v/" + validCode, trusted, "本页只核对了登记信息", 200},
		{"/v/" + url.PathEscape(strings.ToLower(groupCode(validCode))), trusted, "本页只核对了登记信息", 200},
		{"/v/" + url.PathEscape("7kq4 m2xw-9pta hc3r8f"), trusted, "本页只核对了登记信息", 200},
		{"/v/" + oldCode, "已被新证明取代（新证明于 2026-11-27 开具）", "旧文书不再有效", 200},
		{"/v/" + pulledCode, "已撤回", "撤回", 200},
	}
	for _, c := range cases {
		r := b.get(c.path)
		if r.StatusCode != c.status || !strings.Contains(r.Body, `<p class="verdict-line">`+c.want+`</p>`) || !strings.Contains(r.Body, c.explain) {
			t.Errorf("%s: %d\n%s", c.path, r.StatusCode, r.Body)
		}
	}
	r := b.get("/v/" + validCode)
	for _, want := range []string{"张*", "110105********1239", "CB2026000001", "7KQ4M2-XW9PTA-HC3R8F", "2027-02-25", "参保证明"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, leak := range []string{zhangName, zhangID} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("page shows unmasked %q", leak)
		}
	}
	if got := e.audit.find(actionVerify, "ok"); len(got) < 5 || got[0].Object != validCode || got[0].Actor != "anonymous" {
		t.Fatalf("audit: %+v", got)
	}
}

func TestVerifyCodeExpired(t *testing.T) {
	e := newEnv(t)
	e.clock.Advance(90 * 24 * time.Hour)
	r := e.browser().get("/v/" + validCode)
	if !strings.Contains(r.Body, `<p class="verdict-line">已过有效期：这份参保证明的有效期至 2027-02-25</p>`) {
		t.Fatalf("expired document:\n%s", r.Body)
	}
	api := e.browser().get("/api/v1/verify/" + validCode)
	var got codeStatus
	if err := json.Unmarshal([]byte(api.Body), &got); err != nil || !got.Expired || got.Status != "valid" {
		t.Fatalf("api: %v %+v", err, got)
	}
}

func TestVerifyCodeNotFoundIsUniform(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	var bodies []string
	for _, code := range []string{"Z9Z9Z9Z9Z9Z9Z9Z9Z9", "nonsense!!", strings.Repeat("A", 200), "7KQ4M2XW9PTAHC3R8G"} {
		r := b.get("/v/" + url.PathEscape(code))
		if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, `<p class="verdict-line">无法核验：没有找到这个防伪码</p>`) {
			t.Fatalf("%q: %d\n%s", code, r.StatusCode, r.Body)
		}
		bodies = append(bodies, stripRequestID(r.Body))
	}
	for i := range bodies {
		if bodies[i] != bodies[0] {
			t.Fatalf("not-found page %d differs from the first", i)
		}
	}
	for _, leak := range []string{"Z9Z9", "nonsense", "7KQ4"} {
		if strings.Contains(bodies[0], leak) || strings.Contains(bodies[3], leak) {
			t.Fatalf("not-found page echoes %q", leak)
		}
	}
	if got := e.audit.find(actionVerify, "invalid"); len(got) != 4 {
		t.Fatalf("audit: %d entries", len(got))
	}
}

func TestCodeForm(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	if r := b.get("/v"); r.StatusCode != 200 || !strings.Contains(r.Body, `name="code"`) {
		t.Fatalf("form: %d", r.StatusCode)
	}
	r := b.get("/v?code=" + url.QueryEscape(" 7kq4m2-xw9pta-hc3r8f "))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/v/"+validCode {
		t.Fatalf("redirect: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.get("/v?code=" + url.QueryEscape("<script>")); r.StatusCode != 400 || strings.Contains(r.Body, "<script>") {
		t.Fatalf("bad code: %d", r.StatusCode)
	}
}

func TestVerifyCodeQRToken(t *testing.T) {
	e := newEnv(t, func(c *Config, deps *Deps) {
		doc, _ := deps.Documents.DocumentByCode(t.Context(), validCode)
		good := QRClaims{Code: groupCode(doc.Code), Number: doc.Number, Kind: doc.Kind, HolderName: "张*",
			HolderID: "110105********1239", IssuedAt: doc.IssuedAt.Truncate(time.Second), ValidUntil: doc.ValidUntil}
		forged := good
		forged.Number = "CB2026999999"
		forged.HolderName = "王*"
		deps.QRChecker = fakeQR{claims: map[string]QRClaims{"good": good, "forged": forged}}
	})
	b := e.browser()
	r := b.get("/v/" + validCode + "?t=good")
	if !strings.Contains(r.Body, "二维码签名有效，印制的信息与登记信息一致") {
		t.Fatalf("good token:\n%s", r.Body)
	}
	for _, want := range []string{"二维码中签名保护的信息", "CB2026000001", "张*", "2027-02-25"} {
		if !strings.Contains(r.Body[strings.Index(r.Body, `class="token `):], want) {
			t.Errorf("good token: the QR fields lack %q", want)
		}
	}
	r = b.get("/v/" + validCode + "?t=forged")
	if !strings.Contains(r.Body, `<dd>CB2026999999</dd>`) || !strings.Contains(r.Body, `<dd>王*</dd>`) {
		t.Errorf("forged token: its own fields are not shown")
	}
	if !strings.Contains(r.Body, "不一致") || !strings.Contains(r.Body, "文书编号与登记信息不一致") ||
		!strings.Contains(r.Body, "持有人姓名与登记信息不一致") || strings.Contains(r.Body, "开具时间与登记信息不一致") {
		t.Fatalf("forged token:\n%s", r.Body)
	}
	r = b.get("/v/" + validCode + "?t=garbage")
	if !strings.Contains(r.Body, "二维码签名无效") {
		t.Fatalf("bad token:\n%s", r.Body)
	}
	// Without a checker the page says the token was not checked.
	r = newEnv(t).browser().get("/v/" + validCode + "?t=good")
	if !strings.Contains(r.Body, "未启用二维码签名核对") {
		t.Fatalf("no checker:\n%s", r.Body)
	}
}

func TestAPIVerifyCode(t *testing.T) {
	e := newEnv(t)
	r := e.browser().get("/api/v1/verify/" + strings.ToLower(groupCode(validCode)))
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"code", "expired", "holder_id_masked", "holder_name_masked", "issued_at", "kind", "kind_name", "number", "status", "valid_until"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	if m["code"] != validCode || m["status"] != "valid" || m["holder_name_masked"] != "张*" ||
		m["holder_id_masked"] != "110105********1239" || m["issued_at"] != "2026-11-27T02:00:00Z" || m["number"] != "CB2026000001" {
		t.Fatalf("body %s", r.Body)
	}
	nf := e.browser().get("/api/v1/verify/NOPE")
	var er struct {
		Error struct{ Code, Message, RequestID string } `json:"error"`
	}
	if nf.StatusCode != 404 || json.Unmarshal([]byte(nf.Body), &er) != nil || er.Error.Code != "not_found" || er.Error.Message == "" {
		t.Fatalf("not found: %d %s", nf.StatusCode, nf.Body)
	}
	unknown := e.browser().get("/api/v1/nothing")
	if unknown.StatusCode != 404 || !strings.Contains(unknown.Body, `"not_found"`) {
		t.Fatalf("unknown API path: %d %s", unknown.StatusCode, unknown.Body)
	}
}

func TestAPIVerifyCodeWithToken(t *testing.T) {
	e := newEnv(t, func(c *Config, deps *Deps) {
		doc, _ := deps.Documents.DocumentByCode(t.Context(), validCode)
		good := QRClaims{Code: doc.Code, Number: doc.Number, Kind: doc.Kind, IssuedAt: doc.IssuedAt, ValidUntil: doc.ValidUntil}
		late := good
		late.ValidUntil = good.ValidUntil.Add(24 * time.Hour)
		deps.QRChecker = fakeQR{claims: map[string]QRClaims{"good": good, "late": late}}
	})
	for tok, want := range map[string]string{
		"good":    `"qr":{"signature_valid":true,"mismatch":[],"valid":true}`,
		"late":    `"qr":{"signature_valid":true,"mismatch":["valid_until"],"valid":false}`,
		"garbage": `"qr":{"signature_valid":false,"mismatch":[],"valid":false}`,
	} {
		r := e.browser().get("/api/v1/verify/" + validCode + "?t=" + tok)
		if r.StatusCode != 200 || !strings.Contains(r.Body, want) {
			t.Errorf("token %s: %d %s", tok, r.StatusCode, r.Body)
		}
	}
	if r := e.browser().get("/api/v1/verify/" + validCode); strings.Contains(r.Body, `"qr"`) {
		t.Errorf("qr field without a token: %s", r.Body)
	}
}
