package portal

import (
	"errors"
	"net/http"
	"time"

	"sihub/model"
	"sihub/verifier"
)

// codeStatus is the JSON answer of GET /api/v1/verify/{code}.
type codeStatus struct {
	Code             string    `json:"code"`
	Status           string    `json:"status"` // registry status: valid, superseded, withdrawn
	Expired          bool      `json:"expired"`
	Kind             string    `json:"kind"`
	KindName         string    `json:"kind_name"`
	Number           string    `json:"number"`
	IssuedAt         time.Time `json:"issued_at"`
	ValidUntil       time.Time `json:"valid_until"`
	HolderNameMasked string    `json:"holder_name_masked"`
	HolderIDMasked   string    `json:"holder_id_masked"`
	// VerifyUntil ends the document's verification window; past it
	// OutsideWindow is true and Message refuses the document in plain
	// words: the registry no longer answers for it.
	VerifyUntil   *time.Time `json:"verify_until,omitempty"`
	OutsideWindow bool       `json:"outside_window,omitempty"`
	Message       string     `json:"message,omitempty"`
	// QR is present when the request carried a QR token (?t=) and the
	// portal checks tokens.
	QR *qrStatus `json:"qr,omitempty"`
	// Consent is present when the request carried a consent token; when
	// it is accepted HolderName and HolderID are the unmasked values.
	Consent    *consentStatus `json:"consent,omitempty"`
	HolderName string         `json:"holder_name,omitempty"`
	HolderID   string         `json:"holder_id,omitempty"`
}

// qrStatus is the outcome of checking a QR token against the registry:
// valid when the signature verifies and no field differs.
type qrStatus struct {
	SignatureValid bool     `json:"signature_valid"`
	Mismatch       []string `json:"mismatch"` // code, number, kind, holder_name, holder_id, issued_at, valid_until
	Valid          bool     `json:"valid"`
}

// handleAPIVerifyCode answers one code lookup. Without an API key it is
// limited per client address and code prefix; with one it needs the
// "verify" scope, counts against the key's quota, is audited as
// "api:<key id>", and honours a consent token (?consent=).
func (s *server) handleAPIVerifyCode(w http.ResponseWriter, r *http.Request) error {
	raw := pathParam(r, "code")
	cl, err := s.apiCaller(r, ScopeVerify, func() error { return s.limitLookup(r, raw) })
	if err != nil {
		return err
	}
	q := r.URL.Query()
	out, err := s.lookupStatus(r, cl, raw, q.Get("t"), q.Get("consent"), "api_code")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// lookupStatus finds one code for the API, counts and audits the lookup,
// checks a QR token and a consent token when given. Unknown and malformed
// codes are the same model.ErrNotFound.
func (s *server) lookupStatus(r *http.Request, cl *apiClient, raw, qrToken, consent, method string) (*codeStatus, error) {
	ctx := r.Context()
	code := NormalizeCode(raw)
	doc, err := model.Document{}, error(model.ErrNotFound)
	if code != "" {
		doc, err = s.deps.Documents.DocumentByCode(ctx, code)
	}
	actor, action, who := "api", actionVerify, ""
	if cl != nil {
		actor, action, who = cl.actor(), actionVerifyAPI, cl.Institution+": "
	}
	if errors.Is(err, model.ErrNotFound) {
		s.metrics.verified.WithLabelValues(method, "not_found").Inc()
		s.audit(r, actor, action, code, "invalid", who+"api code lookup: not found")
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	v := documentVerdict(doc, s.cfg.Now())
	s.metrics.verified.WithLabelValues(method, v.Key).Inc()
	s.audit(r, actor, action, doc.Code, "ok", who+"api code lookup: "+v.Key)
	out := &codeStatus{
		Code:             doc.Code,
		Status:           string(doc.Status),
		Expired:          v.Key == "expired",
		Kind:             doc.Kind,
		KindName:         KindName(doc.Kind),
		Number:           doc.Number,
		IssuedAt:         doc.IssuedAt.UTC(),
		ValidUntil:       doc.ValidUntil.UTC(),
		HolderNameMasked: model.MaskName(doc.SubjectName),
		HolderIDMasked:   model.MaskID(doc.Subject),
	}
	if end := verifier.VerifyWindowEnd(doc); !end.IsZero() {
		u := end.UTC()
		out.VerifyUntil = &u
		if verifier.PastWindow(doc, s.cfg.Now()) {
			out.OutsideWindow, out.Message = true, reasonSentence(verifier.ReasonDocumentExpired, langZH)
		}
	}
	if qrToken != "" && s.deps.QRChecker != nil {
		out.QR = &qrStatus{Mismatch: []string{}}
		if len(qrToken) <= maxTokenLen {
			if c, err := s.deps.QRChecker.CheckToken(ctx, qrToken); err == nil {
				out.QR.SignatureValid = true
				out.QR.Mismatch = append(out.QR.Mismatch, compareClaims(c, doc)...)
				out.QR.Valid = len(out.QR.Mismatch) == 0
			}
		}
	}
	if consent != "" {
		st := s.checkConsent(consent, doc.Code, cl)
		out.Consent = &st
		outcome := "denied"
		if st.Accepted {
			outcome = "ok"
			out.HolderName, out.HolderID = doc.SubjectName, doc.Subject
		}
		if cl != nil {
			s.audit(r, cl.actor(), actionConsentUse, doc.Code, outcome,
				cl.Institution+": consent "+consentFingerprint(consent)+" "+firstNonEmpty(st.Reason, "accepted"))
		}
	}
	return out, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
