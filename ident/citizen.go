package ident

import (
	"time"
	"unicode/utf8"
)

// Kind is the document an 18- or 15-character person number belongs to.
type Kind string

// Kinds of person numbers.
const (
	KindCitizen      Kind = "citizen"          // 居民身份证 (GB 11643)
	KindHongKong     Kind = "hk-permit"        // 港澳台居民居住证, Hong Kong (810000)
	KindMacau        Kind = "macau-permit"     // 港澳台居民居住证, Macau (820000)
	KindTaiwan       Kind = "taiwan-permit"    // 港澳台居民居住证, Taiwan (830000)
	KindForeigner    Kind = "foreigner"        // 外国人永久居留身份证, from 2023-12-01
	KindForeignerOld Kind = "foreigner-legacy" // 外国人永久居留身份证, 15 characters, before 2023-12-01
)

// ID is a parsed person number.
type ID struct {
	Number   string    // normalised: upper-case X
	Kind     Kind      // which document
	Area     string    // 6-digit area code (citizen, permits); "" for foreigners
	Province string    // 2-digit province code (foreigners: of the issuing office)
	Country  string    // foreigners: ISO 3166 numeric (new) or alpha-3 (legacy)
	Birth    time.Time // birth date, midnight UTC
	Male     bool      // odd 17th digit (legacy: odd sex digit)
	Order    string    // sequence digits, the sex digit included
}

// Sex is "男" or "女", as in model.Person.Sex.
func (id ID) Sex() string {
	if id.Male {
		return "男"
	}
	return "女"
}

// citizenWeights are the ISO 7064 MOD 11-2 weights of the first 17 digits.
var citizenWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const citizenCheckChars = "10X98765432"

// CitizenCheckChar computes the check character (0-9 or X) of the first 17
// digits of an 18-character person number. ok is false if first17 is not
// 17 digits.
func CitizenCheckChar(first17 string) (c byte, ok bool) {
	if len(first17) != 17 || !allDigits(first17) {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * citizenWeights[i]
	}
	return citizenCheckChars[sum%11], true
}

// CitizenID validates an 18-character person number in the GB 11643 layout:
// a citizen ID, a Hong Kong / Macau / Taiwan residence permit, or a 2023
// foreigner permanent residence ID (leading 9). A lower-case x check
// character is accepted and normalised. Birth dates are checked to be real
// dates from 1900 on; use CitizenIDAt to also reject future ones.
func CitizenID(s string) (ID, error) {
	if n := utf8.RuneCountInString(s); n != 18 || len(s) != 18 {
		return ID{}, newErr(ErrLength, 0, "身份号码应为18位，实为%d位", "person number must have 18 characters, got %d", n)
	}
	if i := firstNonDigit(s[:17]); i >= 0 {
		return ID{}, newErr(ErrCharacter, i+1, "身份号码第%d位「%c」不是数字", "character %d %q is not a digit", i+1, s[i])
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if (last < '0' || last > '9') && last != 'X' {
		return ID{}, newErr(ErrCharacter, 18, "身份号码第18位「%c」应为数字或X", "character 18 %q must be a digit or X", s[17])
	}
	id := ID{Number: s[:17] + string(last)}
	const dateAt = 6
	if s[0] == '9' {
		id.Kind = KindForeigner
		id.Province, id.Country, id.Order = s[1:3], s[3:6], s[14:17]
		if p := provinces[id.Province]; p == "" || id.Province == "71" || id.Province == "81" || id.Province == "82" {
			return ID{}, newErr(ErrArea, 2, "永久居留身份证受理地代码%s无效", "foreigner ID province code %s is unknown", id.Province)
		}
		if id.Country == "000" {
			return ID{}, newErr(ErrArea, 4, "永久居留身份证国籍代码%s无效", "foreigner ID country code %s is invalid", id.Country)
		}
	} else {
		id.Area, id.Province, id.Order = s[:6], s[:2], s[14:17]
		switch id.Area {
		case AreaHongKong:
			id.Kind = KindHongKong
		case AreaMacau:
			id.Kind = KindMacau
		case AreaTaiwan:
			id.Kind = KindTaiwan
		default:
			id.Kind = KindCitizen
			if provinces[id.Province] == "" || id.Province == "81" || id.Province == "82" {
				return ID{}, newErr(ErrArea, 1, "行政区划代码%s无效（省级代码%s不存在）", "area code %s is invalid (no province %s)", id.Area, id.Province)
			}
		}
	}
	birth, err := parseDate(s[dateAt:dateAt+8], dateAt+1)
	if err != nil {
		return ID{}, err
	}
	id.Birth = birth
	id.Male = (s[16]-'0')%2 == 1
	want, _ := CitizenCheckChar(s[:17])
	if want != last {
		return ID{}, newErr(ErrCheck, 18, "身份号码校验码错误：应为%c，实为%c", "check character: expected %c, got %c", want, last)
	}
	return id, nil
}

// CitizenIDAt is CitizenID that also rejects a birth date after today.
func CitizenIDAt(s string, today time.Time) (ID, error) {
	id, err := CitizenID(s)
	if err != nil {
		return id, err
	}
	y, m, d := today.Date()
	if id.Birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return ID{}, newErr(ErrDate, 7, "出生日期%s晚于今天", "birth date %s is in the future", id.Birth.Format("2006-01-02"))
	}
	return id, nil
}

// PersonID validates any person number sihub accepts as a social security
// number: those of CitizenID, and the 15-character foreigner permanent
// residence ID issued before 2023-12-01.
func PersonID(s string) (ID, error) {
	if len(s) == 15 && s[0] >= 'A' && s[0] <= 'Z' {
		return ForeignerIDLegacy(s)
	}
	return CitizenID(s)
}

// parseDate reads YYYYMMDD; pos is the 1-based position for errors.
func parseDate(s string, pos int) (time.Time, error) {
	y := atoi(s[:4])
	m := atoi(s[4:6])
	d := atoi(s[6:8])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, newErr(ErrDate, pos, "出生日期%s不是有效日期", "birth date %s is not a valid date", s)
	}
	return t, nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
