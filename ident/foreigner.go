package ident

// legacyValue is a character's value in the legacy foreigner ID check:
// digits 0–9, letters A=10 … Z=35.
func legacyValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// ForeignerLegacyCheckDigit computes the check digit of the first 14
// characters of a legacy foreigner ID: weights 7, 3, 1 repeating, sum mod 10.
func ForeignerLegacyCheckDigit(first14 string) (byte, bool) {
	if len(first14) != 14 {
		return 0, false
	}
	w := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < 14; i++ {
		v, ok := legacyValue(first14[i])
		if !ok {
			return 0, false
		}
		sum += v * w[i%3]
	}
	return byte('0' + sum%10), true
}

// ForeignerIDLegacy validates the 15-character foreigner permanent residence
// ID issued before 2023-12-01: ISO 3166 alpha-3 country, 4-digit issuing
// office, YYMMDD birth date, sex digit (odd male), check digit. A two-digit
// year YY is read as 20YY when that is no later than 2023 (the last year
// this card was issued), else 19YY.
func ForeignerIDLegacy(s string) (ID, error) {
	if len(s) != 15 {
		return ID{}, newErr(ErrLength, 0, "旧版永久居留身份证号码应为15位，实为%d位", "legacy foreigner ID must have 15 characters, got %d", len([]rune(s)))
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return ID{}, newErr(ErrCharacter, i+1, "旧版永久居留身份证号码第%d位「%c」应为大写字母（国籍代码）", "character %d %q must be an upper-case letter (country)", i+1, s[i])
		}
	}
	if i := firstNonDigit(s[3:]); i >= 0 {
		return ID{}, newErr(ErrCharacter, i+4, "旧版永久居留身份证号码第%d位「%c」不是数字", "character %d %q is not a digit", i+4, s[i+3])
	}
	yy := atoi(s[7:9])
	year := 2000 + yy
	if year > 2023 {
		year = 1900 + yy
	}
	birth, err := parseDate(itoa4(year)+s[9:13], 8)
	if err != nil {
		return ID{}, err
	}
	want, _ := ForeignerLegacyCheckDigit(s[:14])
	if want != s[14] {
		return ID{}, newErr(ErrCheck, 15, "旧版永久居留身份证校验码错误：应为%c，实为%c", "check digit: expected %c, got %c", want, s[14])
	}
	return ID{
		Number:   s,
		Kind:     KindForeignerOld,
		Province: s[3:5],
		Country:  s[:3],
		Birth:    birth,
		Male:     (s[13]-'0')%2 == 1,
		Order:    s[13:14],
	}, nil
}

func itoa4(n int) string {
	return string([]byte{byte('0' + n/1000%10), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}
