package portal

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"sihub/model"
	"sihub/signer"
)

// PersonRecords reads what decides which documents a person may request
// (store.Store has it): the years with paid contributions (the yearly
// statement) and the benefits received (the benefit details). Optional.
type PersonRecords interface {
	ContributionsBetween(ctx context.Context, personID, from, to string) ([]model.Contribution, error)
	BenefitPayments(ctx context.Context, personID, from, to string) ([]model.BenefitPayment, error)
}

// The kinds of 我的证明 (LD/T 01-2020 5.4.2: what citizens and employers
// download themselves), per role. Receipts and result notices are issued
// on the clerk side for applications and are listed here under their
// applicant; they are not requested from this page.
var (
	personIssueKinds = []string{signer.KindInsuranceCertificate, signer.KindRightsRecord, signer.KindBenefitDetails,
		signer.KindTransferVoucher, signer.KindOverseasExemption}
	unitIssueKinds = []string{signer.KindUnitInsuranceCertificate}
)

// issueKindsFor are the documents a session may request from 我的证明.
func issueKindsFor(se *session) []string {
	switch {
	case se.PersonID != "":
		return personIssueKinds
	case se.UnitCode != "":
		return unitIssueKinds
	}
	return nil
}

// langNames are the language choices as the form shows them.
var langNames = map[string]string{signer.LangZH: "中文", signer.LangEN: "English", signer.LangBoth: "中英对照"}

// kindIntro says what each requestable document is for.
var kindIntro = map[string]string{
	signer.KindInsuranceCertificate:     "证明您的参保状态和缴费情况，可用于办理签证、购房、入学等。",
	signer.KindRightsRecord:             "您某一年度的养老保险个人账户记录（缴费基数、月数、记账额和累计储存额）。",
	signer.KindBenefitDetails:           "您领取的各项社会保险待遇的逐月明细和合计。",
	signer.KindTransferVoucher:          "基本养老保险关系转移接续时向转入地提交的参保缴费凭证。",
	signer.KindOverseasExemption:        "被派往与我国签有社会保障协定的国家工作时，用于在当地免缴相应社会保险。",
	signer.KindUnitInsuranceCertificate: "证明本单位按险种的参保人数、参保状态和近 24 个月的欠费情况。",
}

// option is one choice of a select.
type option struct {
	Value, Text string
	Selected    bool
}

// issueForm is one card of 我的证明: a document the session may request
// and the choices it needs.
type issueForm struct {
	Kind, Name, Intro string
	IdempotencyKey    string
	// Unavailable, when set, says why the document cannot be requested
	// (no form is shown).
	Unavailable string
	Langs       []option // empty: Chinese only, no choice
	Years       []option // rights-record, benefit-details
	Countries   []option // overseas-exemption
	Posting     bool     // overseas-exemption: the posting period
}

// issueForms builds the forms of the kinds se may request, with the
// choices the person's records allow.
func (s *server) issueForms(ctx context.Context, se *session) ([]issueForm, error) {
	var forms []issueForm
	for _, kind := range issueKindsFor(se) {
		f := issueForm{Kind: kind, Name: KindName(kind), Intro: kindIntro[kind], IdempotencyKey: newIdempotencyKey()}
		if langs := signer.KindLanguages(kind); len(langs) > 1 {
			for _, l := range langs {
				f.Langs = append(f.Langs, option{Value: l, Text: langNames[l], Selected: l == signer.LangZH})
			}
		}
		switch kind {
		case signer.KindRightsRecord:
			years, err := s.contributionYears(ctx, se.PersonID)
			if err != nil {
				return nil, err
			}
			if len(years) == 0 {
				f.Unavailable = "没有查到您的缴费记录，暂不能开具个人权益记录单。"
			}
			// Last year's statement is the usual one (the current year
			// is not over); the newest year when there is none.
			def := 0
			if len(years) > 0 {
				def = years[0]
				if i := slices.Index(years, s.cfg.Now().Year()-1); i >= 0 {
					def = years[i]
				}
			}
			for _, y := range years {
				f.Years = append(f.Years, option{Value: strconv.Itoa(y), Text: fmt.Sprintf("%d 年", y), Selected: y == def})
			}
		case signer.KindBenefitDetails:
			years, err := s.benefitYears(ctx, se.PersonID)
			if err != nil {
				return nil, err
			}
			if len(years) == 0 {
				f.Unavailable = "没有查到您领取社会保险待遇的记录，暂不能开具待遇享受明细。"
				break
			}
			f.Years = []option{{Value: "0", Text: "最近 12 个月", Selected: true}}
			for _, y := range years {
				f.Years = append(f.Years, option{Value: strconv.Itoa(y), Text: fmt.Sprintf("%d 年", y)})
			}
		case signer.KindOverseasExemption:
			for _, c := range signer.AgreementCountries {
				f.Countries = append(f.Countries, option{Value: c.Code, Text: c.NameZH})
			}
			f.Posting = true
		}
		forms = append(forms, f)
	}
	return forms, nil
}

// recordsFrom is the earliest month the portal asks the records for.
const recordsFrom = "1950-01"

// contributionYears are the years with a paid contribution, newest
// first. Without PersonRecords: the last ten years (the signer then says
// whether there is anything to state).
func (s *server) contributionYears(ctx context.Context, personID string) ([]int, error) {
	now := s.cfg.Now()
	if s.records == nil {
		return lastTenYears(now), nil
	}
	cs, err := s.records.ContributionsBetween(ctx, personID, recordsFrom, now.Format("2006-01"))
	if err != nil {
		return nil, fmt.Errorf("portal: contributions of %s: %w", model.MaskID(personID), err)
	}
	seen := map[int]bool{}
	for _, c := range cs {
		if y, ok := monthYear(c.Month); ok && c.Paid {
			seen[y] = true
		}
	}
	return sortedYears(seen), nil
}

// lastTenYears are this year and the nine before it, newest first.
func lastTenYears(now time.Time) []int {
	ys := make([]int, 0, 10)
	for y := now.Year(); y > now.Year()-10; y-- {
		ys = append(ys, y)
	}
	return ys
}

// benefitYears are the years with a benefit payment, newest first; nil
// when the person received none. Without PersonRecords: the last ten
// years.
func (s *server) benefitYears(ctx context.Context, personID string) ([]int, error) {
	now := s.cfg.Now()
	if s.records == nil {
		return lastTenYears(now), nil
	}
	ps, err := s.records.BenefitPayments(ctx, personID, recordsFrom, now.Format("2006-01"))
	if err != nil {
		return nil, fmt.Errorf("portal: benefits of %s: %w", model.MaskID(personID), err)
	}
	seen := map[int]bool{}
	for _, p := range ps {
		if y, ok := monthYear(p.Month); ok {
			seen[y] = true
		}
	}
	return sortedYears(seen), nil
}

func monthYear(month string) (int, bool) {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return 0, false
	}
	return t.Year(), true
}

func sortedYears(set map[int]bool) []int {
	ys := make([]int, 0, len(set))
	for y := range set {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	slices.Reverse(ys)
	return ys
}

var postingDateRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`) })

// issueChoices are the choices a submitted form made, checked.
type issueChoices struct {
	Lang, Country, PostedFrom, PostedTo string
	Year                                int
}

// parseIssueChoices reads and checks the form's choices for kind; a bad
// or unavailable choice is ErrBadRequest with the reason in Chinese.
func (s *server) parseIssueChoices(ctx context.Context, se *session, kind string, form func(string) string) (issueChoices, error) {
	var c issueChoices
	c.Lang = form("lang")
	if c.Lang == "" {
		c.Lang = signer.LangZH
	}
	if !slices.Contains(signer.KindLanguages(kind), c.Lang) {
		return c, userErr(ErrBadRequest, fmt.Sprintf("%s没有所选的语言版本。", KindName(kind)), nil)
	}
	switch kind {
	case signer.KindRightsRecord, signer.KindBenefitDetails:
		y, err := strconv.Atoi(form("year"))
		if err != nil || y < 0 || y > 9999 {
			return c, userErr(ErrBadRequest, "请选择年度。", nil)
		}
		c.Year = y
		if kind == signer.KindRightsRecord {
			years, err := s.contributionYears(ctx, se.PersonID)
			if err != nil {
				return c, err
			}
			if !slices.Contains(years, y) {
				return c, userErr(ErrBadRequest, fmt.Sprintf("您在 %d 年没有缴费记录，不能开具该年度的个人权益记录单。", y), nil)
			}
			break
		}
		years, err := s.benefitYears(ctx, se.PersonID)
		if err != nil {
			return c, err
		}
		if len(years) == 0 {
			return c, userErr(ErrBadRequest, "没有查到您领取社会保险待遇的记录，不能开具待遇享受明细。", nil)
		}
		if y != 0 && !slices.Contains(years, y) {
			return c, userErr(ErrBadRequest, fmt.Sprintf("您在 %d 年没有领取待遇的记录，不能开具该年度的待遇享受明细。", y), nil)
		}
	case signer.KindOverseasExemption:
		country, ok := signer.Country(form("country"))
		if !ok {
			return c, userErr(ErrBadRequest, "请选择与我国签有社会保障协定的派往国家。", nil)
		}
		c.Country = country.Code
		c.PostedFrom, c.PostedTo = form("posted_from"), form("posted_to")
		for _, d := range []string{c.PostedFrom, c.PostedTo} {
			if d == "" {
				continue
			}
			if _, err := time.Parse("2006-01-02", d); err != nil || !postingDateRE().MatchString(d) {
				return c, userErr(ErrBadRequest, "派遣日期应为“年-月-日”格式，例如 2026-01-15。", nil)
			}
		}
		if c.PostedFrom != "" && c.PostedTo != "" && c.PostedTo < c.PostedFrom {
			return c, userErr(ErrBadRequest, "派遣结束日期早于开始日期，请检查。", nil)
		}
	}
	return c, nil
}

// idempotencyScope is the key the signer deduplicates on: the form's key
// scoped to the subject, the kind and the choices, so that a form sent
// twice names one document and other choices another.
func idempotencyScope(subject, key, kind string, c issueChoices) string {
	return fmt.Sprintf("portal:%s:%s:%s:%s:%d:%s:%s:%s", subject, key, kind, c.Lang, c.Year, c.Country, c.PostedFrom, c.PostedTo)
}
