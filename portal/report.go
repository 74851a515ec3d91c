package portal

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sihub/model"
	"sihub/signer"
	"sihub/verifier"
)

// The verification report for people: one verdict line a clerk can act
// on, then the details (document, seals, revisions) and what to do next.
// The /v/{code} page, the upload result and the downloadable PDF are all
// made from one reportPage.

// Verdict classes (reportVerdict.Key).
const (
	verdictTrusted    = "trusted"
	verdictModified   = "modified"
	verdictInvalid    = "invalid"
	verdictSuperseded = "superseded"
	verdictWithdrawn  = "withdrawn"
	verdictExpired    = "expired"
	verdictUnknown    = "unknown"
)

// verdictClass is the CSS class of each verdict (its colour).
var verdictClass = map[string]string{
	verdictTrusted:    "verdict-trusted",
	verdictModified:   "verdict-untrusted",
	verdictInvalid:    "verdict-untrusted",
	verdictSuperseded: "verdict-superseded",
	verdictWithdrawn:  "verdict-withdrawn",
	verdictExpired:    "verdict-expired",
	verdictUnknown:    "verdict-notfound",
}

// maxChangesShown caps the changes listed per revision.
const maxChangesShown = 20

type reportVerdict struct {
	Key     string // verdict* constant
	Class   string
	Icon    string
	Line    string // the one line
	Explain string
	OK      bool
}

type fact struct {
	Label, Value string
	Mono         bool
}

type sigView struct {
	Heading string
	Valid   bool
	Facts   []fact
	Checks  []check
	Reasons []string
}

type check struct {
	Class string // pass, fail, info
	Text  string
}

type revView struct {
	Heading string
	Signed  string // which seals were applied in this revision
	Changes []changeView
	More    string // "… and N more"
}

type changeView struct {
	Text    string
	Allowed bool
}

// reportPage is what the report templates and the PDF receive.
type reportPage struct {
	W           *words
	Lang        string
	Toggle      string // link to the page in the other language
	ToggleLabel string
	Verdict     reportVerdict
	Facts       []fact
	Problems    []string
	Signatures  []sigView
	Checked     bool // a file was checked: the seals section is shown
	Registered  bool // the document is in the registry (or the file carries a code)
	Revisions   []revView
	NextSteps   []string
	Token       *tokenCheck
	ReportURL   string // download link of the PDF; "" when none can be made
	Upload      bool   // the page shows an uploaded file's result
	CheckedAt   string

	checked   string    // what was checked, for the PDF: code or sha256:…
	checkedAt time.Time // when
}

// reportInput is everything a report is made from.
type reportInput struct {
	lang   string
	agency string
	now    time.Time
	// doc is the registry entry of the code that was looked up or that
	// the uploaded file carries; nil when there is none.
	doc *model.Document
	// replacement is the document that superseded doc, when known.
	replacement *model.Document
	// rep is the verifier's report on the file (the uploaded one or the
	// stored one of a code); nil when no file was checked.
	rep      *verifier.Report
	notFound bool
}

// buildReport turns a verification into the page.
func buildReport(in reportInput) reportPage {
	w := wordsFor(in.lang)
	p := reportPage{W: w, Lang: in.lang, checkedAt: in.now, CheckedAt: fmtDateTimeSec(in.now)}
	p.Verdict = decide(in, w)
	p.Verdict.Class = verdictClass[p.Verdict.Key]
	switch p.Verdict.Key {
	case verdictTrusted:
		p.Verdict.Icon, p.NextSteps = "✓", w.NextTrusted
	case verdictModified:
		p.Verdict.Icon, p.NextSteps = "✗", w.NextModified
	case verdictInvalid:
		p.Verdict.Icon, p.NextSteps = "✗", w.NextInvalid
	case verdictSuperseded:
		p.Verdict.Icon, p.NextSteps = "!", w.NextSuperseded
	case verdictWithdrawn:
		p.Verdict.Icon, p.NextSteps = "!", w.NextWithdrawn
	case verdictExpired:
		p.Verdict.Icon, p.NextSteps = "!", w.NextExpired
	default:
		p.Verdict.Icon, p.NextSteps = "?", w.NextUnknown
	}
	if in.notFound {
		return p
	}
	p.Facts = documentFacts(in, w)
	p.Registered = in.doc != nil || (in.rep != nil && in.rep.Document.Code != "")
	if in.doc != nil {
		p.checked = in.doc.Code
	}
	if in.rep != nil {
		p.Checked = true
		if p.checked == "" {
			p.checked = "sha256:" + in.rep.Document.SHA256
		}
		p.Problems = reasonSentencesOf(in.rep.Errors, in.lang)
		for i := range in.rep.Signatures {
			p.Signatures = append(p.Signatures, signatureView(i, &in.rep.Signatures[i], in.lang, w))
		}
		p.Revisions = revisionViews(in.rep, in.lang, w)
	}
	return p
}

// decide picks the verdict: withdrawn and superseded (registry) first,
// then a file that is not what was sealed, then other failed checks, then
// expiry; trusted last.
func decide(in reportInput, w *words) reportVerdict {
	if in.notFound {
		return reportVerdict{Key: verdictUnknown, Line: w.NotFoundLine, Explain: w.ExplainNotFound}
	}
	status := ""
	if in.doc != nil {
		status = string(in.doc.Status)
	} else if in.rep != nil {
		status = in.rep.Document.RegistryStatus
	}
	switch status {
	case string(model.DocWithdrawn):
		line := w.WithdrawnLine
		if in.doc != nil && strings.TrimSpace(in.doc.StatusReason) != "" {
			line = fmt.Sprintf(w.WithdrawnF, clause(in.doc.StatusReason))
		}
		return reportVerdict{Key: verdictWithdrawn, Line: line, Explain: w.ExplainWithdrawn}
	case string(model.DocSuperseded):
		line := w.SupersededLine
		if in.replacement != nil {
			line = fmt.Sprintf(w.SupersededF, fmtDateLang(in.replacement.IssuedAt, in.lang))
		}
		return reportVerdict{Key: verdictSuperseded, Line: line, Explain: w.ExplainSuperseded}
	}
	kind := w.ThisFile
	if in.doc != nil {
		kind = kindIn(in.doc.Kind, in.lang)
	} else if in.rep != nil && in.rep.Document.Kind != "" {
		kind = kindIn(in.rep.Document.Kind, in.lang)
	}
	if rep := in.rep; rep != nil && !rep.Valid {
		all := allProblems(rep)
		for _, p := range all {
			if modifiedReasons[p.Code] {
				return reportVerdict{Key: verdictModified, Line: w.ModifiedLine, Explain: w.ExplainModified}
			}
		}
		for _, p := range all {
			if cannotCheckReasons[p.Code] {
				return reportVerdict{Key: verdictUnknown, Line: fmt.Sprintf(w.UnknownF, clause(reasonSentence(p.Code, in.lang))), Explain: w.ExplainUnknown}
			}
		}
		if line, ok := outsideWindow(in, kind, all); ok {
			return reportVerdict{Key: verdictExpired, Line: line, Explain: w.ExplainExpired}
		}
		why := w.ExplainInvalid
		if len(all) > 0 {
			why = reasonSentence(all[0].Code, in.lang)
		}
		return reportVerdict{Key: verdictInvalid, Line: fmt.Sprintf(w.InvalidF, clause(why)), Explain: w.ExplainInvalid}
	}
	if line, ok := outsideWindow(in, kind, nil); ok {
		return reportVerdict{Key: verdictExpired, Line: line, Explain: w.ExplainExpired}
	}
	var until time.Time
	if in.doc != nil {
		until = in.doc.ValidUntil
	} else if in.rep != nil && in.rep.Document.ValidUntil != nil {
		until = *in.rep.Document.ValidUntil
	}
	if !until.IsZero() && in.now.After(until) {
		return reportVerdict{Key: verdictExpired, Line: fmt.Sprintf(w.ExpiredF, kind, fmtDateLang(until, in.lang)), Explain: w.ExplainExpired}
	}
	issuer := in.agency
	if in.doc == nil && (in.rep == nil || in.rep.Document.RegistryStatus != verifier.RegistryValid) {
		// Not one of ours: name the signer the certificate names.
		issuer = w.UnknownSigner
		if in.rep != nil && len(in.rep.Signatures) > 0 && in.rep.Signatures[0].Signer != "" {
			issuer = in.rep.Signatures[0].Signer
		}
	}
	if in.rep == nil {
		return reportVerdict{Key: verdictTrusted, OK: true, Line: fmt.Sprintf(w.TrustedRegistryF, kind, issuer), Explain: w.ExplainTrustedRegistry}
	}
	return reportVerdict{Key: verdictTrusted, OK: true, Line: fmt.Sprintf(w.TrustedF, kind, issuer), Explain: w.ExplainTrusted}
}

// kindIn names a document kind in lang.
func kindIn(kind, lang string) string {
	if lang == langEN {
		if n := signer.KindNamesEN[kind]; n != "" {
			return n
		}
		return wordsEN.ThisDocument
	}
	if n, ok := kindNames[kind]; ok {
		return n
	}
	if n := signer.KindNames[kind]; n != "" {
		return n
	}
	return wordsZH.ThisDocument
}

// documentFacts lists what the registry (or the file) says about the
// document, with the holder masked.
func documentFacts(in reportInput, w *words) []fact {
	var fs []fact
	add := func(label, value string, mono bool) {
		if value != "" {
			fs = append(fs, fact{label, value, mono})
		}
	}
	if d := in.doc; d != nil {
		add(w.Kind, kindIn(d.Kind, in.lang), false)
		add(w.Number, d.Number, false)
		add(w.Code, groupCode(d.Code), true)
		if d.Kind == signer.KindVerificationReport {
			checked := d.Subject
			if c := NormalizeCode(checked); c != "" {
				checked = groupCode(c) // a code; files are "sha256:…"
			}
			add(w.Checked, checked, true)
		} else {
			add(w.Holder, model.MaskName(d.SubjectName), false)
			add(w.HolderID, model.MaskID(d.Subject), true)
		}
		add(w.IssuedAt, fmtDateTime(d.IssuedAt), false)
		add(w.ValidUntil, fmtDateLang(d.ValidUntil, in.lang), false)
		reg := named(registryStatusNames, string(d.Status), in.lang)
		if d.StatusReason != "" && d.Status != model.DocValid {
			reg = fmt.Sprintf(w.WithReasonF, reg, d.StatusReason)
		}
		add(w.Registry, reg, false)
	} else if in.rep != nil && in.rep.Document.Code != "" {
		rd := in.rep.Document
		add(w.Kind, kindIn(rd.Kind, in.lang), false)
		add(w.Number, rd.Number, false)
		add(w.Code, groupCode(rd.Code), true)
		add(w.HolderID, rd.SubjectMasked, true)
		if rd.ValidUntil != nil {
			add(w.ValidUntil, fmtDateLang(*rd.ValidUntil, in.lang), false)
		}
		add(w.Registry, named(registryStatusNames, rd.RegistryStatus, in.lang), false)
	}
	if in.rep != nil {
		add(w.FileSHA256, in.rep.Document.SHA256, true)
	}
	add(w.CheckedAt, fmtDateTimeSec(in.now), false)
	return fs
}

// signatureView describes one signature: the seal, who signed, how, and
// each check.
func signatureView(i int, s *verifier.SignatureReport, lang string, w *words) sigView {
	v := sigView{Heading: fmt.Sprintf(w.SignatureF, i+1), Valid: s.Valid, Reasons: reasonSentencesOf(s.Errors, lang)}
	if s.Type == "doc_timestamp" {
		v.Heading = fmt.Sprintf(w.DocTimestampF, i+1)
	}
	or := func(x string) string {
		if x == "" {
			return w.Dash
		}
		return x
	}
	sealName, sealStatus := "", ""
	if s.Seal != nil {
		sealName = s.Seal.Name
		if s.Seal.Status != "" {
			sealStatus = named(sealStatusNames, s.Seal.Status, lang)
		}
	}
	v.Facts = []fact{
		{w.SealName, or(sealName), false},
		{w.SealStatus, or(sealStatus), false},
		{w.Algorithm, or(named(algorithmNames, s.Algorithm, lang)), false},
		{w.Signer, or(s.Signer), false},
		{w.CertIssuer, or(s.Issuer), false},
		{w.Level, or(named(levelNames, s.Level, lang)), false},
	}
	if s.SignedAt != nil {
		v.Facts = append(v.Facts, fact{w.SignedAt, fmtDateTimeSec(*s.SignedAt), false})
	} else {
		v.Facts = append(v.Facts, fact{w.SignedAt, w.Dash, false})
	}
	ts := w.TimestampNo
	switch {
	case s.Timestamp != nil && s.Timestamp.Valid:
		ts = fmt.Sprintf(w.TimestampAtF, fmtDateTimeSec(s.Timestamp.GenTime), or(s.Timestamp.TSA))
	case s.Timestamp != nil:
		ts = w.TimestampBad
	}
	v.Facts = append(v.Facts, fact{w.Timestamp, ts, false})
	rev := w.RevocationNo
	switch s.Revocation {
	case verifier.RevocationGood:
		rev = w.RevocationGood
	case verifier.RevocationRevoked:
		rev = w.RevocationRevoked
	case verifier.RevocationUnknown:
		rev = w.RevocationUnknown
	}
	if src := s.RevocationSource; src != "" && s.Revocation != verifier.RevocationNotChecked {
		rev = fmt.Sprintf(w.RevocationFromF, rev, named(revocationSourceNames, src, lang))
	}
	v.Facts = append(v.Facts, fact{w.Revocation, rev, false})
	v.Checks = []check{
		pass(s.IntegrityValid, w.IntegrityOK, w.IntegrityBad),
		coverage(s, w),
		pass(!s.ModifiedAfterSigning, w.UnmodifiedOK, w.UnmodifiedBad),
		pass(s.ChainTrusted, w.ChainOK, w.ChainBad),
	}
	class := "info"
	switch s.Revocation {
	case verifier.RevocationGood:
		class = "pass"
	case verifier.RevocationRevoked:
		class = "fail"
	}
	v.Checks = append(v.Checks, check{class, fmt.Sprintf(w.LabeledF, w.Revocation, rev)})
	return v
}

// coverage: a signature followed only by allowed additions (DSS, document
// timestamps: B-LT, B-LTA) does not cover the whole file, and that is fine.
func coverage(s *verifier.SignatureReport, w *words) check {
	if !s.CoversWholeDocument && !s.ModifiedAfterSigning && s.IntegrityValid {
		return check{"info", w.WholeAllowed}
	}
	return pass(s.CoversWholeDocument, w.WholeOK, w.WholeBad)
}

func pass(ok bool, yes, no string) check {
	if ok {
		return check{"pass", yes}
	}
	return check{"fail", no}
}

// revisionViews lists each revision with the seals applied in it and the
// changes it made.
func revisionViews(rep *verifier.Report, lang string, w *words) []revView {
	var out []revView
	for _, r := range rep.Revisions {
		v := revView{Heading: fmt.Sprintf(w.RevisionF, r.Index+1, r.EndOffset)}
		if len(r.Signatures) > 0 {
			nums := make([]string, len(r.Signatures))
			for i, s := range r.Signatures {
				nums[i] = strconv.Itoa(s + 1)
			}
			v.Signed = fmt.Sprintf(w.RevisionSignedF, strings.Join(nums, ", "))
		}
		groups := groupChanges(r.Changes)
		for i, g := range groups {
			if i == maxChangesShown {
				v.More = fmt.Sprintf(w.MoreChangesF, len(groups)-maxChangesShown)
				break
			}
			v.Changes = append(v.Changes, changeView{Text: changeText(g, lang, w), Allowed: g.allowed})
		}
		out = append(out, v)
	}
	return out
}

// changeGroup is the changes of one kind, action and verdict in a
// revision, e.g. eight DSS objects added.
type changeGroup struct {
	kind, action string
	allowed      bool
	objects      []int
}

// groupChanges groups changes in the order they first appear.
func groupChanges(cs []verifier.ChangeReport) []changeGroup {
	type key struct {
		kind, action string
		allowed      bool
	}
	var out []changeGroup
	at := map[key]int{} // index in out
	for _, c := range cs {
		k := key{c.Kind, c.Action, c.Allowed}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, changeGroup{kind: c.Kind, action: c.Action, allowed: c.Allowed})
		}
		out[i].objects = append(out[i].objects, c.Object)
	}
	return out
}

// changeText says what a group of changes did: "页面内容 修改 #5（不允许的
// 改动）", or with several objects "长期验证数据（DSS） 新增 8 个对象（#14 至
// #21）（允许的改动）".
func changeText(g changeGroup, lang string, w *words) string {
	verdict := w.ChangeNotAllowed
	if g.allowed {
		verdict = w.ChangeAllowed
	}
	what := named(changeKindNames, g.kind, lang) + " " + named(changeActionNames, g.action, lang)
	switch n := len(g.objects); {
	case n == 1 && g.objects[0] > 0:
		what += fmt.Sprintf(" #%d", g.objects[0])
	case n > 1:
		what += " " + fmt.Sprintf(w.ObjectsF, n, slices.Min(g.objects), slices.Max(g.objects))
	}
	if lang == langEN {
		return what + " (" + verdict + ")"
	}
	return what + "（" + verdict + "）"
}

// fmtDateLang formats a date in China's zone the way lang writes it.
func fmtDateLang(t time.Time, lang string) string {
	if t.IsZero() {
		return "—"
	}
	if lang == langEN {
		return t.In(chinaTime).Format("2 January 2006")
	}
	return fmtDate(t)
}

// fmtDateTimeSec formats a time to the second in China's zone.
func fmtDateTimeSec(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(chinaTime).Format("2006-01-02 15:04:05") + " (UTC+8)"
}
