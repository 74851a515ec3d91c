package signer

import (
	"sort"
	"strings"

	"sihub/model"
)

// AgreementCountry is a country China has a bilateral social security
// agreement with, and the Chinese insurances a worker posted there keeps
// paying (and so is exempted from in that country).
type AgreementCountry struct {
	Code             string   // ISO 3166-1 alpha-2, upper case
	NameZH, NameEN   string   // the country's name
	AgreementZH      string   // the agreement's Chinese title
	AgreementEN      string   // its English title
	Covered          []string // insurance types (model.Ins*) the agreement covers
	MaxPostingMonths int      // longest posting the certificate may cover
}

// AgreementCountries is the list of bilateral agreements (DOMAIN.md §6).
// Germany's covered types (pension, unemployment) are from a secondary
// source; the other countries' types and posting limits are the commonly
// published ones and are configuration, to be checked against each
// agreement's text before production use.
var AgreementCountries = []AgreementCountry{
	{"DE", "德国", "Germany", "中华人民共和国和德意志联邦共和国社会保险协定", "Agreement between the People's Republic of China and the Federal Republic of Germany on Social Insurance",
		[]string{model.InsPensionEnterprise, model.InsUnemployment}, 48},
	{"KR", "韩国", "Korea", "中华人民共和国政府和大韩民国政府社会保险协定", "Agreement on Social Security between the People's Republic of China and the Republic of Korea",
		[]string{model.InsPensionEnterprise}, 60},
	{"DK", "丹麦", "Denmark", "中华人民共和国和丹麦王国社会保障协定", "Agreement on Social Security between the People's Republic of China and the Kingdom of Denmark",
		[]string{model.InsPensionEnterprise}, 60},
	{"FI", "芬兰", "Finland", "中华人民共和国和芬兰共和国社会保障协定", "Agreement on Social Security between the People's Republic of China and the Republic of Finland",
		[]string{model.InsPensionEnterprise, model.InsUnemployment}, 60},
	{"CA", "加拿大", "Canada", "中华人民共和国政府和加拿大政府社会保障协定", "Agreement on Social Security between the Government of the People's Republic of China and the Government of Canada",
		[]string{model.InsPensionEnterprise}, 72},
	{"CH", "瑞士", "Switzerland", "中华人民共和国和瑞士联邦社会保障协定", "Agreement on Social Security between the People's Republic of China and the Swiss Confederation",
		[]string{model.InsPensionEnterprise}, 72},
	{"NL", "荷兰", "Netherlands", "中华人民共和国和荷兰王国社会保障协定", "Agreement on Social Security between the People's Republic of China and the Kingdom of the Netherlands",
		[]string{model.InsPensionEnterprise}, 60},
	{"FR", "法国", "France", "中华人民共和国政府和法兰西共和国政府社会保障协定", "Agreement on Social Security between the Government of the People's Republic of China and the Government of the French Republic",
		[]string{model.InsPensionEnterprise}, 60},
	{"ES", "西班牙", "Spain", "中华人民共和国和西班牙王国社会保障协定", "Agreement on Social Security between the People's Republic of China and the Kingdom of Spain",
		[]string{model.InsPensionEnterprise, model.InsUnemployment}, 72},
	{"LU", "卢森堡", "Luxembourg", "中华人民共和国和卢森堡大公国社会保障协定", "Agreement on Social Security between the People's Republic of China and the Grand Duchy of Luxembourg",
		[]string{model.InsPensionEnterprise}, 60},
	{"JP", "日本", "Japan", "中华人民共和国和日本国社会保障协定", "Agreement between the People's Republic of China and Japan on Social Security",
		[]string{model.InsPensionEnterprise}, 60},
	{"RS", "塞尔维亚", "Serbia", "中华人民共和国和塞尔维亚共和国社会保障协定", "Agreement on Social Security between the People's Republic of China and the Republic of Serbia",
		[]string{model.InsPensionEnterprise, model.InsUnemployment}, 60},
	{"KG", "吉尔吉斯斯坦", "Kyrgyzstan", "中华人民共和国和吉尔吉斯共和国社会保障协定", "Agreement on Social Security between the People's Republic of China and the Kyrgyz Republic",
		[]string{model.InsPensionEnterprise}, 60},
}

// Country finds an agreement country by its ISO code or its Chinese or
// English name (case-insensitive).
func Country(s string) (AgreementCountry, bool) {
	s = strings.TrimSpace(s)
	for _, c := range AgreementCountries {
		if strings.EqualFold(c.Code, s) || c.NameZH == s || strings.EqualFold(c.NameEN, s) {
			return c, true
		}
	}
	return AgreementCountry{}, false
}

// CountryCodes lists the agreement countries' codes in order.
func CountryCodes() []string {
	out := make([]string, len(AgreementCountries))
	for i, c := range AgreementCountries {
		out[i] = c.Code
	}
	sort.Strings(out)
	return out
}
