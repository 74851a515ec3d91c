package portal

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Languages of the verification pages. Chinese is the default; English is
// for foreign banks, embassies and employers.
const (
	langZH = "zh"
	langEN = "en"
)

// langCookie remembers a language chosen with the ?lang= toggle.
const langCookie = "sihub_lang"

// maxAcceptLanguage bounds the Accept-Language header read.
const maxAcceptLanguage = 256

// pageLang picks the language of a verification page: ?lang=zh|en (which
// is remembered in a cookie), else the cookie, else the first of Chinese
// and English in Accept-Language by preference, else Chinese.
func (s *server) pageLang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == langZH || l == langEN {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langZH || c.Value == langEN) {
		return c.Value
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage returns langZH or langEN, whichever the header prefers
// (RFC 9110 §12.5.4 quality values; ties go to the earlier one); Chinese
// when it names neither.
func acceptLanguage(h string) string {
	if len(h) > maxAcceptLanguage {
		h = h[:maxAcceptLanguage]
	}
	type pref struct {
		lang string
		q    float64
		pos  int
	}
	var prefs []pref
	for i, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		var l string
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			l = langZH
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			l = langEN
		default:
			continue
		}
		if q > 0 {
			prefs = append(prefs, pref{l, q, i})
		}
	}
	if len(prefs) == 0 {
		return langZH
	}
	sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].q > prefs[j].q })
	return prefs[0].lang
}

// wordsFor returns the words of a verification page in lang.
func wordsFor(lang string) *words {
	if lang == langEN {
		return &wordsEN
	}
	return &wordsZH
}

// otherLang is the language the toggle switches to, with its label.
func otherLang(lang string) (string, string) {
	if lang == langEN {
		return langZH, "中文"
	}
	return langEN, "English"
}

func otherLangCode(lang string) string { l, _ := otherLang(lang); return l }

func otherLangLabel(lang string) string { _, label := otherLang(lang); return label }
