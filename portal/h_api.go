package portal

import (
	"errors"
	"net/http"
	"time"

	"sihub/model"
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
	// QR is present when the request carried a QR token (?t=) and the
	// portal checks tokens.
	QR *qrStatus `json:"qr,omitempty"`
}

// qrStatus is the outcome of checking a QR token against the registry:
// valid when the signature verifies and no field differs.
type qrStatus struct {
	SignatureValid bool     `json:"signature_valid"`
	Mismatch       []string `json:"mismatch"` // code, number, kind, holder_name, holder_id, issued_at, valid_until
	Valid          bool     `json:"valid"`
}

func (s *server) handleAPIVerifyCode(w http.ResponseWriter, r *http.Request) error {
	raw := pathParam(r, "code")
	doc, err := s.lookup(r, raw)
	if errors.Is(err, model.ErrNotFound) {
		s.metrics.verified.WithLabelValues("api_code", "not_found").Inc()
		s.audit(r, "api", actionVerify, NormalizeCode(raw), "invalid", "api code lookup: not found")
		return err
	}
	if err != nil {
		return err
	}
	v := documentVerdict(doc, s.cfg.Now())
	s.metrics.verified.WithLabelValues("api_code", v.Key).Inc()
	s.audit(r, "api", actionVerify, doc.Code, "ok", "api code lookup: "+v.Key)
	out := codeStatus{
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
	if t := r.URL.Query().Get("t"); t != "" && s.deps.QRChecker != nil {
		out.QR = &qrStatus{Mismatch: []string{}}
		if len(t) <= maxTokenLen {
			if c, err := s.deps.QRChecker.CheckToken(r.Context(), t); err == nil {
				out.QR.SignatureValid = true
				out.QR.Mismatch = append(out.QR.Mismatch, compareClaims(c, doc)...)
				out.QR.Valid = len(out.QR.Mismatch) == 0
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
