package ident

import (
	"fmt"
	"time"
)

// NewCitizenID makes a valid citizen ID (or residence permit number, for
// areas 810000/820000/830000). seq numbers people born the same day in the
// same area, 0 … 499; the 3-digit order code is 2·seq+1 for a man and 2·seq
// for a woman, so the 17th digit carries the sex. It panics when area is
// not an acceptable 6-digit area code, the year is outside 1900–9999 or seq
// is out of range (programming errors in seed code).
func NewCitizenID(area string, birth time.Time, seq int, male bool) string {
	if len(area) != 6 || !allDigits(area) || area[0] == '9' {
		panic(fmt.Sprintf("ident: NewCitizenID: area %q is not a 6-digit area code", area))
	}
	s := area + birthDigits(birth) + orderDigits(seq, male)
	c, _ := CitizenCheckChar(s)
	out := s + string(c)
	if _, err := CitizenID(out); err != nil {
		panic(fmt.Sprintf("ident: NewCitizenID: %v", err))
	}
	return out
}

// NewForeignerID makes a valid 2023-layout foreigner permanent residence ID:
// province is the issuing office's 2-digit province code, country the ISO
// 3166 numeric code (e.g. "392" Japan, "840" United States), seq and male
// as for NewCitizenID. It panics on arguments that cannot make a valid number.
func NewForeignerID(province, country string, birth time.Time, seq int, male bool) string {
	if len(province) != 2 || len(country) != 3 || !allDigits(province+country) {
		panic(fmt.Sprintf("ident: NewForeignerID: province %q or country %q malformed", province, country))
	}
	s := "9" + province + country + birthDigits(birth) + orderDigits(seq, male)
	c, _ := CitizenCheckChar(s)
	out := s + string(c)
	if _, err := CitizenID(out); err != nil {
		panic(fmt.Sprintf("ident: NewForeignerID: %v", err))
	}
	return out
}

// NewCreditCode makes a valid unified social credit code: authority and
// category (e.g. '9', '1' for an enterprise registered with market
// regulation), the 6-digit area code, and an organisation code body made
// from seq (0 … 99999999). It panics on arguments that cannot make a valid
// code.
func NewCreditCode(authority, category byte, area string, seq int) string {
	if seq < 0 || seq > 99999999 {
		panic(fmt.Sprintf("ident: NewCreditCode: seq %d out of range", seq))
	}
	body := fmt.Sprintf("%08d", seq)
	oc, _ := OrgCodeCheckChar(body)
	s := string([]byte{authority, category}) + area + body + string(oc)
	c, ok := CreditCheckChar(s)
	if !ok {
		panic(fmt.Sprintf("ident: NewCreditCode: %q has characters outside the alphabet", s))
	}
	out := s + string(c)
	if err := CreditCode(out); err != nil {
		panic(fmt.Sprintf("ident: NewCreditCode: %v", err))
	}
	return out
}

func birthDigits(t time.Time) string {
	y, m, d := t.Date()
	if y < 1900 || y > 9999 {
		panic(fmt.Sprintf("ident: birth year %d outside 1900–9999", y))
	}
	return fmt.Sprintf("%04d%02d%02d", y, int(m), d)
}

func orderDigits(seq int, male bool) string {
	if seq < 0 || seq > 499 {
		panic(fmt.Sprintf("ident: seq %d outside 0–499", seq))
	}
	o := 2 * seq
	if male {
		o++
	}
	return fmt.Sprintf("%03d", o)
}
