package ident

import (
	"strings"
	"unicode/utf8"
)

// CreditAlphabet is the GB 32100 character set: digits and upper-case
// letters without I, O, S, V and Z. A character's value is its index.
const CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights of the 8-character organisation code body.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// creditAuthorities are the registration authorities of GB 32100 Table 1.
var creditAuthorities = map[byte]string{
	'1': "机构编制", '2': "外交", '3': "司法行政", '4': "文化", '5': "民政", '6': "旅游",
	'7': "宗教", '8': "工会", '9': "工商", 'A': "中央军委改革和编制办公室", 'N': "农业", 'Y': "其他",
}

// Credit is a parsed unified social credit code.
type Credit struct {
	Code      string // the 18 characters
	Authority byte   // 登记管理部门代码
	Category  byte   // 机构类别代码
	Area      string // 登记管理机关行政区划码 (100000 for national bodies)
	OrgCode   string // 主体标识码 (GB 11714 organisation code, 9 characters)
}

// AuthorityName is the registration authority's name, "" if unknown.
func (c Credit) AuthorityName() string { return creditAuthorities[c.Authority] }

// CreditCheckChar computes the check character of the first 17 characters
// of a credit code; ok is false if they are not 17 characters of
// CreditAlphabet.
func CreditCheckChar(first17 string) (c byte, ok bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(CreditAlphabet, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditWeights[i]
	}
	return CreditAlphabet[(31-sum%31)%31], true
}

// OrgCodeCheckChar computes the GB 11714 check character (0-9 or X) of an
// 8-character organisation code body (digits and upper-case letters,
// A=10 … Z=35).
func OrgCodeCheckChar(body8 string) (c byte, ok bool) {
	if len(body8) != 8 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		v, ok := legacyValue(body8[i])
		if !ok {
			return 0, false
		}
		sum += v * orgWeights[i]
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X', true
	case 11:
		return '0', true
	default:
		return byte('0' + r), true
	}
}

// CreditCode validates a unified social credit code (GB 32100-2015).
func CreditCode(s string) error {
	_, err := ParseCreditCode(s)
	return err
}

// ParseCreditCode validates a unified social credit code and returns its
// parts: 18 characters of CreditAlphabet, a known registration authority,
// a 6-digit area code with a known province prefix (or 10 for national
// bodies), a valid embedded GB 11714 organisation code, and the check
// character.
func ParseCreditCode(s string) (Credit, error) {
	if n := utf8.RuneCountInString(s); n != 18 || len(s) != 18 {
		return Credit{}, newErr(ErrLength, 0, "统一社会信用代码应为18位，实为%d位", "credit code must have 18 characters, got %d", n)
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(CreditAlphabet, s[i]) < 0 {
			hint, hintEN := "", ""
			switch {
			case s[i] >= 'a' && s[i] <= 'z':
				hint, hintEN = "，字母应大写", ", letters must be upper case"
			case strings.IndexByte("IOSVZ", s[i]) >= 0:
				hint, hintEN = "，不使用I、O、S、V、Z", ", I O S V Z are not used"
			}
			return Credit{}, newErr(ErrCharacter, i+1, "统一社会信用代码第%d位「%c」不是有效字符"+hint, "character %d %q is not in the credit code alphabet"+hintEN, i+1, s[i])
		}
	}
	c := Credit{Code: s, Authority: s[0], Category: s[1], Area: s[2:8], OrgCode: s[8:17]}
	if creditAuthorities[c.Authority] == "" {
		return Credit{}, newErr(ErrCharacter, 1, "登记管理部门代码「%c」不存在", "registration authority %q is unknown", c.Authority)
	}
	if c.Category == '0' {
		return Credit{}, newErr(ErrCharacter, 2, "机构类别代码「%c」无效", "category %q is invalid", c.Category)
	}
	if !allDigits(c.Area) || (provinces[c.Area[:2]] == "" && c.Area[:2] != "10") {
		return Credit{}, newErr(ErrArea, 3, "登记管理机关行政区划码%s无效", "area code %s is invalid", c.Area)
	}
	if want, ok := OrgCodeCheckChar(c.OrgCode[:8]); !ok || want != c.OrgCode[8] {
		got := c.OrgCode[8]
		if !ok {
			want = '?'
		}
		return Credit{}, newErr(ErrOrgCode, 17, "主体标识码（组织机构代码）%s校验码错误：应为%c，实为%c", "organisation code %s check character: expected %c, got %c", c.OrgCode, want, got)
	}
	want, _ := CreditCheckChar(s[:17])
	if want != s[17] {
		return Credit{}, newErr(ErrCheck, 18, "统一社会信用代码校验码错误：应为%c，实为%c", "check character: expected %c, got %c", want, s[17])
	}
	return c, nil
}
