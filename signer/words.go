package signer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sihub/ident"
	"sihub/model"
)

// phrase is a label or a sentence in both languages.
type phrase struct{ zh, en string }

// in returns the phrase in lang: bilingual labels read "中文 English".
func (p phrase) in(lang string) string {
	switch lang {
	case LangEN:
		return p.en
	case LangBoth:
		return p.zh + " " + p.en
	}
	return p.zh
}

// head returns the phrase as a table header: bilingual ones stacked.
func (p phrase) head(lang string) string {
	if lang == LangBoth {
		return p.zh + "\n" + p.en
	}
	return p.in(lang)
}

// note returns a sentence in lang: bilingual ones on two lines.
func (p phrase) note(lang string) string {
	if lang == LangBoth {
		return p.zh + "\n" + p.en
	}
	return p.in(lang)
}

// titles returns a document's title and, when bilingual, its English
// subtitle.
func titles(lang string, p phrase) (title, subtitle string) {
	switch lang {
	case LangEN:
		return p.en, ""
	case LangBoth:
		return p.zh, p.en
	}
	return p.zh, ""
}

func notesIn(lang string, ps []phrase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.note(lang)
	}
	return out
}

// dateIn formats a day in lang.
func dateIn(lang string, t time.Time) string {
	zh := fmt.Sprintf("%04d年%02d月%02d日", t.Year(), int(t.Month()), t.Day())
	switch lang {
	case LangEN:
		return t.Format("2 January 2006")
	case LangBoth:
		return zh + "\n" + t.Format("2 January 2006")
	}
	return zh
}

// monthIn formats a "YYYY-MM" month in lang ("" stays "").
func monthIn(lang, m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	zh := fmt.Sprintf("%04d年%02d月", t.Year(), int(t.Month()))
	switch lang {
	case LangEN:
		return t.Format("January 2006")
	case LangBoth:
		return zh + " / " + t.Format("Jan 2006")
	}
	return zh
}

// yuanText formats an amount in fen as yuan with two decimals.
func yuanText(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// regionName names a 6-digit area code by its province, with the code.
func regionName(code string) string {
	if len(code) < 2 {
		return code
	}
	if p := ident.ProvinceName(code[:2]); p != "" {
		return p + "（" + code + "）"
	}
	return code
}

// sexIn gives "男"/"女" in lang.
func sexIn(lang, s string) string { return certificateWords[lang].sex(s) }

// typeName names an insurance type in lang.
func typeName(lang, typ string) string { return nameOr(certificateWords[lang].types[typ], typ) }

// unitName reads a unit's name; an unknown code stands for itself.
func (s *Service) unitName(ctx context.Context, code string) (string, error) {
	u := &unitNames{records: s.records, names: map[string]string{}}
	return u.name(ctx, code)
}

// lines joins non-empty strings with newlines.
func lines(ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n")
}

func isNotFound(err error) bool { return errors.Is(err, model.ErrNotFound) }

// birthIn formats a "YYYY-MM-DD" date of birth in lang.
func birthIn(lang, d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return nameOr(d, "—")
	}
	return dateIn(lang, t)
}

// endOfYear is 31 December of year y in now's location.
func endOfYear(y int, now time.Time) time.Time {
	return time.Date(y, 12, 31, 0, 0, 0, 0, now.Location())
}
