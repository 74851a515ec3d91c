package portal

import "testing"

func TestMaskedMatches(t *testing.T) {
	cases := []struct {
		masked, full string
		want         bool
	}{
		{"张*", "张三", true},
		{"张*丰", "张三丰", true},
		{"张*", "王三", false},
		{"张*", "张三丰", false},
		{"110105********1239", "110105199003071239", true},
		{"110105********1238", "110105199003071239", false},
	}
	for _, c := range cases {
		if got := maskedMatches(c.masked, c.full); got != c.want {
			t.Errorf("maskedMatches(%q, %q) = %v", c.masked, c.full, got)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{
		"7KQ4M2-XW9PTA-HC3R8F":   "7KQ4M2XW9PTAHC3R8F",
		"7kq4m2 xw9pta hc3r8f":   "7KQ4M2XW9PTAHC3R8F",
		" 7kq4m2－xw9pta　hc3r8f ": "7KQ4M2XW9PTAHC3R8F",
		"abc/def":                "",
		"<script>":               "",
		"７KQ":                    "",
		"":                       "",
	} {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
	long := ""
	for len(long) <= maxCodeInput {
		long += "A"
	}
	if NormalizeCode(long) != "" {
		t.Error("over-long input accepted")
	}
	if got := groupCode("7KQ4M2XW9PTAHC3R8F"); got != "7KQ4M2-XW9PTA-HC3R8F" {
		t.Errorf("groupCode = %q", got)
	}
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"7KQ4M2-XW9PTA-HC3R8F", "7kq4 m2", "－　", "", "\xff\xfe", "a-b-c-d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := NormalizeCode(s)
		if len(c) > maxCodeInput {
			t.Fatalf("output longer than the input cap: %d", len(c))
		}
		for _, r := range c {
			if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
				t.Fatalf("output %q has %q", c, r)
			}
		}
		if NormalizeCode(c) != c {
			t.Fatalf("not idempotent: %q → %q", c, NormalizeCode(c))
		}
		if g := groupCode(c); c != "" && len(g) <= maxCodeInput && NormalizeCode(g) != c {
			t.Fatalf("grouped form does not normalise back: %q", c)
		}
	})
}
