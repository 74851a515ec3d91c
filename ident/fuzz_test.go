package ident

import (
	"errors"
	"testing"
	"time"
)

func FuzzCitizenID(f *testing.F) {
	for _, s := range []string{"110105199003071239", "11010519491231002x", "810000198808080013", "931392198511200012",
		"15000019970319128X", "911124198108030028", "USA310085031214", "", "110105199002301235"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := PersonID(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind == nil || e.ZH == "" || e.EN == "" {
				t.Fatalf("error without kind or messages: %v", err)
			}
			return
		}
		if id.Kind == KindForeignerOld {
			return
		}
		// A valid number is what the generator makes from its parts.
		seq, male := atoi(id.Order)/2, atoi(id.Order)%2 == 1
		var again string
		if id.Kind == KindForeigner {
			again = NewForeignerID(id.Province, id.Country, id.Birth, seq, male)
		} else {
			again = NewCitizenID(id.Area, id.Birth, seq, male)
		}
		if again != id.Number {
			t.Fatalf("generator gives %s for %s", again, id.Number)
		}
		// Any other check character is rejected.
		for _, c := range []byte(citizenCheckChars) {
			if c != id.Number[17] {
				if _, err := CitizenID(id.Number[:17] + string(c)); !errors.Is(err, ErrCheck) {
					t.Fatalf("%s with check %c: %v", id.Number, c, err)
				}
			}
		}
	})
}

func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{"91110108MA01ABCD5T", "121000004000102404", "91320594088254610W", "91350203M0001QAY9B", "911124198108030028", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cc, err := ParseCreditCode(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind == nil || e.ZH == "" {
				t.Fatalf("error without kind or message: %v", err)
			}
			return
		}
		if cc.Code != s {
			t.Fatalf("Code %q != input %q", cc.Code, s)
		}
		// A numeric body is what the generator makes from its parts.
		if allDigits(cc.OrgCode[:8]) {
			if again := NewCreditCode(cc.Authority, cc.Category, cc.Area, atoi(cc.OrgCode[:8])); again != s {
				t.Fatalf("generator gives %s for %s", again, s)
			}
		}
		for i := 0; i < len(CreditAlphabet); i++ {
			if c := CreditAlphabet[i]; c != s[17] {
				if err := CreditCode(s[:17] + string(c)); !errors.Is(err, ErrCheck) {
					t.Fatalf("%s with check %c: %v", s, c, err)
				}
			}
		}
	})
}

// FuzzGenerators: whatever the parts, generated numbers validate.
func FuzzGenerators(f *testing.F) {
	f.Add(uint32(110105), int64(637000000), uint16(61), true, uint32(12345678))
	f.Fuzz(func(t *testing.T, area uint32, birthUnix int64, seq uint16, male bool, org uint32) {
		a := []string{"110105", "310115", "440306", "810000", "820000", "830000", "650102"}[area%7]
		birth := time.Unix(birthUnix%(int64(200)*365*86400), 0).UTC().AddDate(70, 0, 0)
		if birth.Year() < 1900 {
			birth = birth.AddDate(100, 0, 0)
		}
		s := NewCitizenID(a, birth, int(seq)%500, male)
		id, err := CitizenID(s)
		if err != nil || id.Male != male || id.Area != a {
			t.Fatalf("%s: %+v %v", s, id, err)
		}
		fs := NewForeignerID("31", "392", birth, int(seq)%500, male)
		if _, err := CitizenID(fs); err != nil {
			t.Fatalf("%s: %v", fs, err)
		}
		ca := []string{"110105", "310115", "440306", "100000", "650102"}[area%5]
		cs := NewCreditCode('9', '1', ca, int(org%100000000))
		if err := CreditCode(cs); err != nil {
			t.Fatalf("%s: %v", cs, err)
		}
	})
}
