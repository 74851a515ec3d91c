package portal

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"sihub/certs/seal"
	"sihub/model"
)

var caPages = []string{"/ca", "/ca/seals", "/ca/seals/new", "/ca/seals/seal-0001", "/ca/seals/seal-0001/picture", "/ca/certificates", "/ca/messages"}

func TestCAPagesNeedLogin(t *testing.T) {
	e := newCAEnv(t, newFakeCA())
	for _, p := range caPages {
		r := e.browser().get(p)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next="+url.QueryEscape(p) {
			t.Errorf("GET %s without login: %d → %q", p, r.StatusCode, r.Header.Get("Location"))
		}
	}
}

func TestCAPagesRefuseOtherRoles(t *testing.T) {
	fake := newFakeCA()
	e := newCAEnv(t, fake)
	ctx := t.Context()
	if _, err := fake.RequestSeal(ctx, admin1, SealRequest{Name: "业务专用章", Alg: "sm2"}); err != nil {
		t.Fatal(err)
	}
	calls := fake.callCount()
	for _, who := range []struct{ login, pw string }{{zhangID, zhangPW}, {"clerk", "clerk-pw-1"}, {unitCode, unitPW}} {
		b := e.browser()
		b.mustLogin(who.login, who.pw)
		for _, p := range caPages {
			r := b.get(p)
			if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "无权访问") ||
				!strings.Contains(r.Body, "此功能仅限制章管理员使用。") {
				t.Errorf("%s GET %s: %d", who.login, p, r.StatusCode)
			}
		}
		// A form with a valid CSRF token does not help.
		tok := b.csrf("/v")
		for _, p := range []string{"/ca/seals/seal-0001/approve", "/ca/seals/seal-0001/revoke", "/ca/seals"} {
			r := b.post(p, url.Values{"csrf": {tok}, "reason": {"keyCompromise"}, "name": {"x"}, "alg": {"sm2"}})
			if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "此功能仅限制章管理员使用。") {
				t.Errorf("%s POST %s: %d", who.login, p, r.StatusCode)
			}
		}
		if strings.Contains(b.get("/").Body, `href="/ca"`) {
			t.Errorf("%s sees the CA link in the header", who.login)
		}
	}
	if fake.callCount() != calls {
		t.Fatalf("the service was called for another role: %v", fake.calls)
	}
	if got := e.audit.find(actionCAAccess, "denied"); len(got) != 3*(len(caPages)+3) {
		t.Fatalf("%d denied entries audited, want %d", len(got), 3*(len(caPages)+3))
	}
}

func TestCAPagesWithoutService(t *testing.T) {
	e := newCAEnv(t, nil)
	b := e.browser()
	b.mustLogin(admin1, admin1PW)
	r := b.get("/ca")
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.Body, "印章管理服务暂不可用") {
		t.Fatalf("%d\n%s", r.StatusCode, r.Body)
	}
}

func TestCAHeaderLink(t *testing.T) {
	e := newCAEnv(t, newFakeCA())
	b := e.browser()
	b.mustLogin(admin1, admin1PW)
	r := b.get("/")
	if !strings.Contains(r.Body, `<a href="/ca">印章管理</a>`) {
		t.Fatalf("home page of a ca-admin lacks the /ca link")
	}
	if r := b.get("/ca"); r.StatusCode != 200 || !strings.Contains(r.Body, `<a href="/ca" aria-current="page">印章管理</a>`) {
		t.Fatalf("/ca: %d, header link not current", r.StatusCode)
	}
}

// seedSeals puts one seal in each state, certificates and messages into
// fake, relative to the env's clock.
func seedSeals(fake *fakeCA, now time.Time) {
	day := 24 * time.Hour
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	add := func(s model.Seal) { fake.seals[s.ID] = s }
	add(model.Seal{ID: "s-active", Name: "业务专用章", Alg: "sm2", Status: model.SealActive, RequestedBy: admin2, ApprovedBy: admin1,
		ApprovedAt: at(-300 * day), ValidFrom: now.Add(-300 * day), ValidUntil: now.Add(20*day + time.Hour), CreatedAt: now.Add(-301 * day)})
	add(model.Seal{ID: "s-p256", Name: "公章", Alg: "p256", Status: model.SealActive, ValidFrom: now.Add(-10 * day),
		ValidUntil: now.Add(700 * day), CreatedAt: now.Add(-10 * day)})
	add(model.Seal{ID: "s-requested", Name: "档案专用章", Alg: "sm2", Status: model.SealRequested, RequestedBy: admin2,
		RequestNote: "档案业务需要", CreatedAt: now.Add(-day)})
	add(model.Seal{ID: "s-suspended", Name: "待遇专用章", Alg: "sm2", Status: model.SealSuspended, ValidFrom: now.Add(-100 * day),
		ValidUntil: now.Add(600 * day), StatusReason: "设备检修", StatusChangedAt: at(-2 * day), StatusChangedBy: admin2, CreatedAt: now.Add(-100 * day)})
	add(model.Seal{ID: "s-revoked", Name: "旧业务章", Alg: "sm2", Status: model.SealRevoked, ValidFrom: now.Add(-500 * day),
		ValidUntil: now.Add(200 * day), StatusReason: "keyCompromise", StatusChangedAt: at(-50 * day), StatusChangedBy: admin1, CreatedAt: now.Add(-500 * day)})
	fake.certs = []model.Certificate{
		{Serial: "01aa", Alg: "sm2", Role: model.RoleRoot, Subject: "CN=示范 SM2 根 CA", NotBefore: now.Add(-400 * day), NotAfter: now.Add(3000 * day), Status: "good"},
		{Serial: "02bb", Alg: "p256", Role: model.RoleIssuing, Subject: "CN=示范 P-256 签发 CA,O=示范市社会保险事业管理中心,C=CN", NotBefore: now.Add(-400 * day), NotAfter: now.Add(12*day + time.Hour), Status: "good"},
		{Serial: "03cc", Alg: "sm2", Role: model.RoleSeal, Subject: "CN=旧业务章", NotBefore: now.Add(-500 * day), NotAfter: now.Add(25 * day),
			Status: "revoked", RevokedAt: at(-50 * day), RevocationReason: 1},
		{Serial: "04dd", Alg: "sm2", Role: model.RoleSeal, Subject: "CN=远期章", NotBefore: now, NotAfter: now.Add(40 * day), Status: "good"},
		{Serial: "05ee", Alg: "sm2", Role: "ocsp", Subject: "CN=OCSP 签名", NotBefore: now.Add(-10 * day), NotAfter: now.Add(20 * day), Status: "good"},
	}
	read := now.Add(-time.Hour)
	fake.messages = []model.Message{
		{ID: "m1", Recipient: model.RoleRecipient(model.AccountCAAdmin), Kind: "seal.expiry", Subject: "印章“业务专用章”将于 20 天后到期",
			Body: "请及时申请新印章替换。", Link: "/ca/seals/s-active", CreatedAt: now.Add(-2 * time.Hour)},
		{ID: "m2", Recipient: model.RoleRecipient(model.AccountCAAdmin), Kind: "seal.expiry", Subject: "已读的旧提醒",
			CreatedAt: now.Add(-48 * time.Hour), ReadAt: &read},
		{ID: "m3", Recipient: admin2, Kind: "seal.expiry", Subject: "只给第二位管理员的消息", CreatedAt: now.Add(-time.Hour)},
		{ID: "m4", Recipient: model.RoleRecipient(model.AccountCAAdmin), Kind: "seal.expiry", Subject: "外部链接的消息",
			Link: "https://evil.example/x", CreatedAt: now.Add(-3 * time.Hour)},
	}
}

// section returns the HTML of the element with id (up to its </section>).
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}

var tagRE = regexp.MustCompile(`<[^>]+>`)

// plain is the text of an HTML fragment with whitespace collapsed.
func plain(html string) string {
	return strings.Join(strings.Fields(tagRE.ReplaceAllString(html, " ")), " ")
}

func TestCAOverview(t *testing.T) {
	fake := newFakeCA()
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	b := e.browser()
	b.mustLogin(admin1, admin1PW)
	r := b.get("/ca")
	if r.StatusCode != 200 {
		t.Fatalf("%d\n%s", r.StatusCode, r.Body)
	}
	counts := plain(section(r.Body, "seal-counts"))
	for _, want := range []string{"1 待审批", "2 启用", "1 已暂停", "1 已撤销", "0 已过期"} {
		if !strings.Contains(counts, want) {
			t.Errorf("counts lack %q: %s", want, counts)
		}
	}
	if p := plain(section(r.Body, "pending")); !strings.Contains(p, "档案专用章") || !strings.Contains(p, "申请人 "+admin2) {
		t.Errorf("pending: %s", p)
	}
	exp := plain(section(r.Body, "expiring"))
	for _, want := range []string{"业务专用章 印章 SM2 / SM3", "20 天", "示范 P-256 签发 CA 签发 CA证书 ECDSA P-256", "12 天"} {
		if !strings.Contains(exp, want) {
			t.Errorf("expiring lacks %q: %s", want, exp)
		}
	}
	// 40 days is not within 30, a revoked certificate warns no more, the
	// OCSP signer's renews itself.
	for _, not := range []string{"远期章", "旧业务章", "待遇专用章", "根 CA", "OCSP"} {
		if strings.Contains(exp, not) {
			t.Errorf("expiring lists %q: %s", not, exp)
		}
	}
	unread := section(r.Body, "unread")
	if !strings.Contains(plain(unread), "未读消息（2）") || !strings.Contains(unread, `href="/ca/seals/s-active"`) ||
		strings.Contains(unread, "已读的旧提醒") || strings.Contains(unread, "只给第二位管理员") || strings.Contains(unread, "evil.example") {
		t.Errorf("unread section: %s", plain(unread))
	}
	if !strings.Contains(r.Body, `<span class="count">2</span>`) {
		t.Error("navigation lacks the unread count")
	}
}

func TestCASealsList(t *testing.T) {
	fake := newFakeCA()
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	b := e.browser()
	b.mustLogin(admin1, admin1PW)
	r := b.get("/ca/seals")
	row := func(body, id string) string {
		i := strings.Index(body, `data-seal="`+id+`"`)
		if i < 0 {
			return ""
		}
		return plain(body[i : i+strings.Index(body[i:], "</tr>")])
	}
	for id, want := range map[string]string{
		"s-active":    "启用 SM2 / SM3 " + fmtDate(t0.Add(-300*24*time.Hour)) + " 至 " + fmtDate(t0.Add(20*24*time.Hour+time.Hour)) + " 20 天 " + admin2 + " / " + admin1,
		"s-p256":      "公章 s-p256 启用 ECDSA P-256",
		"s-requested": "待审批 SM2 / SM3 — — " + admin2 + " / —",
		"s-revoked":   "已撤销",
		"s-suspended": "已暂停",
	} {
		if got := row(r.Body, id); !strings.Contains(got, want) {
			t.Errorf("row %s = %q, want it to contain %q", id, got, want)
		}
	}
	if !strings.Contains(r.Body, `data-seal="s-active" class="warn-row"`) {
		t.Error("the seal expiring within 30 days is not marked")
	}
	f := b.get("/ca/seals?status=requested")
	if !strings.Contains(f.Body, `data-seal="s-requested"`) || strings.Contains(f.Body, `data-seal="s-active"`) {
		t.Error("status filter does not filter")
	}
}

func TestCACertificatesAndMessages(t *testing.T) {
	fake := newFakeCA()
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	b := e.browser()
	b.mustLogin(admin2, admin2PW)
	r := b.get("/ca/certificates")
	row := func(serial string) string {
		i := strings.Index(r.Body, `data-serial="`+serial+`"`)
		if i < 0 {
			return ""
		}
		return plain(r.Body[i : i+strings.Index(r.Body[i:], "</tr>")])
	}
	for serial, want := range map[string]string{
		"01aa": "根 CA SM2 / SM3 有效 " + fmtDate(t0.Add(3000*24*time.Hour)) + " 3000 天 —",
		"02bb": "签发 CA ECDSA P-256 有效 " + fmtDate(t0.Add(12*24*time.Hour+time.Hour)) + " 12 天 —",
		"03cc": "印章 SM2 / SM3 已吊销 " + fmtDate(t0.Add(25*24*time.Hour)) + " 25 天 密钥泄露",
	} {
		if got := row(serial); !strings.Contains(got, want) {
			t.Errorf("certificate %s = %q, want %q", serial, got, want)
		}
	}
	if !strings.Contains(r.Body, `data-serial="02bb" class="warn-row"`) || strings.Contains(r.Body, `data-serial="03cc" class="warn-row"`) ||
		strings.Contains(r.Body, `data-serial="05ee" class="warn-row"`) || !strings.Contains(row("05ee"), "OCSP 签名 SM2 / SM3 有效") {
		t.Error("expiring marks wrong")
	}
	m := b.get("/ca/messages")
	list := section(m.Body, "messages")
	// admin2 sees the role's messages and its own; links only to this site.
	for _, want := range []string{"只给第二位管理员的消息", "印章“业务专用章”将于 20 天后到期", "已读的旧提醒", `href="/ca/seals/s-active"`} {
		if !strings.Contains(list, want) {
			t.Errorf("messages lack %q", want)
		}
	}
	if strings.Contains(list, "evil.example") || strings.Count(list, "未读</span>") != 3 {
		t.Errorf("messages page: %s", plain(list))
	}
}

// form posts an action from a seal's page with the page's CSRF token.
func (b *browser) caAction(id, action string, extra url.Values) resp {
	b.e.t.Helper()
	v := url.Values{"csrf": {b.csrf("/ca/seals/" + id)}}
	for k, vs := range extra {
		v[k] = vs
	}
	return b.post("/ca/seals/"+id+"/"+action, v)
}

func TestCARequestAndApproveBySecondAdmin(t *testing.T) {
	fake := newFakeCA()
	fake.sealDER = v4SESeal(t)
	e := newCAEnv(t, fake)
	a1 := e.browser()
	a1.mustLogin(admin1, admin1PW)
	form := a1.get("/ca/seals/new")
	if form.StatusCode != 200 || !strings.Contains(form.Body, `action="/ca/seals"`) {
		t.Fatalf("form: %d", form.StatusCode)
	}
	tok := csrfRE.FindStringSubmatch(form.Body)[1]
	r := a1.post("/ca/seals", url.Values{"csrf": {tok}, "name": {" 业务专用章 "}, "alg": {"SM2"}, "note": {"新业务上线"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/ca/seals/seal-0001?done=request" {
		t.Fatalf("request: %d %q\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if got := fake.seals["seal-0001"]; got.Name != "业务专用章" || got.Alg != "sm2" || got.RequestedBy != admin1 || got.RequestNote != "新业务上线" {
		t.Fatalf("stored request %+v", got)
	}
	page := a1.get(r.Header.Get("Location"))
	if !strings.Contains(page.Body, "印章申请已提交，等待另一位制章管理员审批。") || !strings.Contains(page.Body, `id="seal-status">待审批`) {
		t.Fatalf("request page:\n%s", plain(page.Body))
	}
	// The requester is not offered the approve button, and is refused
	// when posting it anyway.
	if strings.Contains(page.Body, `id="approve"`) || !strings.Contains(page.Body, `id="own-request"`) || !strings.Contains(page.Body, `id="reject"`) {
		t.Fatal("requester's page offers approval or lacks the explanation")
	}
	own := a1.caAction("seal-0001", "approve", nil)
	if own.StatusCode != http.StatusForbidden || !strings.Contains(own.Body, "不能审批自己提交的申请") || !strings.Contains(own.Body, `id="refusal"`) {
		t.Fatalf("own approval: %d\n%s", own.StatusCode, plain(own.Body))
	}
	if fake.seals["seal-0001"].Status != model.SealRequested {
		t.Fatal("own approval changed the seal")
	}

	a2 := e.browser()
	a2.mustLogin(admin2, admin2PW)
	p2 := a2.get("/ca/seals/seal-0001")
	if !strings.Contains(p2.Body, `id="approve"`) {
		t.Fatal("second administrator is not offered approval")
	}
	e.clock.Advance(10 * time.Minute)
	ok := a2.caAction("seal-0001", "approve", nil)
	if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/ca/seals/seal-0001?done=approve" {
		t.Fatalf("approval: %d %s", ok.StatusCode, plain(ok.Body))
	}
	done := a2.get(ok.Header.Get("Location"))
	body := plain(done.Body)
	sum := sm3.Sum(fake.sealDER)
	for _, want := range []string{"已审批通过，印章已启用。", "启用",
		fmtDateTime(t0) + " " + admin1 + " 提交申请：新业务上线",
		fmtDateTime(t0.Add(10*time.Minute)) + " " + admin2 + " 审批通过，印章启用",
		"SM3 摘要 " + hex.EncodeToString(sum[:]), "剩余 731 天"} {
		if !strings.Contains(body, want) {
			t.Errorf("approved page lacks %q:\n%s", want, body)
		}
	}
	for _, want := range []string{`id="suspend"`, `id="revoke"`, `href="/ca/seals/new?replaces=seal-0001"`} {
		if !strings.Contains(done.Body, want) {
			t.Errorf("active seal's page lacks %s", want)
		}
	}
	if strings.Contains(done.Body, `id="approve"`) || strings.Contains(done.Body, `id="resume"`) {
		t.Error("active seal offers approve or resume")
	}
	// A second approval is a conflict, shown on the page.
	again := a2.caAction("seal-0001", "approve", nil)
	if again.StatusCode != http.StatusConflict || !strings.Contains(again.Body, "该印章当前的状态不允许审批") {
		t.Fatalf("second approval: %d %s", again.StatusCode, plain(again.Body))
	}
}

func TestCASealLifecycleActions(t *testing.T) {
	fake := newFakeCA()
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	b := e.browser()
	b.mustLogin(admin1, admin1PW)

	// Suspension needs a reason.
	r := b.caAction("s-active", "suspend", url.Values{"reason": {"  "}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "请填写暂停原因。") || fake.seals["s-active"].Status != model.SealActive {
		t.Fatalf("suspend without reason: %d", r.StatusCode)
	}
	r = b.caAction("s-active", "suspend", url.Values{"reason": {"密码机检修"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("suspend: %d %s", r.StatusCode, plain(r.Body))
	}
	page := b.get("/ca/seals/s-active")
	if !strings.Contains(page.Body, `id="seal-status">已暂停`) || !strings.Contains(plain(page.Body), admin1+" 暂停使用：密码机检修") ||
		!strings.Contains(page.Body, `id="resume"`) || strings.Contains(page.Body, `id="suspend"`) {
		t.Fatalf("suspended page:\n%s", plain(page.Body))
	}
	if r := b.caAction("s-active", "resume", nil); r.StatusCode != http.StatusSeeOther || fake.seals["s-active"].Status != model.SealActive {
		t.Fatalf("resume: %d", r.StatusCode)
	}
	// Resuming an active seal is a conflict.
	if r := b.caAction("s-active", "resume", nil); r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "不允许恢复") {
		t.Fatalf("resume active: %d", r.StatusCode)
	}
	// Revocation takes a reason from the list only.
	page = b.get("/ca/seals/s-active")
	for _, rr := range RevocationReasons {
		if !strings.Contains(page.Body, `<option value="`+rr.Name+`">`) {
			t.Errorf("revocation reason %s not offered", rr.Name)
		}
	}
	if r := b.caAction("s-active", "revoke", url.Values{"reason": {"certificateHold"}}); r.StatusCode != http.StatusBadRequest ||
		!strings.Contains(r.Body, "请从列表中选择撤销原因。") {
		t.Fatalf("revoke with a reason not offered: %d", r.StatusCode)
	}
	if r := b.caAction("s-active", "revoke", url.Values{"reason": {"keyCompromise"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", r.StatusCode, plain(r.Body))
	}
	if got := fake.seals["s-active"]; got.Status != model.SealRevoked || got.StatusReason != "keyCompromise" {
		t.Fatalf("revoked seal %+v", got)
	}
	page = b.get("/ca/seals/s-active?done=revoke")
	if !strings.Contains(plain(page.Body), admin1+" 撤销印章：密钥泄露") || strings.Contains(page.Body, `id="actions"`) {
		t.Fatalf("revoked page:\n%s", plain(page.Body))
	}
	// Rejection of a request, with its reason.
	if r := b.caAction("s-requested", "reject", url.Values{"reason": {"材料不全"}}); r.StatusCode != http.StatusSeeOther ||
		fake.seals["s-requested"].StatusReason != "材料不全" {
		t.Fatalf("reject: %d", r.StatusCode)
	}
	// Unknown seal and unknown action.
	if r := b.caAction("s-p256", "revoke", nil); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("revoke without reason: %d", r.StatusCode)
	}
	tok := b.csrf("/ca/seals")
	if r := b.post("/ca/seals/nope/resume", url.Values{"csrf": {tok}}); r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "没有找到该印章。") {
		t.Fatalf("unknown seal: %d", r.StatusCode)
	}
	if r := b.get("/ca/seals/nope"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("GET unknown seal: %d", r.StatusCode)
	}
	if r := b.post("/ca/seals/s-p256/destroy", url.Values{"csrf": {tok}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown action: %d", r.StatusCode)
	}
}

func TestCAFormsNeedCSRF(t *testing.T) {
	fake := newFakeCA()
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	b := e.browser()
	b.mustLogin(admin2, admin2PW)
	b.get("/ca") // the browser has its CSRF cookie
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"/ca/seals", url.Values{"name": {"业务专用章"}, "alg": {"sm2"}}},
		{"/ca/seals/s-requested/approve", url.Values{}},
		{"/ca/seals/s-active/revoke", url.Values{"reason": {"keyCompromise"}, "csrf": {"00" + strings.Repeat("ab", 31)}}},
	} {
		r := b.post(c.path, c.form)
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "页面已过期") {
			t.Errorf("POST %s without a valid token: %d", c.path, r.StatusCode)
		}
	}
	// Another browser's token does not fit this browser's cookie.
	other := e.browser()
	other.mustLogin(admin1, admin1PW)
	stolen := other.csrf("/ca/seals/s-requested")
	if r := b.post("/ca/seals/s-requested/approve", url.Values{"csrf": {stolen}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("another browser's token: %d", r.StatusCode)
	}
	if n := fake.callCount(); n != 0 {
		t.Fatalf("service called without CSRF: %v", fake.calls)
	}
}

func TestCARequestFormErrors(t *testing.T) {
	fake := newFakeCA()
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	b := e.browser()
	b.mustLogin(admin1, admin1PW)
	cases := []struct {
		name   string
		form   url.Values
		status int
		msg    string
	}{
		{"empty name", url.Values{"name": {" "}, "alg": {"sm2"}}, 400, "请填写印章名称。"},
		{"service refuses alg", url.Values{"name": {"业务专用章"}, "alg": {"rsa"}}, 400, "申请内容不符合要求"},
		{"name too long for the service", url.Values{"name": {strings.Repeat("章", 21)}, "alg": {"sm2"}}, 400, "申请内容不符合要求"},
		{"note too long", url.Values{"name": {"业务专用章"}, "alg": {"sm2"}, "note": {strings.Repeat("长", 501)}}, 400, "申请内容过长"},
		{"unknown seal replaced", url.Values{"name": {"业务专用章"}, "alg": {"sm2"}, "replaces": {"s-none"}}, 404, "要替换的印章不存在"},
		{"revoked seal replaced", url.Values{"name": {"业务专用章"}, "alg": {"sm2"}, "replaces": {"s-revoked"}}, 409, "只能替换启用或已暂停的印章"},
		{"other algorithm", url.Values{"name": {"业务专用章"}, "alg": {"sm2"}, "replaces": {"s-p256"}}, 400, "算法须与原印章相同"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.form.Set("csrf", b.csrf("/ca/seals/new"))
			r := b.post("/ca/seals", c.form)
			if r.StatusCode != c.status || !strings.Contains(r.Body, c.msg) || !strings.Contains(r.Body, `action="/ca/seals"`) {
				t.Fatalf("%d, want %d with %q:\n%s", r.StatusCode, c.status, c.msg, plain(r.Body))
			}
			// What was typed is kept.
			if n := c.form.Get("name"); strings.TrimSpace(n) != "" && len(n) < 60 && !strings.Contains(r.Body, `value="`+strings.TrimSpace(n)+`"`) {
				t.Error("the form lost the name")
			}
		})
	}
	// The replaced seal is preselected, with its name and algorithm, when
	// coming from its page; only active and suspended seals are offered.
	r := b.get("/ca/seals/new?replaces=s-p256")
	if !strings.Contains(r.Body, `<option value="s-p256" selected>`) || !strings.Contains(r.Body, `<option value="p256" selected>`) ||
		!strings.Contains(r.Body, `value="公章"`) {
		t.Fatal("replaced seal not preselected")
	}
	if !strings.Contains(r.Body, `<option value="s-suspended">`) || strings.Contains(r.Body, `<option value="s-revoked"`) {
		t.Fatal("replaceable seals wrong")
	}
}

// TestCAServiceErrorsMapped: each error kind of the service becomes its
// status with the portal's message, on the pages and in the API.
func TestCAServiceErrorsMapped(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("app: %w", model.ErrForbidden), 403, "forbidden"},
		{fmt.Errorf("app: %w", model.ErrConflict), 409, "conflict"},
		{fmt.Errorf("app: %w", model.ErrInvalid), 400, "bad_request"},
		{fmt.Errorf("app: %w", model.ErrNotFound), 404, "not_found"},
		{errors.New("app: disk on fire"), 500, "internal"},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			fake := newFakeCA()
			e := newCAEnv(t, fake)
			b := e.browser()
			b.mustLogin(admin1, admin1PW)
			tok := b.csrf("/ca/seals/new")
			fake.fail = c.err
			if r := b.get("/ca/seals"); r.StatusCode != c.status {
				t.Errorf("GET /ca/seals: %d", r.StatusCode)
			}
			if r := b.post("/ca/seals/x/resume", url.Values{"csrf": {tok}}); r.StatusCode != c.status {
				t.Errorf("POST resume: %d", r.StatusCode)
			}
			if r := b.get("/api/v1/ca/seals"); r.StatusCode != c.status || !strings.Contains(r.Body, `"code":"`+c.code+`"`) {
				t.Errorf("API: %d %s", r.StatusCode, r.Body)
			}
			if strings.Contains(b.get("/ca/certificates").Body, "disk on fire") {
				t.Error("the cause leaks")
			}
		})
	}
}

func TestCASealPicture(t *testing.T) {
	fake := newFakeCA()
	fake.sealDER = v4SESeal(t)
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	if _, err := fake.RequestSeal(t.Context(), admin1, SealRequest{Name: "档案专用章", Alg: "sm2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.ApproveSeal(t.Context(), admin2, "seal-0001"); err != nil {
		t.Fatal(err)
	}
	want, err := seal.Parse(fake.sealDER)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.mustLogin(admin1, admin1PW)
	page := b.get("/ca/seals/seal-0001")
	if !strings.Contains(page.Body, `<img class="seal-picture" src="/ca/seals/seal-0001/picture" alt="档案专用章的印模" width="160">`) {
		t.Fatalf("seal page lacks the picture:\n%s", section(page.Body, "seseal"))
	}
	r := b.get("/ca/seals/seal-0001/picture")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || r.Body != string(want.Info.Picture.Data) ||
		!strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("picture: %d %q %d bytes", r.StatusCode, r.Header.Get("Content-Type"), len(r.Body))
	}
	// A seal without an SESeal (not yet approved) has no picture.
	if r := b.get("/ca/seals/s-requested/picture"); r.StatusCode != 404 || strings.Contains(b.get("/ca/seals/s-requested").Body, "seal-picture") {
		t.Fatalf("requested seal picture: %d", r.StatusCode)
	}
	citizen := e.browser()
	citizen.mustLogin(zhangID, zhangPW)
	if r := citizen.get("/ca/seals/seal-0001/picture"); r.StatusCode != 403 {
		t.Fatalf("citizen: %d", r.StatusCode)
	}
}

func TestCAAdminLandsOnCA(t *testing.T) {
	e := newCAEnv(t, newFakeCA())
	if r := e.browser().login(admin1, admin1PW); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/ca" {
		t.Fatalf("login without next: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	b := e.browser()
	tok := b.csrf("/login?next=/ca/certificates")
	r := b.post("/login", url.Values{"csrf": {tok}, "login": {admin1}, "password": {admin1PW}, "next": {"/ca/certificates"}})
	if r.Header.Get("Location") != "/ca/certificates" {
		t.Fatalf("login with next: %q", r.Header.Get("Location"))
	}
	if r := e.browser().login(zhangID, zhangPW); r.Header.Get("Location") != "/me/documents" {
		t.Fatalf("citizen lands on %q", r.Header.Get("Location"))
	}
}
