package sqlite

import (
	"encoding/json"
	"strconv"

	"sihub/model"
)

// appendContributionJSON appends to dst exactly what json.Marshal writes
// for c. Contributions are most of a bulk load's rows, and reflection was
// a tenth of its cost; strings that need escaping (quotes, backslashes,
// control characters, the HTML characters json.Marshal escapes, anything
// outside printable ASCII) go through encoding/json.
func appendContributionJSON(dst []byte, c model.Contribution) ([]byte, error) {
	if !plainJSON(c.PersonID) || !plainJSON(c.Month) || !plainJSON(c.Type) || !plainJSON(c.UnitCode) {
		data, err := json.Marshal(c)
		return append(dst, data...), err
	}
	dst = append(dst, `{"person_id":"`...)
	dst = append(dst, c.PersonID...)
	dst = append(dst, `","month":"`...)
	dst = append(dst, c.Month...)
	dst = append(dst, `","type":"`...)
	dst = append(dst, c.Type...)
	dst = append(dst, `","base":`...)
	dst = strconv.AppendInt(dst, c.Base, 10)
	dst = append(dst, `,"employer":`...)
	dst = strconv.AppendInt(dst, c.Employer, 10)
	dst = append(dst, `,"personal":`...)
	dst = strconv.AppendInt(dst, c.Personal, 10)
	dst = append(dst, `,"paid":`...)
	dst = strconv.AppendBool(dst, c.Paid)
	dst = append(dst, `,"unit_code":"`...)
	dst = append(dst, c.UnitCode...)
	return append(dst, `"}`...), nil
}

// plainJSON reports whether json.Marshal writes s between quotes as it is.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
