package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"sihub/model"
)

// maxHistoryEntries bounds the audit entries read per action for one
// document's page; historyWindow is how far back the page looks.
const (
	maxHistoryEntries = 500
	historyWindow     = 366 * 24 * time.Hour
)

// consentDurations are the grant periods the form offers, in hours; the
// handler accepts any whole number of hours from 1 to 720.
var consentDurations = []struct {
	Hours int
	Label string
}{{1, "1 小时"}, {24, "1 天"}, {72, "3 天"}, {168, "7 天"}, {720, "30 天"}}

type accessRow struct {
	Time        time.Time
	Institution string
	What        string
	OK          bool
}

type grantRow struct {
	Time        time.Time
	Institution string
	Until       string
	Fingerprint string
}

type newConsent struct {
	Token       string
	Institution string
	Until       time.Time
}

type documentPage struct {
	Doc          model.Document
	Verdict      verdict
	Accesses     []accessRow
	Grants       []grantRow
	HasHistory   bool
	Institutions []Institution
	Durations    any
	NewConsent   *newConsent
}

// ownDocument returns the session's document with code; any other code is
// model.ErrNotFound, whether it exists or not.
func (s *server) ownDocument(r *http.Request, se *session, action string) (model.Document, error) {
	code := NormalizeCode(pathParam(r, "code"))
	if code == "" {
		return model.Document{}, model.ErrNotFound
	}
	doc, err := s.deps.Documents.DocumentByCode(r.Context(), code)
	if errors.Is(err, model.ErrNotFound) || (err == nil && (se.subject() == "" || doc.Subject != se.subject())) {
		s.audit(r, se.Login, action, code, "denied", "not found or not the owner")
		return model.Document{}, model.ErrNotFound
	}
	return doc, err
}

// handleDocument shows one of the citizen's documents: its status, which
// institutions checked it through the API and when, the consents granted,
// and the form to grant one.
func (s *server) handleDocument(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	doc, err := s.ownDocument(r, se, actionDocumentView)
	if err != nil {
		return err
	}
	page, err := s.documentPage(r.Context(), doc)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "document", "文书详情", page)
	return nil
}

// handleGrantConsent creates a consent token for one institution and a
// limited time and shows it once.
func (s *server) handleGrantConsent(w http.ResponseWriter, r *http.Request) error {
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
	doc, err := s.ownDocument(r, se, actionConsentGrant)
	if err != nil {
		return err
	}
	keyID := r.PostFormValue("institution")
	i := slices.IndexFunc(s.cfg.Institutions, func(in Institution) bool { return in.KeyID == keyID })
	if i < 0 {
		return userErr(ErrBadRequest, "请选择要授权的机构。", nil)
	}
	hours, err := strconv.Atoi(r.PostFormValue("hours"))
	period := time.Duration(hours) * time.Hour
	if err != nil || period < minConsentPeriod || period > maxConsentPeriod {
		return userErr(ErrBadRequest, "授权期限应在 1 小时到 30 天之间。", err)
	}
	now := s.cfg.Now()
	until := now.Add(period).Truncate(time.Second)
	tok := s.newConsentToken(consentGrant{Code: doc.Code, KeyID: keyID, Issued: now.Unix(), Expires: until.Unix()})
	inst := s.cfg.Institutions[i]
	s.audit(r, se.Login, actionConsentGrant, doc.Code, "ok", fmt.Sprintf("key=%s until=%s consent=%s",
		keyID, until.UTC().Format(time.RFC3339), consentFingerprint(tok)))
	page, err := s.documentPage(r.Context(), doc)
	if err != nil {
		return err
	}
	page.NewConsent = &newConsent{Token: tok, Institution: inst.Name, Until: until}
	s.render(w, r, http.StatusOK, "document", "文书详情", page)
	return nil
}

func (s *server) documentPage(ctx context.Context, doc model.Document) (documentPage, error) {
	page := documentPage{
		Doc:          doc,
		Verdict:      documentVerdict(doc, s.cfg.Now()),
		Institutions: s.cfg.Institutions,
		Durations:    consentDurations,
	}
	if s.trail == nil {
		return page, nil
	}
	page.HasHistory = true
	since := s.cfg.Now().Add(-historyWindow)
	names := map[string]string{}
	read := func(action string) ([]model.AuditEntry, error) {
		return s.trail.AuditEntries(ctx, since, action, doc.Code, maxHistoryEntries)
	}
	checks, err := read(actionVerifyAPI)
	if err != nil {
		return page, err
	}
	uses, err := read(actionConsentUse)
	if err != nil {
		return page, err
	}
	grants, err := read(actionConsentGrant)
	if err != nil {
		return page, err
	}
	for _, e := range checks {
		ok := e.Outcome == "ok"
		what := "查询了该文书的登记状态（姓名、证件号码已遮挡）"
		if !ok {
			what = "核验该文书未通过"
		}
		page.Accesses = append(page.Accesses, accessRow{e.Time, s.actorName(ctx, e.Actor, names), what, ok})
	}
	for _, e := range uses {
		ok := e.Outcome == "ok"
		what := "凭您的授权查看了完整姓名和证件号码"
		if !ok {
			what = "出示的授权无效或已过期，未显示完整信息"
		}
		page.Accesses = append(page.Accesses, accessRow{e.Time, s.actorName(ctx, e.Actor, names), what, ok})
	}
	slices.SortStableFunc(page.Accesses, func(a, b accessRow) int { return b.Time.Compare(a.Time) })
	for _, e := range grants {
		if e.Outcome != "ok" {
			continue
		}
		f := detailFields(e.Detail)
		until := f["until"]
		if t, err := time.Parse(time.RFC3339, until); err == nil {
			until = fmtDateTime(t)
		}
		page.Grants = append(page.Grants, grantRow{e.Time, s.actorName(ctx, "api:"+f["key"], names), until, f["consent"]})
	}
	slices.Reverse(page.Grants)
	return page, nil
}

// actorName turns an audit actor "api:<key id>" into the institution's
// name: the configured one, else the key record's, else the key id.
func (s *server) actorName(ctx context.Context, actor string, cache map[string]string) string {
	id, ok := strings.CutPrefix(actor, "api:")
	if !ok {
		return actor
	}
	if n, ok := cache[id]; ok {
		return n
	}
	n := s.institutionName(id)
	if n == id && s.deps.APIKeys != nil {
		if k, err := s.deps.APIKeys.APIKey(ctx, id); err == nil && k.Institution != "" {
			n = k.Institution
		}
	}
	cache[id] = n
	return n
}

// detailFields parses "k=v k=v" audit details.
func detailFields(d string) map[string]string {
	out := map[string]string{}
	for _, f := range strings.Fields(d) {
		if k, v, ok := strings.Cut(f, "="); ok {
			out[k] = v
		}
	}
	return out
}
