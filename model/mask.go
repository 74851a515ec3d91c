package model

import "strings"

// MaskName hides all of a name but its first character and, for names of
// three or more characters, its last: "张三" → "张*", "张三丰" → "张*丰",
// "欧阳娜娜" → "欧**娜".
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch n := len(r); {
	case n == 0:
		return ""
	case n == 1:
		return "*"
	case n == 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", n-2) + string(r[n-1])
	}
}

// MaskID hides the middle of an identifier, keeping the first six and the
// last four characters: "110105199003071239" → "110105********1239".
// Identifiers of ten characters or fewer keep only their last two.
func MaskID(id string) string {
	r := []rune(strings.TrimSpace(id))
	n := len(r)
	switch {
	case n == 0:
		return ""
	case n <= 10:
		if n <= 2 {
			return strings.Repeat("*", n)
		}
		return strings.Repeat("*", n-2) + string(r[n-2:])
	default:
		return string(r[:6]) + strings.Repeat("*", n-10) + string(r[n-4:])
	}
}
