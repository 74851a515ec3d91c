package ident

import (
	"errors"
	"strings"
	"testing"
)

func TestCreditCodeValid(t *testing.T) {
	for _, c := range []struct {
		in, area, org string
		auth          string
	}{
		{"91110108MA01ABCD5T", "110108", "MA01ABCD5", "工商"},
		{"121000004000102404", "100000", "400010240", "机构编制"},
		{"91320594088254610W", "320594", "088254610", "工商"},
	} {
		cc, err := ParseCreditCode(c.in)
		if err != nil {
			t.Fatalf("%s rejected: %v", c.in, err)
		}
		if cc.Area != c.area || cc.OrgCode != c.org || cc.AuthorityName() != c.auth {
			t.Fatalf("%s parsed as %+v", c.in, cc)
		}
		if err := CreditCode(c.in); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCreditCodeInvalid(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind error
		msg  string
	}{
		// The invalid samples of DOMAIN.md §2.
		{"91350203M0001QAY9B", ErrCheck, "expected 9, got B"},
		{"911124198108030028", ErrOrgCode, "expected 8, got 2"},
		// Each rule.
		{"91110108MA01ABCD5", ErrLength, "got 17"},
		{"91110108MA01ABCD5TT", ErrLength, "got 19"},
		{"91110108MA01ABCDST", ErrCharacter, "I O S V Z"},
		{"91110108ma01abcd5t", ErrCharacter, "upper case"},
		{"91110108MA01ABCD5t", ErrCharacter, "character 18"},
		{"9111010８MA01ABCD5T", ErrLength, "got 18"}, // full-width digit
		{"B1110108MA01ABCD5T", ErrCharacter, "authority"},
		{"90110108MA01ABCD5T", ErrCharacter, "category"},
		{"911A0108MA01ABCD5T", ErrArea, "1A0108"},
		{"91990108MA01ABCD5T", ErrArea, "990108"},
		{"91110108MA01ABCD6T", ErrOrgCode, "expected 5, got 6"},
		{"91110108MA01ABCD5U", ErrCheck, "expected T, got U"},
	} {
		t.Run(c.in, func(t *testing.T) {
			err := CreditCode(c.in)
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want %v", err, c.kind)
			}
			var e *Error
			if !errors.As(err, &e) || e.ZH == "" || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("message %q lacks %q", err, c.msg)
			}
		})
	}
}

func TestOrgCodeCheckChar(t *testing.T) {
	// Hand-computed: 0·3+8·7+8·9+2·10+5·5+4·8+6·4+1·2 = 231 = 21·11 → 11 → '0'.
	if c, ok := OrgCodeCheckChar("08825461"); !ok || c != '0' {
		t.Fatalf("08825461 → %c", c)
	}
	// M=22: 22·3+0+0+0+1·5+26·8+10·4+34·2 = 66+5+208+40+68 = 387, 387 mod 11 = 2 → 9.
	if c, ok := OrgCodeCheckChar("M0001QAY"); !ok || c != '9' {
		t.Fatalf("M0001QAY → %c", c)
	}
}

func TestNewCreditCode(t *testing.T) {
	for _, c := range []struct {
		a, k byte
		area string
		seq  int
	}{{'9', '1', "110105", 0}, {'9', '2', "320594", 12345678}, {'5', '1', "440306", 99999999}, {'1', '2', "100000", 42}} {
		s := NewCreditCode(c.a, c.k, c.area, c.seq)
		cc, err := ParseCreditCode(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if cc.Authority != c.a || cc.Category != c.k || cc.Area != c.area || atoi(cc.OrgCode[:8]) != c.seq {
			t.Fatalf("%s parsed as %+v", s, cc)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a bad authority")
		}
	}()
	NewCreditCode('Z', '1', "110105", 1)
}
