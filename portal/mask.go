package portal

import "strings"

// MaskName hides a holder's name for people who only verify a document:
// the first and the last character stay, the middle becomes '*'; a
// two-character name keeps its first character ("张三" → "张*",
// "张三丰" → "张*丰", "欧阳娜娜" → "欧**娜"); one character becomes "*".
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	}
}

// MaskID hides an identifier (citizen ID, credit code): the first six
// (the area code) and the last four characters stay
// ("110105199003071239" → "110105********1239"). Identifiers of ten
// characters or fewer keep only their last two.
func MaskID(id string) string {
	r := []rune(strings.TrimSpace(id))
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 2:
		return strings.Repeat("*", len(r))
	case len(r) <= 10:
		return strings.Repeat("*", len(r)-2) + string(r[len(r)-2:])
	default:
		return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
	}
}
