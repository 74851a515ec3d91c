package portal

import "strings"

// maxCodeInput bounds what NormalizeCode reads.
const maxCodeInput = 64

// NormalizeCode turns an anti-forgery code as typed or scanned into the
// canonical registry form: separators ('-', spaces, full-width hyphen and
// space) removed, upper case. It returns "" for input that cannot be a
// code (too long, characters other than letters and digits), so callers
// answer "not found" without asking the registry.
func NormalizeCode(s string) string {
	if len(s) > maxCodeInput {
		return ""
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\u3000' || r == '\uff0d' || r == '\u2010' || r == '\u2013' || r == '\u2014':
			continue
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			return ""
		}
	}
	return b.String()
}

// groupCode formats a canonical code for reading: groups of six joined by
// '-', the way it is printed on the document.
func groupCode(c string) string {
	const group = 6
	var b strings.Builder
	for i := 0; i < len(c); i += group {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(c[i:min(i+group, len(c))])
	}
	return b.String()
}
