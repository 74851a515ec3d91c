package model

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

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"张三": "张*", "张三丰": "张*丰", "欧阳娜娜": "欧**娜", "王": "*", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"110105199003071239": "110105********1239",
		"91110108MA01ABCD5T": "911101********CD5T",
		"E12345678":          "*******78",
		"":                   "",
	} {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}
