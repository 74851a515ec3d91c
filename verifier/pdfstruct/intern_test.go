package pdfstruct

import (
	"math"
	"strconv"
	"testing"
)

// checkNumber compares the allocation-free number readers with strconv on
// tok: whenever they accept a token, they return what strconv returns.
func checkNumber(t *testing.T, tok string) {
	if n, ok := parseDecimal([]byte(tok)); ok {
		want, err := strconv.ParseInt(tok, 10, 64)
		if err != nil || n != want {
			t.Errorf("parseDecimal(%q) = %d, strconv says %d, %v", tok, n, want, err)
		}
	}
	if r, ok := parseShortReal([]byte(tok)); ok {
		want, err := strconv.ParseFloat(tok, 64)
		if err != nil || math.Float64bits(r) != math.Float64bits(want) {
			t.Errorf("parseShortReal(%q) = %v, strconv says %v, %v", tok, r, want, err)
		}
	}
}

func TestNumberReadersAgreeWithStrconv(t *testing.T) {
	toks := []string{"0", "7", "-7", "+7", "595.28", "841.89", "-0.5", ".5", "5.", "-.25", "0.1", "0.3",
		"123456789012345678", "-123456789012345678", "999999999999999", "0.000000000000001",
		"1.23456789012345", "-0.0", "3.14159265358979"}
	for _, tok := range toks {
		checkNumber(t, tok)
	}
	// the readers must accept the common shapes (otherwise the test above
	// would compare nothing)
	for _, tok := range []string{"595.28", "-7", "123456789012345678"} {
		_, ok1 := parseDecimal([]byte(tok))
		_, ok2 := parseShortReal([]byte(tok))
		if !ok1 && !ok2 {
			t.Errorf("%q accepted by neither reader", tok)
		}
	}
	for _, tok := range []string{"1234567890123456789", "1.2345678901234567", "1e5", "--1", "", "."} {
		if _, ok := parseDecimal([]byte(tok)); ok {
			t.Errorf("parseDecimal accepted %q", tok)
		}
		if _, ok := parseShortReal([]byte(tok)); ok {
			t.Errorf("parseShortReal accepted %q", tok)
		}
	}
}

func TestSharedValuesAreEqualToFreshOnes(t *testing.T) {
	if intObject(42) != Object(Int(42)) || intObject(5000) != Object(Int(5000)) || intObject(-3) != Object(Int(-3)) {
		t.Error("intObject changes the value")
	}
	if refObject(Ref{Num: 12}) != Object(Ref{Num: 12}) || refObject(Ref{Num: 12, Gen: 1}) != Object(Ref{Num: 12, Gen: 1}) {
		t.Error("refObject changes the value")
	}
	if nameObject([]byte("Type")) != Object(Name("Type")) || nameObject([]byte("Zz9")) != Object(Name("Zz9")) {
		t.Error("nameObject changes the value")
	}
}

func FuzzNumberReaders(f *testing.F) {
	for _, s := range []string{"0", "-7", "595.28", ".5", "5.", "123456789012345678", "1.23456789012345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		if len(tok) > 64 {
			return
		}
		checkNumber(t, tok)
	})
}
