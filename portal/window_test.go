package portal

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sihub/model"
	"sihub/signer"
	"sihub/verifier"
)

// TestVerifyCodePastWindow: a code whose document is past its
// verification window gets a plain refusal on its page; past its validity
// but within the window it is reported expired as before.
func TestVerifyCodePastWindow(t *testing.T) {
	const code = "9WINDW7KQ4M2XW9PTA"
	e := newEnv(t)
	day := 24 * time.Hour
	e.docs.put(model.Document{Code: code, Number: "CB2026000077", Kind: signer.KindInsuranceCertificate,
		Subject: zhangID, SubjectName: zhangName, IssuedAt: t0.Add(-100 * day), ValidUntil: t0.Add(-10 * day),
		VerifyUntil: t0.Add(5 * day), Status: model.DocValid}, []byte("%PDF-1.7 window"))
	within := e.browser().get("/v/" + code)
	if !strings.Contains(within.Body, "已过有效期") || strings.Contains(within.Body, "已超出在线核验期限") {
		t.Errorf("within the window:\n%s", within.Body)
	}
	var st codeStatus
	if err := json.Unmarshal([]byte(e.browser().get("/api/v1/verify/"+code).Body), &st); err != nil || st.OutsideWindow ||
		st.VerifyUntil == nil || !st.VerifyUntil.Equal(t0.Add(5*day)) {
		t.Errorf("api within the window: %v %+v", err, st)
	}
	e.clock.Advance(6 * day)
	st = codeStatus{}
	if err := json.Unmarshal([]byte(e.browser().get("/api/v1/verify/"+code).Body), &st); err != nil || !st.OutsideWindow ||
		!strings.Contains(st.Message, "已超出在线核验期限") {
		t.Errorf("api past the window: %v %+v", err, st)
	}
	past := e.browser().get("/v/" + code)
	want := `<p class="verdict-line">已超出在线核验期限：这份参保证明可在线核验至 ` + fmtDate(t0.Add(5*day)) + `，登记系统不再为其作答，请持有人重新开具</p>`
	if !strings.Contains(past.Body, want) {
		t.Errorf("past the window, want %s:\n%s", want, past.Body)
	}
}

// TestUploadPastWindowVerdict: an uploaded file whose only problem is the
// ended window gets the window's verdict, not "invalid"; with another
// problem the other one decides.
func TestUploadPastWindowVerdict(t *testing.T) {
	end := t0.Add(-time.Hour)
	rep := &verifier.Report{Valid: false,
		Errors:   []verifier.Problem{{Code: verifier.ReasonDocumentExpired}},
		Document: verifier.DocumentReport{Code: "X", Kind: signer.KindInsuranceCertificate, RegistryStatus: verifier.RegistryExpired, VerifyUntil: &end}}
	p := buildReport(reportInput{lang: langZH, now: t0, rep: rep})
	if p.Verdict.Key != verdictExpired || !strings.Contains(p.Verdict.Line, "已超出在线核验期限") {
		t.Errorf("verdict = %+v", p.Verdict)
	}
	en := buildReport(reportInput{lang: langEN, now: t0, rep: rep})
	if !strings.HasPrefix(en.Verdict.Line, "Past its verification window") {
		t.Errorf("English verdict = %+v", en.Verdict)
	}
	rep.Errors = append(rep.Errors, verifier.Problem{Code: verifier.ReasonDigestMismatch})
	if p := buildReport(reportInput{lang: langZH, now: t0, rep: rep}); p.Verdict.Key != verdictModified {
		t.Errorf("with a digest mismatch too: %+v", p.Verdict)
	}
}
