package code

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestNewParseRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c, err := New(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != Len {
			t.Fatalf("len(%q) = %d", c, len(c))
		}
		if seen[c] {
			t.Fatalf("duplicate code %q", c)
		}
		seen[c] = true
		for _, in := range []string{c, strings.ToLower(c), Group(c), " " + strings.ToLower(Group(c)) + " "} {
			got, err := Parse(in)
			if err != nil || got != c {
				t.Fatalf("Parse(%q) = %q, %v; want %q", in, got, err, c)
			}
		}
	}
}

func TestAlphabetHasNoLookalikes(t *testing.T) {
	if len(Alphabet) != 31 {
		t.Fatalf("alphabet has %d symbols, want the prime 31", len(Alphabet))
	}
	for _, c := range "01ILO" {
		if strings.ContainsRune(Alphabet, c) {
			t.Errorf("alphabet contains look-alike %q", c)
		}
	}
	if bits := float64(randomLen) * math.Log2(float64(len(Alphabet))); bits < 80 || int(bits) != Bits {
		t.Errorf("random part carries %.1f bits, Bits says %d", bits, Bits)
	}
}

func TestParseDetectsEverySingleErrorAndAdjacentSwap(t *testing.T) {
	c, err := New(bytes.NewReader(bytes.Repeat([]byte{7, 200, 13, 99, 150, 31, 0, 247}, 8)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < Len; i++ {
		for j := 0; j < len(Alphabet); j++ {
			if Alphabet[j] == c[i] {
				continue
			}
			bad := c[:i] + string(Alphabet[j]) + c[i+1:]
			if _, err := Parse(bad); !errors.Is(err, ErrInvalid) {
				t.Fatalf("substitution at %d (%q) accepted", i, bad)
			}
		}
		if i+1 < Len && c[i] != c[i+1] {
			bad := c[:i] + string(c[i+1]) + string(c[i]) + c[i+2:]
			if _, err := Parse(bad); !errors.Is(err, ErrInvalid) {
				t.Fatalf("swap at %d (%q) accepted", i, bad)
			}
		}
	}
}

func TestParseRejects(t *testing.T) {
	c, _ := New(nil)
	for name, in := range map[string]string{
		"empty":     "",
		"short":     c[:Len-1],
		"long":      c + "2",
		"lookalike": "O" + c[1:],
		"unicode":   "码" + c[1:],
		"huge":      strings.Repeat("2", 1000),
	} {
		if _, err := Parse(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Parse(%q) err = %v, want ErrInvalid", name, in, err)
		}
	}
}

func TestSymbolIsUniform(t *testing.T) {
	counts := map[byte]int{}
	for b := 0; b < 256; b++ {
		c, ok := symbol(byte(b))
		if ok != (b < 248) {
			t.Fatalf("symbol(%d) ok = %v", b, ok)
		}
		if ok {
			counts[c]++
		}
	}
	if len(counts) != len(Alphabet) {
		t.Fatalf("%d symbols reachable, want %d", len(counts), len(Alphabet))
	}
	for c, n := range counts {
		if n != 8 {
			t.Errorf("symbol %q reached by %d byte values, want 8", c, n)
		}
	}
}

func TestGroup(t *testing.T) {
	if got := Group("ABCDEFGHJKMNPQRSTU"); got != "ABCDEF-GHJKMN-PQRSTU" {
		t.Errorf("Group = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	c, _ := New(nil)
	for _, s := range []string{c, Group(c), strings.ToLower(c), "", "----", "ÿÿ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(Group(got))
		if err != nil || again != got || len(got) != Len {
			t.Fatalf("canonical %q does not round-trip: %q %v", got, again, err)
		}
	})
}
