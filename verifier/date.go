package verifier

import (
	"strconv"
	"strings"
	"time"
)

// parsePDFDate reads a PDF date "D:YYYYMMDDHHmmSSOHH'mm'" (every part after
// the year optional).
func parsePDFDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	num := func(i, n, def int) (int, bool) {
		if len(s) < i+n {
			return def, len(s) <= i
		}
		v, err := strconv.Atoi(s[i : i+n])
		return v, err == nil
	}
	if len(s) < 4 {
		return time.Time{}, false
	}
	year, ok1 := num(0, 4, 0)
	month, ok2 := num(4, 2, 1)
	day, ok3 := num(6, 2, 1)
	hour, ok4 := num(8, 2, 0)
	minute, ok5 := num(10, 2, 0)
	sec, ok6 := num(12, 2, 0)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	loc := time.UTC
	if len(s) > 14 {
		switch z := s[14]; z {
		case '+', '-':
			rest := strings.ReplaceAll(s[15:], "'", "")
			oh, om := 0, 0
			if len(rest) >= 2 {
				oh, _ = strconv.Atoi(rest[:2])
			}
			if len(rest) >= 4 {
				om, _ = strconv.Atoi(rest[2:4])
			}
			off := oh*3600 + om*60
			if z == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		}
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc), true
}
