package portal

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"sihub/model"
)

type codeFormPage struct {
	Code  string
	Error string
}

type verifyCodePage struct {
	Verdict verdict
	Explain string
	Found   bool
	Doc     model.Document
	Token   *tokenCheck
}

// tokenCheck is the outcome of comparing a QR token with the registry.
type tokenCheck struct {
	OK       bool
	Message  string
	Mismatch []string // Chinese names of the fields that differ
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

var verdictExplain = map[string]string{
	"valid":      "该文书由本机构开具，登记状态有效。",
	"expired":    "该文书由本机构开具，但已超过有效期，请要求持有人重新开具。",
	"superseded": "该文书已被重新开具的文书替代，请要求持有人提供最新文书。",
	"withdrawn":  "该文书已被本机构撤回，不能再作为证明使用。",
	"notfound":   "未找到与该防伪码对应的文书。",
	"unknown":    "该文书的登记状态无法确认，请联系经办机构。",
}

func (s *server) handleVerifyCode(w http.ResponseWriter, r *http.Request) error {
	raw := pathParam(r, "code")
	if err := s.limitLookup(r, raw); err != nil {
		return err
	}
	doc, err := s.lookup(r, raw)
	if errors.Is(err, model.ErrNotFound) {
		s.metrics.verified.WithLabelValues("code", "not_found").Inc()
		s.audit(r, s.actor(r), actionVerify, NormalizeCode(raw), "invalid", "code lookup: not found")
		s.render(w, r, http.StatusNotFound, "verify_code", "验证结果",
			verifyCodePage{Verdict: notFoundVerdict, Explain: verdictExplain["notfound"]})
		return nil
	}
	if err != nil {
		return err
	}
	v := documentVerdict(doc, s.cfg.Now())
	page := verifyCodePage{Verdict: v, Explain: verdictExplain[v.Key], Found: true, Doc: doc}
	if t := r.URL.Query().Get("t"); t != "" {
		page.Token = s.checkToken(r, t, doc)
	}
	s.metrics.verified.WithLabelValues("code", v.Key).Inc()
	s.audit(r, s.actor(r), actionVerify, doc.Code, "ok", "code lookup: "+v.Key)
	s.render(w, r, http.StatusOK, "verify_code", "验证结果", page)
	return nil
}

// checkToken verifies a QR token and compares what it vouches for with the
// registry entry. Without a QRChecker it says the token was not checked.
func (s *server) checkToken(r *http.Request, token string, doc model.Document) *tokenCheck {
	if s.deps.QRChecker == nil {
		return &tokenCheck{OK: false, Message: "本站未启用二维码签名核对，请以上方登记信息为准。"}
	}
	if len(token) > maxTokenLen {
		return &tokenCheck{Message: "二维码内容无法识别，可能已被篡改。"}
	}
	c, err := s.deps.QRChecker.CheckToken(r.Context(), token)
	if err != nil {
		return &tokenCheck{Message: "二维码签名无效：该二维码不是本机构签发的，或已被篡改。"}
	}
	if mismatch := compareClaims(c, doc); len(mismatch) > 0 {
		names := make([]string, len(mismatch))
		for i, f := range mismatch {
			names[i] = claimFieldNames[f]
		}
		return &tokenCheck{Message: "二维码签名有效，但其中的信息与登记信息不一致，文书可能被篡改。", Mismatch: names}
	}
	return &tokenCheck{OK: true, Message: "二维码签名有效，印制的信息与登记信息一致。"}
}

// Fields a QR token is compared on, with their Chinese names.
var claimFieldNames = map[string]string{
	"code":        "防伪码",
	"number":      "文书编号",
	"kind":        "文书类型",
	"holder_name": "持有人姓名",
	"holder_id":   "证件号码",
	"issued_at":   "开具时间",
	"valid_until": "有效期",
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
