package portal

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sihub/internal/testutil"
	"sihub/model"
	"sihub/signer"
	"sihub/verifier"
)

// fileVerifier calls a file valid unless it contains "tampered"; then the
// file was changed after sealing. The report carries the code the file
// names after "code=" (as /SihubCode would).
type fileVerifier struct{}

func (fileVerifier) Verify(_ context.Context, pdf []byte) *verifier.Report {
	signed := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	rep := &verifier.Report{
		Valid: true,
		Signatures: []verifier.SignatureReport{{
			Algorithm: "SM2-SM3", Signer: "社会保险经办机构 业务专用章", Issuer: "sihub Issuing CA",
			IntegrityValid: true, CoversWholeDocument: true, ChainTrusted: true, Revocation: verifier.RevocationGood,
			SignedAt: &signed, Level: "B-T", Valid: true, Errors: []verifier.Problem{},
			RevocationSource: verifier.RevocationSourceRegistry,
			Timestamp:        &verifier.TimestampReport{GenTime: signed.Add(5 * time.Second), TSA: "sihub TSA", Valid: true},
			Seal:             &verifier.SealReport{Name: "业务专用章", Status: model.SealActive},
		}},
		Document:  verifier.DocumentReport{RegistryStatus: verifier.RegistryNotChecked, SHA256: "feed"},
		Errors:    []verifier.Problem{},
		Revisions: []verifier.RevisionReport{{Index: 0, EndOffset: 900, Signatures: []int{0}, Changes: []verifier.ChangeReport{}}},
	}
	if _, c, ok := strings.Cut(string(pdf), "code="); ok {
		rep.Document.Code = strings.Fields(c)[0]
		rep.Document.RegistryStatus = verifier.RegistryValid
	}
	if strings.Contains(string(pdf), "tampered") {
		rep.Valid = false
		s := &rep.Signatures[0]
		s.Valid, s.CoversWholeDocument, s.ModifiedAfterSigning = false, false, true
		s.Errors = []verifier.Problem{{Code: verifier.ReasonModifiedAfterSigning, Message: "revision 2 changed objects 5"}}
		rep.Revisions = append(rep.Revisions, verifier.RevisionReport{Index: 1, EndOffset: 1200, Signatures: []int{},
			Changes: []verifier.ChangeReport{{Object: 5, Kind: verifier.ChangePageContent, Action: "modified", Reason: "page content"}}})
	}
	return rep
}

// fakeReports records the report requests and answers with a fake PDF.
type fakeReports struct {
	mu   sync.Mutex
	reqs []signer.VerificationReportRequest
}

func (f *fakeReports) IssueVerificationReport(_ context.Context, req signer.VerificationReportRequest) (*signer.Issued, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	d := model.Document{Code: "REPORT00000000000" + string(rune('A'+len(f.reqs))), Number: "HYBG-2026-00000001", Kind: signer.KindVerificationReport}
	return &signer.Issued{Document: d, PDF: []byte("%PDF-1.7 report " + req.Verdict)}, nil
}

func (f *fakeReports) last() signer.VerificationReportRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs[len(f.reqs)-1]
}

// reportEnv is the portal with a verifier of stored and uploaded files, a
// report issuer, and a withdrawn document with a recorded reason.
func reportEnv(t *testing.T) (*env, *fakeReports) {
	t.Helper()
	rep := &fakeReports{}
	e := newEnv(t, func(c *Config, d *Deps) {
		d.Verifier = fileVerifier{}
		d.Reports = rep
	})
	day := 24 * time.Hour
	e.docs.put(model.Document{Code: "9999998888887777WX", Number: "CB2026000004", Kind: signer.KindInsuranceCertificate,
		Subject: liID, SubjectName: liName, IssuedAt: t0.Add(-day), ValidUntil: t0.Add(89 * day),
		Status: model.DocWithdrawn, StatusReason: "信息有误"}, []byte("%PDF-1.7 withdrawn"))
	return e, rep
}

var verdictLineRE = regexp.MustCompile(`<p class="verdict-line">([^<]*)</p>`)

func verdictLine(t *testing.T, body string) string {
	t.Helper()
	m := verdictLineRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no verdict line in\n%s", body)
	}
	return m[1]
}

// TestReportVerdicts opens each verdict class in both languages: a valid
// code, a file modified after sealing (upload), a superseded and a
// withdrawn code, and an unknown code.
func TestReportVerdicts(t *testing.T) {
	e, _ := reportEnv(t)
	cases := []struct {
		name, lang, path string
		upload           []byte
		status           int
		key, line        string
		more             []string
	}{
		{"valid", "zh", "/v/" + validCode, nil, 200, verdictTrusted,
			"可以信任：这份参保证明由社会保险经办机构签发，未被篡改，印章有效",
			[]string{"张*", "110105********1239", "业务专用章", "PAdES B-T（带可信时间戳）", "可信时间戳证明签章时间为 2026-11-27 10:00:05", "（时间戳机构：sihub TSA）", "证书吊销状态：未被吊销（依据：本机构的证书登记）", "第 1 版（文件前 900 字节）", "印章 1 在这一版盖上", "下载核验报告（PDF）"}},
		{"valid", "en", "/v/" + validCode, nil, 200, verdictTrusted,
			"Trust it: this Social Insurance Certificate (Individual) was issued by 社会保险经办机构, has not been altered, and its seal is valid",
			[]string{"Holder", "110105********1239", "Seal name", "PAdES B-T (with a trusted timestamp)", "Certificate revocation: Not revoked (from the agency&#39;s certificate registry)", "authority: sihub TSA", "Revision 1 (first 900 bytes of the file)", "Download the verification report (PDF)"}},
		{"modified", "zh", "/verify", []byte("%PDF-1.7 tampered code=" + validCode), 200, verdictModified,
			"不要信任：文件在盖章后被修改",
			[]string{"盖章后文件又被修改过。", "盖章后文件被修改过", "页面内容 修改 #5（不允许的改动）", "文件 SHA-256"}},
		{"modified", "en", "/verify", []byte("%PDF-1.7 tampered code=" + validCode), 200, verdictModified,
			"Do not trust it: the file was changed after it was sealed",
			[]string{"The file was changed after it was sealed.", "page content modified #5 (change not allowed)", "File SHA-256"}},
		{"superseded", "zh", "/v/" + oldCode, nil, 200, verdictSuperseded,
			"已被新证明取代（新证明于 2026-11-27 开具）", []string{"请持有人提供最新开具的文书"}},
		{"superseded", "en", "/v/" + oldCode, nil, 200, verdictSuperseded,
			"Replaced by a newer document (issued on 27 November 2026)", []string{"Ask the holder for the latest document"}},
		{"withdrawn", "zh", "/v/9999998888887777WX", nil, 200, verdictWithdrawn,
			"已撤回（原因：信息有误）", []string{"已撤回（信息有误）", "李*丰"}},
		{"withdrawn", "en", "/v/9999998888887777WX", nil, 200, verdictWithdrawn,
			"Withdrawn (reason: 信息有误)", []string{"Withdrawn (信息有误)", "Do not rely on this document."}},
		{"unknown code", "zh", "/v/Z9Z9Z9Z9Z9Z9Z9Z9Z9", nil, 404, verdictUnknown,
			"无法核验：没有找到这个防伪码", []string{"重新输入防伪码"}},
		{"unknown code", "en", "/v/Z9Z9Z9Z9Z9Z9Z9Z9Z9", nil, 404, verdictUnknown,
			"Cannot be verified: no document has this code", []string{"Enter the code again"}},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.lang, func(t *testing.T) {
			b := e.browser()
			var r resp
			if c.upload != nil {
				tok := b.csrf("/verify")
				r = b.upload("/verify?lang="+c.lang, map[string]string{"csrf": tok}, c.upload)
			} else {
				r = b.get(c.path + "?lang=" + c.lang)
			}
			if r.StatusCode != c.status {
				t.Fatalf("status %d, want %d", r.StatusCode, c.status)
			}
			if got := verdictLine(t, r.Body); got != c.line {
				t.Errorf("verdict line %q, want %q", got, c.line)
			}
			if !strings.Contains(r.Body, `data-verdict="`+c.key+`"`) || !strings.Contains(r.Body, verdictClass[c.key]) {
				t.Errorf("verdict class %s missing", c.key)
			}
			for _, want := range c.more {
				if !strings.Contains(r.Body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			other, _ := otherLang(c.lang)
			if !strings.Contains(r.Body, "lang="+other) {
				t.Errorf("no toggle to %s", other)
			}
			for _, leak := range []string{zhangName, zhangID, liName} {
				if strings.Contains(r.Body, leak) {
					t.Errorf("page shows unmasked %q", leak)
				}
			}
		})
	}
}

func TestReportLanguageChoice(t *testing.T) {
	e, _ := reportEnv(t)
	get := func(b *browser, path, accept string) string {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		return verdictLine(t, b.do(req).Body)
	}
	zh, en := "可以信任：", "Trust it:"
	b := e.browser()
	if got := get(b, "/v/"+validCode, ""); !strings.HasPrefix(got, zh) {
		t.Errorf("default: %q", got)
	}
	if got := get(b, "/v/"+validCode, "en-GB,en;q=0.9,zh;q=0.5"); !strings.HasPrefix(got, en) {
		t.Errorf("Accept-Language en: %q", got)
	}
	// The toggle wins over Accept-Language and is remembered.
	if got := get(b, "/v/"+validCode+"?lang=zh", "en"); !strings.HasPrefix(got, zh) {
		t.Errorf("toggle zh: %q", got)
	}
	if got := get(b, "/v/"+validCode, "en"); !strings.HasPrefix(got, zh) {
		t.Errorf("remembered zh: %q", got)
	}
	if got := get(b, "/v/"+validCode+"?lang=en", ""); !strings.HasPrefix(got, en) {
		t.Errorf("toggle en: %q", got)
	}
	if got := get(b, "/v/"+validCode, "zh-CN"); !strings.HasPrefix(got, en) {
		t.Errorf("remembered en: %q", got)
	}
}

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"":                               langZH,
		"en":                             langEN,
		"en-US,en;q=0.9":                 langEN,
		"zh-CN,zh;q=0.9,en;q=0.8":        langZH,
		"fr-FR,en;q=0.5,zh;q=0.4":        langEN,
		"fr,de":                          langZH,
		"zh;q=0.2,en;q=0.8":              langEN,
		"en;q=0,zh-TW":                   langZH,
		"en;q=bogus":                     langZH,
		"EN-gb":                          langEN,
		strings.Repeat("x,", 500) + "en": langZH, // past the cap
	} {
		if got := acceptLanguage(h); got != want {
			t.Errorf("acceptLanguage(%.40q) = %s, want %s", h, got, want)
		}
	}
}

func TestReportPDFForCode(t *testing.T) {
	e, rep := reportEnv(t)
	b := e.browser()
	page := b.get("/v/" + validCode + "?lang=en")
	line := verdictLine(t, page.Body)
	if !strings.Contains(page.Body, `href="/v/`+validCode+`/report.pdf?lang=en"`) {
		t.Fatalf("no report link on the page")
	}
	r := b.get("/v/" + validCode + "/report.pdf?lang=en")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("report: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	req := rep.last()
	if req.Lang != langEN || req.Verdict != line || req.Checked != validCode || req.Title != "Verification Report" ||
		len(req.Signatures) != 1 || req.Revisions == nil || len(req.NextSteps) == 0 || req.Actor != "anonymous" {
		t.Fatalf("request: %+v", req)
	}
	if !hasPair(req.Document.Pairs, "Document number", "CB2026000001") || !hasPair(req.Signatures[0].Pairs, "Seal name", "业务专用章") {
		t.Errorf("report content: %+v", req)
	}
	// The same check on the same day has the same key; another language
	// is another report.
	b.get("/v/" + validCode + "/report.pdf?lang=en")
	b.get("/v/" + validCode + "/report.pdf?lang=zh")
	if len(rep.reqs) != 3 || rep.reqs[0].IdempotencyKey != rep.reqs[1].IdempotencyKey || rep.reqs[1].IdempotencyKey == rep.reqs[2].IdempotencyKey ||
		rep.reqs[2].Verdict != "可以信任：这份参保证明由社会保险经办机构签发，未被篡改，印章有效" {
		t.Fatalf("keys: %+v", rep.reqs)
	}
	e.clock.Advance(24 * time.Hour)
	b.get("/v/" + validCode + "/report.pdf?lang=zh")
	if rep.reqs[3].IdempotencyKey == rep.reqs[2].IdempotencyKey {
		t.Error("the next day reuses the report")
	}
	if got := e.audit.find(actionVerifyReport, "ok"); len(got) != 4 || got[0].Object != validCode {
		t.Errorf("audit: %+v", got)
	}
	if r := b.get("/v/Z9Z9Z9Z9Z9Z9Z9Z9Z9/report.pdf"); r.StatusCode != 404 || len(rep.reqs) != 4 {
		t.Errorf("unknown code: %d", r.StatusCode)
	}
	// Without a report issuer the page has the button but the download
	// says the service is unavailable.
	plain := newEnv(t)
	if r := plain.browser().get("/v/" + validCode + "/report.pdf"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("without issuer: %d", r.StatusCode)
	}
}

var resultLinkRE = regexp.MustCompile(`href="/verify/result/([0-9a-f]{32})/report\.pdf\?lang=(zh|en)"`)

func TestReportPDFForUpload(t *testing.T) {
	e, rep := reportEnv(t)
	b := e.browser()
	tok := b.csrf("/verify")
	r := b.upload("/verify", map[string]string{"csrf": tok}, []byte("%PDF-1.7 tampered code="+validCode))
	m := resultLinkRE.FindStringSubmatch(r.Body)
	if m == nil || m[2] != langZH {
		t.Fatalf("no report link:\n%s", r.Body)
	}
	id := m[1]
	// The result page in English, from the cache.
	en := b.get("/verify/result/" + id + "?lang=en")
	if en.StatusCode != 200 || verdictLine(t, en.Body) != "Do not trust it: the file was changed after it was sealed" {
		t.Fatalf("english result: %d\n%s", en.StatusCode, en.Body)
	}
	pdf := b.get("/verify/result/" + id + "/report.pdf?lang=en")
	if pdf.StatusCode != 200 || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("report: %d %s", pdf.StatusCode, pdf.Body)
	}
	req := rep.last()
	if req.Checked != "sha256:feed" || req.Lang != langEN || req.Verdict != "Do not trust it: the file was changed after it was sealed" ||
		req.Revisions == nil || len(req.Revisions.Rows) != 2 || !strings.Contains(req.Revisions.Rows[1][2], "page content modified #5") {
		t.Fatalf("request: %+v", req)
	}
	if r := b.get("/verify/result/" + strings.Repeat("0", 32) + "/report.pdf"); r.StatusCode != 404 {
		t.Errorf("unknown id: %d", r.StatusCode)
	}
	// Results are kept for 30 minutes only.
	e.clock.Advance(resultTTL + time.Second)
	if r := b.get("/verify/result/" + id); r.StatusCode != 404 || !strings.Contains(r.Body, "请重新上传文件") {
		t.Errorf("expired result: %d", r.StatusCode)
	}
}

func TestResultCacheIsBounded(t *testing.T) {
	c := &clock{t: t0}
	rc := newResultCache(c.Now)
	first := rc.put(&verifier.Report{})
	for range resultEntries {
		rc.put(&verifier.Report{})
	}
	if _, ok := rc.get(first); ok || len(rc.m) != resultEntries || len(rc.order) != resultEntries {
		t.Fatalf("cache holds %d (%d ordered); first kept: %v", len(rc.m), len(rc.order), ok)
	}
}

func hasPair(ps [][2]string, k, v string) bool {
	for _, p := range ps {
		if p[0] == k && p[1] == v {
			return true
		}
	}
	return false
}

// constsOf lists the names and values of the string constants declared in
// a file of package verifier whose names start with prefix.
func constsOf(t *testing.T, file, prefix string) map[string]string {
	t.Helper()
	path := filepath.Join(testutil.RepoRoot(t), "verifier", file)
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !strings.HasPrefix(n.Name, prefix) || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					out[n.Name] = strings.Trim(lit.Value, "\"`")
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s constants in %s", prefix, path)
	}
	return out
}

// TestEveryReasonHasSentences reads the Reason constants from
// verifier/reason.go, so a new reason without sentences fails here.
func TestEveryReasonHasSentences(t *testing.T) {
	for name, code := range constsOf(t, "reason.go", "Reason") {
		s, ok := reasonSentences[verifier.Reason(code)]
		if !ok || s[0] == "" || s[1] == "" {
			t.Errorf("%s (%s) lacks a sentence: %q", name, code, s)
			continue
		}
		if ReasonText(verifier.Reason(code)) != s[0] || reasonSentence(verifier.Reason(code), langEN) != s[1] {
			t.Errorf("%s: lookups disagree with the table", name)
		}
	}
	if got := reasonSentence("brand_new", langZH); got != "检查未通过：brand_new" {
		t.Errorf("unknown reason zh: %q", got)
	}
	if got := reasonSentence("brand_new", langEN); got != "Check failed: brand_new" {
		t.Errorf("unknown reason en: %q", got)
	}
}

func TestEveryChangeKindHasNames(t *testing.T) {
	for name, kind := range constsOf(t, "report.go", "Change") {
		n, ok := changeKindNames[kind]
		if !ok || n[0] == "" || n[1] == "" {
			t.Errorf("%s (%s) lacks names", name, kind)
		}
	}
}

// TestWordsComplete: every text of the pages exists in both languages,
// and the formats take the same arguments.
func TestWordsComplete(t *testing.T) {
	zh, en := reflect.ValueOf(wordsZH), reflect.ValueOf(wordsEN)
	verb := regexp.MustCompile(`%[sd]`)
	for i := range zh.NumField() {
		f := zh.Type().Field(i)
		switch f.Type.Kind() {
		case reflect.String:
			a, b := zh.Field(i).String(), en.Field(i).String()
			if a == "" || b == "" {
				t.Errorf("%s: %q / %q", f.Name, a, b)
			}
			if strings.Join(verb.FindAllString(a, -1), "") != strings.Join(verb.FindAllString(b, -1), "") {
				t.Errorf("%s: formats differ: %q / %q", f.Name, a, b)
			}
		case reflect.Slice:
			if zh.Field(i).Len() == 0 || zh.Field(i).Len() != en.Field(i).Len() {
				t.Errorf("%s: %d / %d items", f.Name, zh.Field(i).Len(), en.Field(i).Len())
			}
		}
	}
}

// FuzzAcceptLanguage: any header gives one of the two languages, without
// panicking.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "en", "zh-CN,zh;q=0.9,en;q=0.8", "en;q=0,zh-TW", "en;q=bogus", "*;q=0.5", ";;,,;q=", "en;q=1e309"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if got := acceptLanguage(h); got != langZH && got != langEN {
			t.Fatalf("acceptLanguage(%q) = %q", h, got)
		}
	})
}

func TestChangesAreGrouped(t *testing.T) {
	cs := []verifier.ChangeReport{
		{Object: 1, Kind: verifier.ChangeCatalog, Action: "modified", Allowed: true},
		{Object: 15, Kind: verifier.ChangeDSS, Action: "added", Allowed: true},
		{Object: 14, Kind: verifier.ChangeDSS, Action: "added", Allowed: true},
		{Object: 9, Kind: verifier.ChangePageContent, Action: "modified"},
		{Object: 21, Kind: verifier.ChangeDSS, Action: "added", Allowed: true},
	}
	var got []string
	for _, g := range groupChanges(cs) {
		got = append(got, changeText(g, langZH, &wordsZH))
	}
	want := []string{"文档目录 修改 #1（允许的改动）", "长期验证数据（DSS） 新增 3 个对象（#14 至 #21）（允许的改动）", "页面内容 修改 #9（不允许的改动）"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if s := changeText(groupChanges(cs[1:3])[0], langEN, &wordsEN); s != "long-term validation data (DSS) added 2 objects (#14 to #15) (allowed change)" {
		t.Fatalf("english: %q", s)
	}
}

// TestVerdictFromReasons: failed checks other than modification make the
// file "invalid" with the first reason; checks that could not run make it
// "unknown"; a valid file past its validity is "expired".
func TestVerdictFromReasons(t *testing.T) {
	until := t0.Add(-time.Hour)
	for _, tc := range []struct {
		reason  verifier.Reason
		until   *time.Time
		key     string
		line    string
		valid   bool
		english string
	}{
		{verifier.ReasonChainUntrusted, nil, verdictInvalid, "不要信任：签章证书不是由受信任的机构签发的", false,
			"Do not trust it: the seal certificate was not issued by a trusted authority"},
		{verifier.ReasonSealNotActive, nil, verdictInvalid, "不要信任：印章已被暂停、吊销或过期，不能再用于盖章", false, ""},
		{verifier.ReasonRegistryUnavailable, nil, verdictUnknown, "无法核验：暂时无法查询登记系统，请稍后再试", false, ""},
		{verifier.ReasonMalformedPDF, nil, verdictUnknown, "无法核验：文件不是有效的 PDF，或文件结构已损坏", false, ""},
		{verifier.ReasonObjStmShadow, nil, verdictModified, "不要信任：文件在盖章后被修改", false, ""},
		{"", &until, verdictExpired, "已过有效期：这份参保证明的有效期至 " + fmtDate(until), true, ""},
	} {
		rep := &verifier.Report{Valid: tc.valid, Document: verifier.DocumentReport{Kind: signer.KindInsuranceCertificate,
			RegistryStatus: verifier.RegistryValid, ValidUntil: tc.until, Code: validCode}}
		if tc.reason != "" {
			rep.Errors = []verifier.Problem{{Code: tc.reason}}
		}
		p := buildReport(reportInput{lang: langZH, agency: "机构", now: t0, rep: rep})
		if p.Verdict.Key != tc.key || p.Verdict.Line != tc.line || p.Verdict.OK {
			t.Errorf("%s: %+v", tc.reason, p.Verdict)
		}
		if tc.english != "" {
			if p := buildReport(reportInput{lang: langEN, agency: "x", now: t0, rep: rep}); p.Verdict.Line != tc.english {
				t.Errorf("%s in English: %q", tc.reason, p.Verdict.Line)
			}
		}
	}
}

func TestHeadDoesNotIssueReport(t *testing.T) {
	e, rep := reportEnv(t)
	req, _ := http.NewRequest("HEAD", e.srv.URL+"/v/"+validCode+"/report.pdf", nil)
	r := e.browser().do(req)
	if r.StatusCode != 200 || len(rep.reqs) != 0 {
		t.Fatalf("HEAD: %d, %d reports issued", r.StatusCode, len(rep.reqs))
	}
}
