package signer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sihub/certs"
	"sihub/hsm"
	"sihub/model"
	"sihub/signer/code"
	"sihub/signer/pades"
	"sihub/signer/qrtoken"
	"sihub/signer/render"
)

// KindVerificationReport is the kind of the verification report: the
// outcome of checking another document (by its code or as an uploaded
// file), sealed by the agency and registered with its own anti-forgery
// code, so the report can itself be verified at /v/{code}. Issue refuses
// it; only IssueVerificationReport makes one.
const KindVerificationReport = "verification-report"

func init() {
	KindNames[KindVerificationReport] = "核验报告"
	KindNamesEN[KindVerificationReport] = "Verification Report"
}

// reportNumberPrefix starts a verification report's number.
const reportNumberPrefix = "HYBG"

// Caps on a VerificationReportRequest: far above a real report, low enough
// that a request cannot make a huge file.
const (
	maxReportLine     = 500  // runes in one line of a text
	maxReportText     = 2000 // bytes in one text (a value, a table cell), as render allows
	maxReportPairs    = 40   // label/value pairs in one section
	maxReportSections = 20   // signature sections
	maxReportRows     = 200  // revision table rows
	maxReportSteps    = 10
)

// ReportSection is a group of label/value pairs under a heading.
type ReportSection struct {
	Heading string
	Pairs   [][2]string
}

// ReportTable is a table under a heading; every row has one cell per
// column.
type ReportTable struct {
	Heading string
	Columns []string
	Rows    [][]string
}

// VerificationReportRequest is a verification outcome to be issued as a
// sealed report. The words are the caller's, already in Lang: the report
// prints them as given, so the page a person saw and the PDF they download
// say the same.
type VerificationReportRequest struct {
	Lang        string // "zh" (default) or "en"
	Title       string // e.g. "核验报告"; empty takes the kind's name in Lang
	Verdict     string // the one line a clerk acts on; required
	Explanation string // what the verdict means, in a sentence or two
	// Checked names what was checked: the document's code, or
	// "sha256:<hex>" of an uploaded file. It becomes the report's subject
	// in the registry.
	Checked    string
	CheckedAt  time.Time // when the check ran; zero is now
	Document   ReportSection
	Signatures []ReportSection
	Revisions  *ReportTable // nil: no revision table
	NextSteps  []string
	// IdempotencyKey: a repeated key returns the first report (the portal
	// derives it from what was checked, the verdict, the language and the
	// day, so reloading does not fill the registry).
	IdempotencyKey string
	Actor          string // who asked, for the audit trail
}

// validate checks the request against the caps.
func (req *VerificationReportRequest) validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: verification report: "+format, append([]any{ErrBadRequest}, a...)...)
	}
	if req.Lang == "" {
		req.Lang = "zh"
	}
	if _, ok := reportWords[req.Lang]; !ok {
		return bad("language %q (want zh or en)", req.Lang)
	}
	if strings.TrimSpace(req.Verdict) == "" {
		return bad("the verdict is required")
	}
	if strings.TrimSpace(req.Checked) == "" {
		return bad("what was checked is required")
	}
	if len(req.Signatures) > maxReportSections || len(req.NextSteps) > maxReportSteps {
		return bad("%d signature sections and %d steps (at most %d and %d)", len(req.Signatures), len(req.NextSteps), maxReportSections, maxReportSteps)
	}
	lines := []string{req.Title, req.Verdict, req.Explanation, req.Checked, req.IdempotencyKey, req.Actor}
	sections := append([]ReportSection{req.Document}, req.Signatures...)
	for _, s := range sections {
		if len(s.Pairs) > maxReportPairs {
			return bad("%d pairs in section %q (at most %d)", len(s.Pairs), s.Heading, maxReportPairs)
		}
		lines = append(lines, s.Heading)
		for _, p := range s.Pairs {
			lines = append(lines, p[0], p[1])
		}
	}
	if t := req.Revisions; t != nil {
		if len(t.Columns) == 0 || len(t.Rows) > maxReportRows {
			return bad("revision table of %d columns and %d rows (at most %d)", len(t.Columns), len(t.Rows), maxReportRows)
		}
		lines = append(lines, t.Heading)
		lines = append(lines, t.Columns...)
		for _, r := range t.Rows {
			if len(r) != len(t.Columns) {
				return bad("revision row of %d cells for %d columns", len(r), len(t.Columns))
			}
			lines = append(lines, r...)
		}
	}
	lines = append(lines, req.NextSteps...)
	for _, text := range lines {
		if len(text) > maxReportText || !utf8.ValidString(text) {
			return bad("a text of %d bytes (at most %d)", len(text), maxReportText)
		}
		for _, l := range strings.Split(text, "\n") {
			if utf8.RuneCountInString(l) > maxReportLine {
				return bad("a line of %d characters (at most %d)", utf8.RuneCountInString(l), maxReportLine)
			}
		}
	}
	return nil
}

// reportWords are the report's own words per language.
var reportWords = map[string]struct {
	verdict, document, revisions, next, checkedAt, checked, note string
}{
	"zh": {verdict: "核验结论", document: "被核验的文书", revisions: "文件修订记录", next: "下一步",
		checkedAt: "核验时间", checked: "核验对象",
		note: "本报告记录上述时间的核验结果，由核验服务加盖电子印章；可扫描二维码或输入校验码核验本报告的真伪。"},
	"en": {verdict: "Verdict", document: "Document checked", revisions: "Revisions of the file", next: "What to do next",
		checkedAt: "Checked at", checked: "Checked",
		note: "This report records the outcome of the check at the time shown and is sealed by the verification service; scan the QR code or enter the verification code to check that the report itself is authentic."},
}

// document lays the report out as a render.Document (without number, code
// and QR, which issuance fills in).
func (req *VerificationReportRequest) document(loc *time.Location) *render.Document {
	w := reportWords[req.Lang]
	title := req.Title
	if title == "" {
		title = kindName(KindVerificationReport, req.Lang)
	}
	when := req.CheckedAt.In(loc).Format("2006-01-02 15:04:05 MST")
	text := req.Verdict
	if req.Explanation != "" {
		text += "\n" + req.Explanation
	}
	blocks := []render.Block{
		&render.Paragraph{Heading: w.verdict, Text: text},
		&render.Fields{Pairs: [][2]string{{w.checked, req.Checked}, {w.checkedAt, when}}},
	}
	if len(req.Document.Pairs) > 0 {
		h := req.Document.Heading
		if h == "" {
			h = w.document
		}
		blocks = append(blocks, &render.Fields{Heading: h, Pairs: req.Document.Pairs})
	}
	for _, s := range req.Signatures {
		blocks = append(blocks, &render.Fields{Heading: s.Heading, Pairs: s.Pairs})
	}
	if t := req.Revisions; t != nil && len(t.Rows) > 0 {
		h := t.Heading
		if h == "" {
			h = w.revisions
		}
		tb := &render.Table{Heading: h}
		for i, c := range t.Columns {
			width := 1.0
			if i == len(t.Columns)-1 {
				width = 3 // the last column holds the changes
			}
			tb.Columns = append(tb.Columns, render.Column{Title: c, Width: width})
		}
		tb.Rows = t.Rows
		blocks = append(blocks, tb)
	}
	if len(req.NextSteps) > 0 {
		var b strings.Builder
		for i, s := range req.NextSteps {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%d. %s", i+1, s)
		}
		blocks = append(blocks, &render.Paragraph{Heading: w.next, Text: b.String()})
	}
	return &render.Document{Title: title, Lang: req.Lang, Blocks: blocks, Notes: []string{w.note}}
}

// IssueVerificationReport renders the report, seals it with the agency's
// SM2 seal the way Issue seals a document (QR token, PAdES signature with
// the seal reference), allocates its number and anti-forgery code, and
// stores it in the registry as a document of KindVerificationReport whose
// subject is what was checked. A repeated IdempotencyKey returns the first
// report.
func (s *Service) IssueVerificationReport(ctx context.Context, req VerificationReportRequest) (*Issued, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	if req.IdempotencyKey != "" {
		if iss, err := s.existing(ctx, req.IdempotencyKey); err == nil || !errors.Is(err, model.ErrNotFound) {
			return iss, err
		}
	}
	now := s.cfg.Now().In(s.cfg.Location)
	if req.CheckedAt.IsZero() {
		req.CheckedAt = now
	}
	m, err := s.seals.Seal(hsm.SM2)
	if err != nil {
		return nil, fmt.Errorf("signer: seal for %s: %w", hsm.SM2, err)
	}
	if m.Seal.Status != model.SealActive {
		return nil, fmt.Errorf("signer: seal %s is %s, not active", m.Seal.ID, m.Seal.Status)
	}
	data := req.document(s.cfg.Location)
	n, err := s.registry.AllocateNumber(ctx, fmt.Sprintf("%s:%d", KindVerificationReport, now.Year()))
	if err != nil {
		return nil, fmt.Errorf("signer: allocating number: %w", err)
	}
	data.Number = fmt.Sprintf("%s-%d-%08d", reportNumberPrefix, now.Year(), n)
	cd, err := code.New(s.cfg.Rand)
	if err != nil {
		return nil, err
	}
	data.Code, data.CodeGrouped = cd, code.Group(cd)
	data.PrintedAt = now
	data.ValidUntil = endOfDay(now.Add(s.cfg.Validity))
	data.Agency = s.cfg.Agency
	data.VerifyURL = strings.TrimRight(s.cfg.PublicURL, "/") + "/v/" + cd
	data.Seal = render.SealImage{Agency: s.cfg.Agency, Name: m.Seal.Name}
	pdf, err := s.sealReport(ctx, data, m, req.Checked, now)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pdf)
	doc := model.Document{
		Code: cd, Number: data.Number, Kind: KindVerificationReport, Subject: req.Checked,
		Lang: req.Lang, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(pdf)),
		IssuedAt: now.UTC(), ValidUntil: data.ValidUntil.UTC(), Status: model.DocValid,
		Algorithms: []string{string(hsm.SM2)}, SealIDs: []string{m.Seal.ID},
		IdempotencyKey: req.IdempotencyKey,
	}
	// The document, its PDF and its audit entry in one write, as Issue
	// stores them.
	is := model.Issuance{Document: doc, PDF: pdf, Audit: model.AuditEntry{
		Time: s.cfg.Now().UTC(), Actor: req.Actor, Action: "document.issue", Object: cd, Outcome: "ok",
		Detail: fmt.Sprintf("kind=%s number=%s checked=%s", KindVerificationReport, doc.Number, req.Checked),
	}}
	if err := s.registry.PutIssued(ctx, is); err != nil {
		if req.IdempotencyKey != "" && errors.Is(err, model.ErrConflict) {
			if iss, err2 := s.existing(ctx, req.IdempotencyKey); err2 == nil {
				return iss, nil
			}
		}
		return nil, fmt.Errorf("signer: storing %s: %w", doc.Number, err)
	}
	return &Issued{Document: doc, PDF: pdf}, nil
}

// sealReport signs the QR token, renders data with one signature field and
// seals it with m at the level configured for the kind (as Issue does).
func (s *Service) sealReport(ctx context.Context, data *render.Document, m *certs.SealMaterial, checked string, now time.Time) ([]byte, error) {
	claims := qrtoken.Claims{Code: data.Code, Number: data.Number, Kind: KindVerificationReport,
		HolderID: model.MaskID(checked), IssuedAt: now.Truncate(time.Second), ValidUntil: data.ValidUntil}
	tok, err := qrtoken.Sign(claims, m.Key, qrtoken.KeyIDOf(m.Certificate.Raw), s.cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("signer: QR token: %w", err)
	}
	data.QRText = qrtoken.URL(s.cfg.PublicURL, data.Code, tok)
	info := pades.SigInfo{Name: m.Seal.Name, Reason: kindName(KindVerificationReport, data.Lang), Location: s.cfg.Agency, Time: now}
	ref, err := s.refs.get(m)
	if err != nil {
		return nil, err
	}
	prepared, err := s.renderer.Document(data, render.Options{Rand: s.cfg.Rand, Signatures: []render.Signature{{Info: info}}})
	if err != nil {
		return nil, fmt.Errorf("signer: rendering %s: %w", KindVerificationReport, err)
	}
	pdf, err := s.seal(ctx, KindVerificationReport, prepared, []pades.Sealer{{Key: m.Key, Certificate: m.Certificate, Chain: m.Chain, Info: info, SealReference: ref}})
	if err != nil {
		return nil, fmt.Errorf("signer: sealing %s: %w", KindVerificationReport, err)
	}
	return pdf, nil
}
