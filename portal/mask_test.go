package portal

import "testing"

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{
		"张三":       "张*",
		"张三丰":      "张*丰",
		"欧阳娜娜":     "欧**娜",
		"李":        "*",
		"":         "",
		" 王五 ":     "王*",
		"阿依古丽·买买提": "阿******提",
	} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskID(t *testing.T) {
	for in, want := range map[string]string{
		"110105199003071239": "110105********1239",
		"11010519491231002X": "110105********002X",
		"91110108MA01ABCD5T": "911101********CD5T",
		"110105900307123":    "110105*****7123",
		"E12345678":          "*******78",
		"AB":                 "**",
		"":                   "",
	} {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}

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
