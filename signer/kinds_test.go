package signer

import (
	"errors"
	"slices"
	"testing"
	"time"

	"sihub/model"
)

func TestParseLang(t *testing.T) {
	for in, want := range map[string]string{"": LangZH, "zh": LangZH, "EN": LangEN, "zh,en": LangBoth, "en, zh": LangBoth} {
		got, err := parseLang(in)
		if err != nil || got != want {
			t.Errorf("parseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"fr", "zh,zh", "zh,", ",", "zh,en,fr"} {
		if got, err := parseLang(in); !errors.Is(err, ErrBadRequest) {
			t.Errorf("parseLang(%q) = %q, %v; want ErrBadRequest", in, got, err)
		}
	}
}

func TestKindConfig(t *testing.T) {
	got, err := kindConfig(Config{Validity: 30 * day, Kinds: map[string]KindConfig{
		KindReceipt:      {Validity: 10 * day, VerifyWindow: 20 * day},
		KindResultNotice: {Validity: 5 * day},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[string]KindConfig{
		KindInsuranceCertificate: {30 * day, DefaultKinds[KindInsuranceCertificate].VerifyWindow}, // Config.Validity
		KindReceipt:              {10 * day, 20 * day},
		KindResultNotice:         {5 * day, 5 * day}, // no window: as long as valid
		KindOverseasExemption:    DefaultKinds[KindOverseasExemption],
	} {
		if got[kind] != want {
			t.Errorf("%s: %+v, want %+v", kind, got[kind], want)
		}
	}
	if len(got) != len(kinds) {
		t.Errorf("%d kinds configured, want %d", len(got), len(kinds))
	}
	for name, cfg := range map[string]Config{
		"unknown kind":    {Kinds: map[string]KindConfig{"diploma": {Validity: day}}},
		"under a day":     {Kinds: map[string]KindConfig{KindReceipt: {Validity: time.Hour}}},
		"negative window": {Kinds: map[string]KindConfig{KindReceipt: {Validity: day, VerifyWindow: -day}}},
	} {
		if _, err := kindConfig(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestEveryKindIsInTheTable(t *testing.T) {
	prefixes := map[string]bool{}
	// The kinds of DESIGN.md §4.
	for _, kind := range []string{KindInsuranceCertificate, KindUnitInsuranceCertificate, KindReceipt, KindResultNotice,
		KindTransferVoucher, KindRightsRecord, KindBenefitDetails, KindOverseasExemption} {
		spec, ok := kinds[kind]
		if !ok || spec.bind == nil || spec.prefix == "" || !spec.langs[LangZH] {
			t.Errorf("kind %s: %+v", kind, spec)
		}
		if prefixes[spec.prefix] {
			t.Errorf("prefix %s used twice", spec.prefix)
		}
		prefixes[spec.prefix] = true
		if _, ok := DefaultKinds[kind]; !ok {
			t.Errorf("kind %s has no default validity", kind)
		}
	}
	// The certificates people take abroad come in English and bilingual.
	for _, kind := range []string{KindInsuranceCertificate, KindOverseasExemption, KindTransferVoucher} {
		if got := KindLanguages(kind); !slices.Equal(got, []string{LangZH, LangEN, LangBoth}) {
			t.Errorf("%s is written in %v", kind, got)
		}
	}
}

func TestAgreementCountries(t *testing.T) {
	codes := map[string]bool{}
	for _, c := range AgreementCountries {
		if len(c.Code) != 2 || codes[c.Code] || c.NameZH == "" || c.NameEN == "" || c.AgreementZH == "" || c.AgreementEN == "" ||
			len(c.Covered) == 0 || c.MaxPostingMonths <= 0 {
			t.Errorf("country %+v", c)
		}
		codes[c.Code] = true
		for _, typ := range c.Covered {
			if InsuranceTypeNames[typ] == "" || insuranceTypeNamesEN[typ] == "" {
				t.Errorf("%s covers unknown type %s", c.Code, typ)
			}
		}
		for _, q := range []string{c.Code, c.NameZH, c.NameEN} {
			if got, ok := Country(q); !ok || got.Code != c.Code {
				t.Errorf("Country(%q) = %s, %v", q, got.Code, ok)
			}
		}
	}
	if de, _ := Country("de"); !slices.Equal(de.Covered, []string{model.InsPensionEnterprise, model.InsUnemployment}) {
		t.Errorf("Germany covers %v", de.Covered)
	}
	if _, ok := Country("US"); ok {
		t.Error("Country(US) found an agreement")
	}
}

func TestPostingPeriod(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 28, 18, 0, 0, 0, cst)
	de, _ := Country("DE")
	day := func(s string) time.Time { d, _ := time.ParseInLocation("2006-01-02", s, cst); return d }
	for _, tc := range []struct {
		from, to         string
		wantFrom, wantTo string
	}{
		{"", "", "2026-11-28", "2030-11-27"},
		{"2027-01-01", "", "2027-01-01", "2030-12-31"},
		{"", "2027-06-30", "2026-11-28", "2027-06-30"},
		{"2026-01-01", "2026-12-31", "2026-01-01", "2026-12-31"},
	} {
		from, to, err := postingPeriod(IssueRequest{PostedFrom: tc.from, PostedTo: tc.to}, de, now)
		if err != nil || !from.Equal(day(tc.wantFrom)) || !to.Equal(day(tc.wantTo)) {
			t.Errorf("(%q, %q) = %s – %s, %v; want %s – %s", tc.from, tc.to, from, to, err, tc.wantFrom, tc.wantTo)
		}
	}
	for _, bad := range [][2]string{{"2027-01-01", "2031-01-01"}, {"2027-01-01", "2026-12-31"}, {"2025-01-01", ""}, {"2027-13-01", ""}, {"", "tomorrow"}} {
		if _, _, err := postingPeriod(IssueRequest{PostedFrom: bad[0], PostedTo: bad[1]}, de, now); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%q: err = %v, want ErrBadRequest", bad, err)
		}
	}
}

func TestNextMonth(t *testing.T) {
	for in, want := range map[string]string{"2025-12": "2026-01", "2026-01": "2026-02", "2026-09": "2026-10"} {
		if got := nextMonth(in); got != want {
			t.Errorf("nextMonth(%s) = %s, want %s", in, got, want)
		}
	}
}
