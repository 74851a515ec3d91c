package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"sihub/model"
)

// Contributions are the most numerous rows the issuing path reads (a
// yearly statement reads every month of 13 years, four insurance types
// each), and encoding/json's reflection was a fifth of a statement's cost.
// decodeContribution reads the JSON that json.Marshal writes for a
// model.Contribution directly; anything outside that plain shape (an
// escape in a string, an unknown or differently cased key, null, a number
// that is not a plain integer) falls back to encoding/json, so the result
// is always what json.Unmarshal would give.

// maxContributionJSON caps the fast path; longer rows go to encoding/json.
const maxContributionJSON = 4 << 10

// decodeContribution decodes one contribution row. p, if not nil, is
// reused across the rows of one query: a string equal to the previous
// row's (the person, the type, the unit) is shared instead of copied.
func decodeContribution(data []byte, c *model.Contribution, p *jsonScan) error {
	if p == nil {
		p = &jsonScan{}
	}
	if len(data) <= maxContributionJSON && p.contribution(data, c) {
		return nil
	}
	*c = model.Contribution{}
	return json.Unmarshal(data, c)
}

// contribution decodes data into c and reports whether it could; on false
// c holds garbage.
func (p *jsonScan) contribution(data []byte, c *model.Contribution) bool {
	*c = model.Contribution{}
	p.b, p.i = data, 0
	if !p.byte('{') {
		return false
	}
	if p.byte('}') {
		return p.end()
	}
	for {
		key, ok := p.raw()
		if !ok || !p.byte(':') {
			return false
		}
		switch string(key) {
		case "person_id":
			c.PersonID, ok = p.text(0)
		case "month":
			c.Month, ok = p.text(1)
		case "type":
			c.Type, ok = p.text(2)
		case "unit_code":
			c.UnitCode, ok = p.text(3)
		case "base":
			c.Base, ok = p.int()
		case "employer":
			c.Employer, ok = p.int()
		case "personal":
			c.Personal, ok = p.int()
		case "paid":
			c.Paid, ok = p.bool()
		default:
			return false
		}
		if !ok {
			return false
		}
		if p.byte(',') {
			continue
		}
		return p.byte('}') && p.end()
	}
}

// jsonScan reads the plain subset of JSON contribution accepts.
type jsonScan struct {
	b    []byte
	i    int
	last [4]string // the previous row's value of each string field
}

func (p *jsonScan) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek reports whether the next non-space byte is c, without taking it.
func (p *jsonScan) peek(c byte) bool {
	p.space()
	return p.i < len(p.b) && p.b[p.i] == c
}

// byte takes c if it is the next non-space byte.
func (p *jsonScan) byte(c byte) bool {
	if p.peek(c) {
		p.i++
		return true
	}
	return false
}

// end reports whether only spaces are left.
func (p *jsonScan) end() bool {
	p.space()
	return p.i == len(p.b)
}

// text reads a string field and shares it with the previous row's value
// of field f when they are equal.
func (p *jsonScan) text(f int) (string, bool) {
	b, ok := p.raw()
	if !ok {
		return "", false
	}
	if string(b) != p.last[f] {
		p.last[f] = string(b)
	}
	return p.last[f], true
}

// raw reads a string without escapes, of valid UTF-8, and returns its
// bytes (aliasing the input).
func (p *jsonScan) raw() ([]byte, bool) {
	if !p.byte('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return nil, false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// int reads an integer: an optional minus, then 0 or a digit 1–9 followed
// by digits, within int64; no fraction or exponent.
func (p *jsonScan) int() (int64, bool) {
	p.space()
	neg := p.i < len(p.b) && p.b[p.i] == '-'
	if neg {
		p.i++
	}
	start := p.i
	var v uint64
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		if p.i-start >= 18 { // 19 digits or more: leave it to encoding/json
			return 0, false
		}
		v = v*10 + uint64(p.b[p.i]-'0')
		p.i++
	}
	n := p.i - start
	if n == 0 || (n > 1 && p.b[start] == '0') {
		return 0, false
	}
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	if neg {
		return -int64(v), true
	}
	return int64(v), true
}

// bool reads true or false.
func (p *jsonScan) bool() (bool, bool) {
	p.space()
	rest := p.b[p.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		p.i += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		p.i += 5
		return false, true
	}
	return false, false
}

// listContributions runs a query whose single column is a contribution's
// JSON and decodes the rows.
func listContributions(ctx context.Context, stmt *sql.Stmt, what string, args ...any) ([]model.Contribution, error) {
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, wrap(err, "%s", what)
	}
	defer rows.Close()
	out := []model.Contribution{}
	var p jsonScan
	var data sql.RawBytes // reused: Scan copies each row into it
	for rows.Next() {
		if err := rows.Scan(&data); err != nil {
			return nil, wrap(err, "%s", what)
		}
		var c model.Contribution
		if err := decodeContribution(data, &c, &p); err != nil {
			return nil, fmt.Errorf("store/sqlite: %s: decode: %w", what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "%s", what)
	}
	return out, nil
}
