package ident

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Valid samples of DOMAIN.md §2, with their parts read by hand.
func TestCitizenIDValid(t *testing.T) {
	for _, c := range []struct {
		in     string
		kind   Kind
		area   string
		birth  time.Time
		male   bool
		number string
	}{
		{"110105199003071239", KindCitizen, "110105", date(1990, 3, 7), true, ""},
		{"310115198506120042", KindCitizen, "310115", date(1985, 6, 12), false, ""},
		{"440306200002290033", KindCitizen, "440306", date(2000, 2, 29), true, ""},
		{"11010519491231002X", KindCitizen, "110105", date(1949, 12, 31), false, ""},
		{"11010519491231002x", KindCitizen, "110105", date(1949, 12, 31), false, "11010519491231002X"},
		{"810000198808080013", KindHongKong, "810000", date(1988, 8, 8), true, ""},
		{"820000199501010025", KindMacau, "820000", date(1995, 1, 1), false, ""},
		{"830000197006150031", KindTaiwan, "830000", date(1970, 6, 15), true, ""},
		{"931392198511200012", KindForeigner, "", date(1985, 11, 20), true, ""},
		{"941840200001010035", KindForeigner, "", date(2000, 1, 1), true, ""},
	} {
		t.Run(c.in, func(t *testing.T) {
			id, err := CitizenID(c.in)
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			want := c.number
			if want == "" {
				want = c.in
			}
			if id.Number != want || id.Kind != c.kind || id.Area != c.area || !id.Birth.Equal(c.birth) || id.Male != c.male {
				t.Fatalf("parsed %+v", id)
			}
			if c.male != (id.Sex() == "男") {
				t.Fatalf("Sex() = %s", id.Sex())
			}
			if _, err := PersonID(c.in); err != nil {
				t.Fatalf("PersonID rejects: %v", err)
			}
		})
	}
	id, _ := CitizenID("931392198511200012")
	if id.Province != "31" || id.Country != "392" || id.Order != "001" {
		t.Fatalf("foreigner parts %+v", id)
	}
}

func TestCitizenIDInvalid(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind error
		msg  string // a fragment of the message
	}{
		// The invalid samples of DOMAIN.md §2: their check characters are wrong.
		{"15000019970319128X", ErrCheck, "expected 2, got X"},
		{"911124198108030028", ErrCheck, "expected 4, got 8"},
		// Each rule.
		{"11010519900307123", ErrLength, "got 17"},
		{"1101051990030712399", ErrLength, "got 19"},
		{"", ErrLength, "got 0"},
		{"11010519900307123９", ErrLength, "got 18"}, // full-width digit: 18 runes, 20 bytes
		{"1101051990030712A9", ErrCharacter, "character 17"},
		{"11010519900307123Y", ErrCharacter, "character 18"},
		{" 10105199003071239", ErrCharacter, "character 1"},
		{"110105199002301235", ErrDate, "19900230"},
		{"440306190002290031", ErrDate, "19000229"}, // 1900 is not a leap year
		{"110105189912311234", ErrDate, "18991231"},
		{"110105199013071233", ErrDate, "19901307"},
		{"000105199003071234", ErrArea, "no province 00"},
		{"990105199003071234", ErrArea, "province code 90"},
		{"811234199003071234", ErrArea, "no province 81"},
		{"110105199003071238", ErrCheck, "expected 9, got 8"},
		{"931000198511200012", ErrArea, "country code 000"},
	} {
		t.Run(c.in, func(t *testing.T) {
			_, err := CitizenID(c.in)
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want %v", err, c.kind)
			}
			var e *Error
			if !errors.As(err, &e) || e.ZH == "" || e.EN == "" || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("message %q lacks %q or a Chinese part", err, c.msg)
			}
		})
	}
}

func TestCitizenIDAt(t *testing.T) {
	today := date(2026, 3, 1)
	if _, err := CitizenIDAt(NewCitizenID("110105", today, 0, true), today); err != nil {
		t.Fatalf("born today: %v", err)
	}
	_, err := CitizenIDAt(NewCitizenID("110105", today.AddDate(0, 0, 1), 0, true), today)
	if !errors.Is(err, ErrDate) || !strings.Contains(err.Error(), "future") {
		t.Fatalf("born tomorrow: %v", err)
	}
}

func TestForeignerIDLegacy(t *testing.T) {
	// U=30·7 + S=28·3 + A=10·1 + 3·7 + 1·3 + 0 + 0 + 8·3 + 5·1 + 0 + 3·3 + 1·1 + 2·7 + 1·3 = 384 → 4.
	id, err := PersonID("USA310085031214")
	if err != nil {
		t.Fatal(err)
	}
	if id.Kind != KindForeignerOld || id.Country != "USA" || !id.Birth.Equal(date(1985, 3, 12)) || !id.Male {
		t.Fatalf("parsed %+v", id)
	}
	id, err = PersonID("JPN110000123023")
	if err != nil || !id.Birth.Equal(date(2000, 12, 30)) || id.Male {
		t.Fatalf("JPN: %+v %v", id, err)
	}
	for in, kind := range map[string]error{
		"USA310085031215": ErrCheck,
		"USA310085023014": ErrDate,
		"US1310085031214": ErrCharacter,
		"USA31008503121":  ErrLength,
		"USA3100850312X4": ErrCharacter,
	} {
		if _, err := ForeignerIDLegacy(in); !errors.Is(err, kind) {
			t.Errorf("%s: %v, want %v", in, err, kind)
		}
	}
}

func TestNewCitizenID(t *testing.T) {
	for _, c := range []struct {
		area  string
		birth time.Time
		seq   int
		male  bool
		kind  Kind
	}{
		{"110105", date(1990, 3, 7), 61, true, KindCitizen},
		{"310115", date(1985, 6, 12), 2, false, KindCitizen},
		{"440306", date(2000, 2, 29), 0, true, KindCitizen},
		{"810000", date(1988, 8, 8), 499, false, KindHongKong},
	} {
		s := NewCitizenID(c.area, c.birth, c.seq, c.male)
		id, err := CitizenID(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if id.Area != c.area || !id.Birth.Equal(c.birth) || id.Male != c.male || id.Kind != c.kind || atoi(id.Order) != 2*c.seq+map[bool]int{true: 1}[c.male] {
			t.Fatalf("%s parsed as %+v", s, id)
		}
	}
	// The generator reproduces the published samples from their parts.
	if got := NewCitizenID("110105", date(1990, 3, 7), 61, true); got != "110105199003071239" {
		t.Fatalf("NewCitizenID = %s", got)
	}
	if got := NewForeignerID("31", "392", date(1985, 11, 20), 0, true); got != "931392198511200012" {
		t.Fatalf("NewForeignerID = %s", got)
	}
	for name, f := range map[string]func(){
		"area":     func() { NewCitizenID("11010", date(1990, 1, 1), 0, true) },
		"seq":      func() { NewCitizenID("110105", date(1990, 1, 1), 500, true) },
		"year":     func() { NewCitizenID("110105", date(1899, 1, 1), 0, true) },
		"province": func() { NewForeignerID("99", "392", date(1990, 1, 1), 0, true) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
