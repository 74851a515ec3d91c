package portal

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"sihub/hsm"
	"sihub/model"
	"sihub/signer"
	"sihub/signer/render"
)

type documentRow struct {
	model.Document
	Verdict   verdict
	Highlight bool
}

type documentsPage struct {
	HolderName string
	Subject    string
	Documents  []documentRow
	Issued     *model.Document
	CanIssue   bool
	Forms      []issueForm
}

// maxDocumentsShown bounds the list rendered on one page.
const maxDocumentsShown = 200

func (s *server) handleMyDocuments(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	subject := se.subject()
	if subject == "" {
		return userErr(ErrForbidden, "您的账号没有可查看的个人或单位文书。", nil)
	}
	docs, err := s.deps.Documents.DocumentsBySubject(r.Context(), subject)
	if err != nil {
		return err
	}
	if len(docs) > maxDocumentsShown {
		docs = docs[:maxDocumentsShown]
	}
	issuedCode := NormalizeCode(r.URL.Query().Get("issued"))
	page := documentsPage{HolderName: se.Name, Subject: subject}
	if s.deps.Issuer != nil {
		if page.Forms, err = s.issueForms(r.Context(), se); err != nil {
			return err
		}
	}
	page.CanIssue = len(page.Forms) > 0
	now := s.cfg.Now()
	for i := range docs {
		row := documentRow{Document: docs[i], Verdict: documentVerdict(docs[i], now)}
		if issuedCode != "" && docs[i].Code == issuedCode {
			row.Highlight = true
			page.Issued = &docs[i]
		}
		page.Documents = append(page.Documents, row)
	}
	s.render(w, r, http.StatusOK, "documents", "我的证明", page)
	return nil
}

func newIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var idempotencyKeyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{32}$`) })

// handleIssue asks the signer for a new document for the session's
// subject: one of the kinds its role may request, with the language,
// year, country and posting period the form chose (each checked against
// what the kind offers and the person's records). The form's idempotency
// key (scoped to the subject, the kind and the choices) makes a double
// submission return the first document.
func (s *server) handleIssue(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return userErr(ErrBadRequest, "", err)
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	kind := r.PostFormValue("kind")
	if !slices.Contains(issueKindsFor(se), kind) {
		s.audit(r, se.Login, actionIssueRequest, se.subject(), "denied", auditKind(kind))
		return userErr(ErrForbidden, "您的账号不能开具此类文书。", nil)
	}
	subject := se.subject()
	key := r.PostFormValue("idempotency_key")
	if !idempotencyKeyRE().MatchString(key) {
		s.audit(r, se.Login, actionIssueRequest, subject, "refused", kind+" stale form")
		return userErr(ErrBadRequest, "表单已失效，请刷新页面后重试。", nil)
	}
	if s.deps.Issuer == nil {
		return userErr(ErrUnavailable, "开具服务暂不可用，请稍后再试。", nil)
	}
	choices, err := s.parseIssueChoices(r.Context(), se, kind, r.PostFormValue)
	if err != nil {
		s.audit(r, se.Login, actionIssueRequest, subject, "refused", kind+" "+choicesDetail(choices))
		return err
	}
	issued, err := s.deps.Issuer.Issue(r.Context(), signer.IssueRequest{
		Kind:           kind,
		Subject:        subject,
		Lang:           choices.Lang,
		Year:           choices.Year,
		Country:        choices.Country,
		PostedFrom:     choices.PostedFrom,
		PostedTo:       choices.PostedTo,
		IdempotencyKey: idempotencyScope(subject, key, kind, choices),
		Actor:          se.Login,
	})
	if err != nil {
		s.metrics.issued.WithLabelValues(kind, "failed").Inc()
		s.audit(r, se.Login, actionIssueRequest, subject, "failed", kind+" "+choicesDetail(choices))
		var glyph *render.MissingGlyphError
		switch {
		case errors.As(err, &glyph):
			return userErr(ErrBadRequest, fmt.Sprintf("未能开具：记录中的字符“%c”（U+%04X）无法印制。请到经办机构窗口办理，由经办人员核实用字。", glyph.Rune, glyph.Rune), err)
		case errors.Is(err, signer.ErrUnsupportedKind):
			return userErr(ErrUnavailable, "暂不支持在线开具此类文书，请到经办机构窗口办理。", err)
		case errors.Is(err, hsm.ErrDeviceUnavailable):
			return userErr(ErrUnavailable, "电子印章设备暂时无法使用，文书未开具，请稍后再试。", err)
		case errors.Is(err, signer.ErrNothingToState):
			return userErr(ErrBadRequest, "未能开具：所选年度及以前没有可记载的养老保险缴费记录。", err)
		case errors.Is(err, signer.ErrBadRequest) && kind == signer.KindOverseasExemption:
			return userErr(ErrBadRequest, "未能开具：您目前不在该协定所涵盖险种的正常缴费状态，或派遣期限超过协定允许的最长期限。请联系所在单位或经办机构核实。", err)
		case errors.Is(err, signer.ErrBadRequest) && kind == signer.KindBenefitDetails:
			return userErr(ErrBadRequest, "未能开具：所选期间没有待遇发放记录。", err)
		case errors.Is(err, signer.ErrBadRequest), errors.Is(err, model.ErrNotFound):
			return userErr(ErrBadRequest, "未能开具：没有找到开具所需的参保记录，或记录不完整。请联系经办机构核实。", err)
		}
		return fmt.Errorf("portal: issuing %s for %s: %w", kind, se.Login, err)
	}
	outcome := "ok"
	if issued.Existing {
		outcome = "ok-existing"
	}
	s.metrics.issued.WithLabelValues(kind, "ok").Inc()
	s.audit(r, se.Login, actionIssueRequest, issued.Document.Code, "ok", kind+" "+choicesDetail(choices)+" "+outcome)
	http.Redirect(w, r, "/me/documents?issued="+url.QueryEscape(issued.Document.Code), http.StatusSeeOther)
	return nil
}

// choicesDetail is the audit detail of a request's choices.
func choicesDetail(c issueChoices) string {
	d := "lang=" + c.Lang
	if c.Year != 0 {
		d += " year=" + strconv.Itoa(c.Year)
	}
	if c.Country != "" {
		d += " country=" + c.Country
	}
	if c.PostedFrom != "" || c.PostedTo != "" {
		d += " posted=" + c.PostedFrom + ".." + c.PostedTo
	}
	return d
}

// auditKind is a requested kind as the audit trail records it: a known
// kind's name, or "unknown" (the value is the client's).
func auditKind(kind string) string {
	if _, ok := kindNames[kind]; ok {
		return kind
	}
	return "unknown"
}

// handleDownload sends a document's PDF to its owner only; any other code
// is "not found", whether it exists or not.
func (s *server) handleDownload(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	code := NormalizeCode(pathParam(r, "code"))
	if code == "" {
		return model.ErrNotFound
	}
	doc, err := s.deps.Documents.DocumentByCode(r.Context(), code)
	if errors.Is(err, model.ErrNotFound) || (err == nil && (se.subject() == "" || doc.Subject != se.subject())) {
		s.audit(r, se.Login, actionDownload, code, "denied", "not found or not the owner")
		return model.ErrNotFound
	}
	if err != nil {
		return err
	}
	pdf, err := s.deps.Documents.DocumentPDF(r.Context(), doc.Code)
	if err != nil {
		return err
	}
	s.audit(r, se.Login, actionDownload, doc.Code, "ok", "")
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", contentDisposition(doc))
	h.Set("Content-Length", fmt.Sprint(len(pdf)))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(pdf)
	}
	return nil
}

// contentDisposition names the download "<中文类型>-<编号>.pdf", with an
// ASCII fallback for old clients (RFC 6266, RFC 8187).
func contentDisposition(d model.Document) string {
	number := safeFilePart(d.Number)
	if number == "" {
		number = safeFilePart(d.Code)
	}
	ascii := "sihub-" + safeFilePart(d.Kind) + "-" + number + ".pdf"
	utf := KindName(d.Kind) + "-" + number + ".pdf"
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(utf))
}

// safeFilePart keeps letters, digits, '-' and '_'.
func safeFilePart(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, s)
}
