package cms

import (
	"bytes"
	"errors"
	"testing"
)

// indefiniteBER re-encodes DER the way some third-party signers write
// BER: every constructed element with an indefinite length, and OCTET
// STRINGs longer than 16 bytes as constructed strings of 16-byte segments.
func indefiniteBER(der []byte) ([]byte, error) {
	nodes := 0
	n, rest, err := parseBER(der, 0, berLimits{maxDepth: 64, maxNodes: 1 << 20}, &nodes)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("data after the element")
	}
	var out []byte
	var write func(n *berNode) error
	write = func(n *berNode) error {
		if n.tag >= 0x1F {
			return errors.New("high tag numbers are not used in these tests")
		}
		id := n.class | byte(n.tag)
		switch {
		case n.constructed:
			out = append(out, id|0x20, 0x80)
			for _, c := range n.children {
				if err := write(c); err != nil {
					return err
				}
			}
			out = append(out, 0, 0)
		case n.class == 0 && n.tag == 4 && len(n.content) > 16:
			out = append(out, 0x24, 0x80)
			for c := n.content; len(c) > 0; {
				k := min(16, len(c))
				out = append(out, 0x04, byte(k))
				out = append(out, c[:k]...)
				c = c[k:]
			}
			out = append(out, 0, 0)
		default:
			n.length = len(n.content)
			out = writeDER(out, n)
		}
		return nil
	}
	if err := write(n); err != nil {
		return nil, err
	}
	return out, nil
}

func TestParseBER(t *testing.T) {
	for _, alg := range []string{"sm2", "p256"} {
		p := testPKI(t, alg)
		content := randomContent(t, 1000)
		der := signContent(t, p, content, nil)
		ber, err := indefiniteBER(der)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(ber, der) || len(ber) <= len(der) {
			t.Fatal("the BER form is not different")
		}
		sd, err := Parse(append(ber, 0, 0, 0))
		if err != nil {
			t.Fatalf("%s: Parse(BER): %v", alg, err)
		}
		if !bytes.Equal(sd.Raw, der) {
			t.Errorf("%s: BER was not converted back to the original DER", alg)
		}
		if sd.Trailing != nil {
			t.Errorf("%s: zero padding reported as trailing data", alg)
		}
		si := sd.Signers[0]
		if err := si.Verify(digestWith(t, si, content)); err != nil {
			t.Errorf("%s: Verify after BER conversion: %v", alg, err)
		}
	}
}

func TestBERToDERErrors(t *testing.T) {
	lim := berLimits{maxDepth: 4, maxNodes: 100}
	cases := map[string]struct {
		in   []byte
		want error
	}{
		"indefinite primitive": {[]byte{0x04, 0x80, 0x01, 0x00, 0x00}, ErrMalformed},
		"missing EOC":          {[]byte{0x30, 0x80, 0x02, 0x01, 0x01}, ErrMalformed},
		"length past end":      {[]byte{0x30, 0x05, 0x02, 0x01}, ErrMalformed},
		"five length octets":   {[]byte{0x04, 0x85, 0, 0, 0, 0, 1, 0}, ErrMalformed},
		"foreign segment":      {[]byte{0x24, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00}, ErrMalformed},
		"too deep":             {[]byte{0x30, 0x80, 0x30, 0x80, 0x30, 0x80, 0x30, 0x80, 0x30, 0x80, 0x30, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, ErrTooLarge},
		"truncated tag":        {[]byte{0x1F}, ErrMalformed},
	}
	for name, c := range cases {
		if _, _, err := berToDER(c.in, lim); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
	}
	// Non-minimal lengths and a constructed OCTET STRING become DER.
	der, rest, err := berToDER([]byte{0x30, 0x81, 0x07, 0x24, 0x05, 0x04, 0x03, 'a', 'b', 'c', 0xFF}, lim)
	if err != nil || !bytes.Equal(der, []byte{0x30, 0x05, 0x04, 0x03, 'a', 'b', 'c'}) || !bytes.Equal(rest, []byte{0xFF}) {
		t.Errorf("berToDER = % x, rest % x, %v", der, rest, err)
	}
}

// TestParseBERElementCap: BER made of tiny elements cannot make Parse
// build an unbounded tree.
func TestParseBERElementCap(t *testing.T) {
	in := []byte{0x30, 0x80}
	for i := 0; i < maxBERElements+10; i++ {
		in = append(in, 0x05, 0x00)
	}
	in = append(in, 0, 0)
	if _, err := Parse(in); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}
