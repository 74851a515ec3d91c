package portal

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"sihub/model"
)

type codeFormPage struct {
	Code  string
	Error string
}

// tokenCheck is the outcome of comparing a QR token with the registry.
type tokenCheck struct {
	OK       bool
	Message  string
	Mismatch []string // sentences naming the fields that differ
	// Fields are what the signed token vouches for, to compare with a
	// printed copy (only when its signature is valid).
	Fields []fact
}

// maxTokenLen bounds the ?t= value read from the query (qrtoken.MaxLen).
const maxTokenLen = 1024

// handleCodeForm shows the form; with ?code= it forwards to /v/{code}.
func (s *server) handleCodeForm(w http.ResponseWriter, r *http.Request) error {
	raw := r.URL.Query().Get("code")
	if raw == "" {
		s.render(w, r, http.StatusOK, "code_form", "防伪码验证", codeFormPage{})
		return nil
	}
	c := NormalizeCode(raw)
	if c == "" {
		s.render(w, r, http.StatusBadRequest, "code_form", "防伪码验证",
			codeFormPage{Code: raw, Error: "防伪码只包含字母和数字，请检查后重新输入。"})
		return nil
	}
	http.Redirect(w, r, "/v/"+url.PathEscape(c), http.StatusSeeOther)
	return nil
}

// lookup finds a document by a code as typed. Malformed and unknown codes
// are the same model.ErrNotFound.
func (s *server) lookup(r *http.Request, raw string) (model.Document, error) {
	c := NormalizeCode(raw)
	if c == "" {
		return model.Document{}, model.ErrNotFound
	}
	return s.deps.Documents.DocumentByCode(r.Context(), c)
}

// compareClaims lists the fields (keys of claimFieldNames) where the token
// and the registry differ. Holder fields are masked in the token; they
// match when every character the mask shows is the registry's.
func compareClaims(c QRClaims, d model.Document) []string {
	var out []string
	if NormalizeCode(c.Code) != d.Code {
		out = append(out, "code")
	}
	if c.Number != d.Number {
		out = append(out, "number")
	}
	if c.Kind != d.Kind {
		out = append(out, "kind")
	}
	if c.HolderName != "" && !maskedMatches(c.HolderName, d.SubjectName) {
		out = append(out, "holder_name")
	}
	if c.HolderID != "" && !maskedMatches(c.HolderID, d.Subject) {
		out = append(out, "holder_id")
	}
	if !sameSecond(c.IssuedAt, d.IssuedAt) {
		out = append(out, "issued_at")
	}
	if !sameSecond(c.ValidUntil, d.ValidUntil) {
		out = append(out, "valid_until")
	}
	return out
}

func sameSecond(a, b time.Time) bool {
	return a.Unix() == b.Unix()
}

// maskedMatches reports whether masked (with '*' for hidden characters)
// could have been made from full.
func maskedMatches(masked, full string) bool {
	m, f := []rune(masked), []rune(full)
	if len(m) != len(f) {
		return false
	}
	for i := range m {
		if m[i] != '*' && m[i] != f[i] {
			return false
		}
	}
	return true
}

// actor names the requester for the audit trail.
func (s *server) actor(r *http.Request) string {
	if se, ok := s.currentSession(r); ok {
		return se.Login
	}
	return "anonymous"
}

// codeReport looks a code up and builds its report page: the registry
// entry and, with a Verifier, the check of the stored file. Malformed and
// unknown codes give the same not-found page (status 404).
func (s *server) codeReport(r *http.Request, raw, lang string) (reportPage, *model.Document, int, error) {
	in := reportInput{lang: lang, agency: s.cfg.AgencyName, now: s.cfg.Now()}
	doc, err := s.lookup(r, raw)
	if errors.Is(err, model.ErrNotFound) {
		in.notFound = true
		return buildReport(in), nil, http.StatusNotFound, nil
	}
	if err != nil {
		return reportPage{}, nil, 0, err
	}
	in.doc = &doc
	if doc.Status == model.DocSuperseded && doc.SupersededBy != "" {
		if nd, err := s.deps.Documents.DocumentByCode(r.Context(), doc.SupersededBy); err == nil {
			in.replacement = &nd
		}
	}
	if s.deps.Verifier != nil {
		pdf, err := s.deps.Documents.DocumentPDF(r.Context(), doc.Code)
		if err != nil {
			// The registry answered; the page says what it knows.
			s.log.ErrorContext(r.Context(), "stored document unreadable", "request_id", requestID(r.Context()), "code", doc.Code, "err", err)
		} else {
			in.rep = s.deps.Verifier.Verify(r.Context(), pdf)
		}
	}
	return buildReport(in), &doc, http.StatusOK, nil
}

func (s *server) handleVerifyCode(w http.ResponseWriter, r *http.Request) error {
	raw := pathParam(r, "code")
	if err := s.limitLookup(r, raw); err != nil {
		return err
	}
	lang := s.pageLang(w, r)
	page, doc, status, err := s.codeReport(r, raw, lang)
	if err != nil {
		return err
	}
	page.Toggle, page.ToggleLabel = toggleLink(lang, r.URL.Query().Get("t"))
	if status == http.StatusNotFound {
		s.metrics.verified.WithLabelValues("code", "not_found").Inc()
		s.audit(r, s.actor(r), actionVerify, NormalizeCode(raw), "invalid", "code lookup: not found")
		s.render(w, r, status, "verify_code", page.W.TitleCode, page)
		return nil
	}
	code := doc.Code
	if t := r.URL.Query().Get("t"); t != "" {
		page.Token = s.checkToken(r, t, *doc, page.W)
	}
	page.ReportURL = "/v/" + url.PathEscape(code) + "/report.pdf?lang=" + lang
	// Metrics and audit keep the registry's view (valid, expired,
	// superseded, withdrawn); the page's verdict also weighs the file.
	reg := documentVerdict(*doc, s.cfg.Now()).Key
	s.metrics.verified.WithLabelValues("code", reg).Inc()
	s.audit(r, s.actor(r), actionVerify, code, "ok", "code lookup: "+reg+", verdict: "+page.Verdict.Key)
	s.render(w, r, status, "verify_code", page.W.TitleCode, page)
	return nil
}

// handleVerifyCodeReport sends the sealed verification report of a code,
// in the language of ?lang= (else the page's).
func (s *server) handleVerifyCodeReport(w http.ResponseWriter, r *http.Request) error {
	raw := pathParam(r, "code")
	if err := s.limitLookup(r, raw); err != nil {
		return err
	}
	page, _, status, err := s.codeReport(r, raw, s.pageLang(w, r))
	if err != nil {
		return err
	}
	if status == http.StatusNotFound {
		return model.ErrNotFound
	}
	return s.sendReportPDF(w, r, &page)
}

// toggleLink is the relative link to the same page in the other language.
// It names no code, so the not-found page stays the same for every code;
// a QR token is kept.
func toggleLink(lang, token string) (string, string) {
	other, label := otherLang(lang)
	q := url.Values{"lang": {other}}
	if token != "" && len(token) <= maxTokenLen {
		q.Set("t", token)
	}
	return "?" + q.Encode(), label
}

// checkToken verifies a QR token and compares what it vouches for with the
// registry entry. Without a QRChecker it says the token was not checked.
func (s *server) checkToken(r *http.Request, token string, doc model.Document, w *words) *tokenCheck {
	if s.deps.QRChecker == nil {
		return &tokenCheck{OK: false, Message: w.TokenOff}
	}
	if len(token) > maxTokenLen {
		return &tokenCheck{Message: w.TokenUnreadable}
	}
	c, err := s.deps.QRChecker.CheckToken(r.Context(), token)
	if err != nil {
		return &tokenCheck{Message: w.TokenForged}
	}
	fields := claimFacts(c, w)
	if mismatch := compareClaims(c, doc); len(mismatch) > 0 {
		names := make([]string, len(mismatch))
		for i, f := range mismatch {
			names[i] = fmt.Sprintf(w.TokenFieldMismatchF, named(claimFieldNames, f, w.lang()))
		}
		return &tokenCheck{Message: w.TokenMismatch, Mismatch: names, Fields: fields}
	}
	return &tokenCheck{OK: true, Message: w.TokenOK, Fields: fields}
}

// claimFacts lists what a QR token carries, in the order it is printed.
func claimFacts(c QRClaims, w *words) []fact {
	lang := w.lang()
	var fs []fact
	add := func(key, value string, mono bool) {
		if value != "" {
			fs = append(fs, fact{named(claimFieldNames, key, lang), value, mono})
		}
	}
	add("code", groupCode(NormalizeCode(c.Code)), true)
	add("number", c.Number, false)
	if c.Kind != "" {
		add("kind", kindIn(c.Kind, lang), false)
	}
	add("holder_name", c.HolderName, false)
	add("holder_id", c.HolderID, true)
	if !c.IssuedAt.IsZero() {
		add("issued_at", fmtDateTime(c.IssuedAt), false)
	}
	if !c.ValidUntil.IsZero() {
		add("valid_until", fmtDateLang(c.ValidUntil, lang), false)
	}
	return fs
}

// Fields a QR token is compared on, with their names.
var claimFieldNames = map[string][2]string{
	"code":        {"防伪码", "Code"},
	"number":      {"文书编号", "Document number"},
	"kind":        {"文书类型", "Document type"},
	"holder_name": {"持有人姓名", "Holder's name"},
	"holder_id":   {"证件号码", "ID number"},
	"issued_at":   {"开具时间", "Issued"},
	"valid_until": {"有效期", "Validity"},
}
