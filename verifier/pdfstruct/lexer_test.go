package pdfstruct

import "testing"

func TestHexStringForms(t *testing.T) {
	cases := []struct {
		in   string
		want string // "" with bad: an error
		bad  bool
	}{
		{in: "<4865>", want: "He"},
		{in: "<48 65>", want: "He"},
		{in: "<486>", want: "H`"},
		{in: "<4a4B>", want: "JK"},
		{in: "<48zz>", bad: true},
		{in: "<>", want: ""},
	}
	for _, c := range cases {
		for _, skim := range []bool{false, true} {
			f := &File{lim: Limits{}.withDefaults()}
			p := &parser{buf: []byte(c.in), f: f, skim: skim}
			o, err := p.object(0)
			if c.bad {
				if err == nil {
					t.Errorf("%s (skim %v): no error", c.in, skim)
				}
				continue
			}
			s, ok := o.(String)
			if err != nil || !ok || p.pos != len(c.in) {
				t.Errorf("%s (skim %v): %v, %v, stopped at %d", c.in, skim, o, err, p.pos)
				continue
			}
			if !skim && string(s.Value) != c.want {
				t.Errorf("%s: %q, want %q", c.in, s.Value, c.want)
			}
			if s.End-s.Start != int64(len(c.in)) {
				t.Errorf("%s (skim %v): offsets %d..%d", c.in, skim, s.Start, s.End)
			}
		}
	}
}
