package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"sihub/signer"
)

// ReportIssuer seals a verification report and registers it with its own
// anti-forgery code (signer.Service). Optional: without it the report PDF
// is "service unavailable".
type ReportIssuer interface {
	IssueVerificationReport(ctx context.Context, req signer.VerificationReportRequest) (*signer.Issued, error)
}

// reportRequest turns the page into the sealed report's content, in the
// page's language. The idempotency key is derived from what was checked,
// the verdict, the language and the day (China time), so reloading the
// download does not fill the registry with copies.
func (p *reportPage) reportRequest(actor string) signer.VerificationReportRequest {
	w := p.W
	req := signer.VerificationReportRequest{
		Lang: p.Lang, Title: w.ReportTitle, Verdict: p.Verdict.Line, Explanation: p.Verdict.Explain,
		Checked: p.checked, CheckedAt: p.checkedAt, NextSteps: p.NextSteps, Actor: actor,
		Document: signer.ReportSection{Heading: w.HeadingDocument},
	}
	for _, f := range p.Facts {
		req.Document.Pairs = append(req.Document.Pairs, [2]string{f.Label, f.Value})
	}
	for _, s := range p.Signatures {
		sec := signer.ReportSection{Heading: s.Heading}
		for _, f := range s.Facts {
			sec.Pairs = append(sec.Pairs, [2]string{f.Label, f.Value})
		}
		for _, c := range s.Checks {
			mark := w.CheckPass
			if c.Class == "fail" {
				mark = w.CheckFail
			} else if c.Class == "info" {
				mark = w.CheckNote
			}
			sec.Pairs = append(sec.Pairs, [2]string{mark, c.Text})
		}
		for _, r := range s.Reasons {
			sec.Pairs = append(sec.Pairs, [2]string{w.CheckFail, r})
		}
		req.Signatures = append(req.Signatures, sec)
	}
	if len(p.Problems) > 0 {
		sec := signer.ReportSection{Heading: w.HeadingProblems}
		for _, pr := range p.Problems {
			sec.Pairs = append(sec.Pairs, [2]string{w.CheckFail, pr})
		}
		req.Signatures = append(req.Signatures, sec)
	}
	if len(p.Revisions) > 0 {
		t := &signer.ReportTable{Heading: w.HeadingRevisions, Columns: []string{"#", w.HeadingSignatures, w.HeadingRevisions}}
		for i, r := range p.Revisions {
			changes := w.RevisionNoChanges
			if i == 0 {
				changes = w.RevisionOriginal
			}
			if len(r.Changes) > 0 {
				changes = ""
				for j, c := range r.Changes {
					if j > 0 {
						changes += "\n"
					}
					changes += c.Text
				}
				if r.More != "" {
					changes += "\n" + r.More
				}
			}
			signed := r.Signed
			if signed == "" {
				signed = w.Dash
			}
			t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), signed, changes})
		}
		req.Revisions = t
	}
	day := p.checkedAt.In(chinaTime).Format("2006-01-02")
	sum := sha256.Sum256([]byte(p.checked + "\x00" + p.Lang + "\x00" + p.Verdict.Key + "\x00" + p.Verdict.Line + "\x00" + day))
	req.IdempotencyKey = signer.KindVerificationReport + ":" + hex.EncodeToString(sum[:])
	return req
}

// sendReportPDF issues (or finds today's) sealed report of p and sends it
// as a download.
func (s *server) sendReportPDF(w http.ResponseWriter, r *http.Request, p *reportPage) error {
	if s.deps.Reports == nil {
		return userErr(ErrUnavailable, "核验报告服务暂不可用，请稍后再试。", nil)
	}
	if p.checked == "" {
		return userErr(ErrBadRequest, "没有可以出具报告的核验结果。", nil)
	}
	if r.Method == http.MethodHead {
		// A HEAD request does not issue a report.
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Cache-Control", "private, no-store")
		w.WriteHeader(http.StatusOK)
		return nil
	}
	iss, err := s.deps.Reports.IssueVerificationReport(r.Context(), p.reportRequest(s.actor(r)))
	if err != nil {
		return err
	}
	s.audit(r, s.actor(r), actionVerifyReport, p.checked, "ok", "report "+iss.Document.Code+" "+p.Lang+": "+p.Verdict.Key)
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", contentDisposition(iss.Document))
	h.Set("Content-Length", fmt.Sprint(len(iss.PDF)))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(iss.PDF)
	return nil
}

// actionVerifyReport is audited when a verification report is issued.
const actionVerifyReport = "document.verify.report"
