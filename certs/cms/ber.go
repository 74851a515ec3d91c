package cms

import (
	"fmt"
)

// berNode is one BER element being rewritten as DER.
type berNode struct {
	class       byte // top two bits of the identifier octet
	constructed bool
	tag         uint32
	content     []byte     // primitive content
	children    []*berNode // constructed content
	length      int        // DER content length, computed by derLen
}

// berLimits bounds a conversion.
type berLimits struct {
	maxDepth int
	maxNodes int
}

// berToDER rewrites one BER element at the start of in as DER: indefinite
// lengths become definite, lengths minimal, and constructed universal
// string types (OCTET STRING, the character strings) primitive. It returns
// the DER and the bytes that followed the element.
func berToDER(in []byte, lim berLimits) (der, rest []byte, err error) {
	nodes := 0
	n, rest, err := parseBER(in, 0, lim, &nodes)
	if err != nil {
		return nil, nil, err
	}
	if err := flattenStrings(n); err != nil {
		return nil, nil, err
	}
	total := derLen(n)
	out := make([]byte, 0, total)
	out = writeDER(out, n)
	return out, rest, nil
}

func parseBER(in []byte, depth int, lim berLimits, nodes *int) (*berNode, []byte, error) {
	if depth > lim.maxDepth {
		return nil, nil, fmt.Errorf("%w: nesting deeper than %d", ErrTooLarge, lim.maxDepth)
	}
	if *nodes++; *nodes > lim.maxNodes {
		return nil, nil, fmt.Errorf("%w: more than %d elements", ErrTooLarge, lim.maxNodes)
	}
	if len(in) < 2 {
		return nil, nil, fmt.Errorf("%w: truncated element", ErrMalformed)
	}
	n := &berNode{class: in[0] & 0xC0, constructed: in[0]&0x20 != 0, tag: uint32(in[0] & 0x1F)}
	i := 1
	if n.tag == 0x1F { // high tag number form
		n.tag = 0
		for {
			if i >= len(in) || i > 5 {
				return nil, nil, fmt.Errorf("%w: bad tag", ErrMalformed)
			}
			c := in[i]
			i++
			n.tag = n.tag<<7 | uint32(c&0x7F)
			if c&0x80 == 0 {
				break
			}
		}
	}
	if i >= len(in) {
		return nil, nil, fmt.Errorf("%w: truncated length", ErrMalformed)
	}
	l := in[i]
	i++
	if l == 0x80 { // indefinite
		if !n.constructed {
			return nil, nil, fmt.Errorf("%w: indefinite length on a primitive element", ErrMalformed)
		}
		body := in[i:]
		for {
			if len(body) >= 2 && body[0] == 0 && body[1] == 0 {
				return n, body[2:], nil
			}
			if len(body) == 0 {
				return nil, nil, fmt.Errorf("%w: missing end-of-contents", ErrMalformed)
			}
			c, r, err := parseBER(body, depth+1, lim, nodes)
			if err != nil {
				return nil, nil, err
			}
			n.children = append(n.children, c)
			body = r
		}
	}
	length := 0
	if l < 0x80 {
		length = int(l)
	} else {
		k := int(l & 0x7F)
		if k > 4 || k == 0x7F {
			return nil, nil, fmt.Errorf("%w: length too long", ErrMalformed)
		}
		for j := 0; j < k; j++ {
			if i >= len(in) {
				return nil, nil, fmt.Errorf("%w: truncated length", ErrMalformed)
			}
			length = length<<8 | int(in[i])
			i++
		}
	}
	if length < 0 || length > len(in)-i {
		return nil, nil, fmt.Errorf("%w: element longer than its input", ErrMalformed)
	}
	body, rest := in[i:i+length], in[i+length:]
	if !n.constructed {
		n.content = body
		return n, rest, nil
	}
	for len(body) > 0 {
		c, r, err := parseBER(body, depth+1, lim, nodes)
		if err != nil {
			return nil, nil, err
		}
		n.children = append(n.children, c)
		body = r
	}
	return n, rest, nil
}

// isUniversalString reports universal tags whose constructed BER form is
// a concatenation of primitive segments (BIT STRING is left alone: its
// segments carry unused-bit counts).
func isUniversalString(tag uint32) bool {
	switch tag {
	case 4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30:
		return true
	}
	return false
}

// flattenStrings turns constructed universal strings into primitive ones.
func flattenStrings(n *berNode) error {
	if !n.constructed {
		return nil
	}
	if n.class == 0 && isUniversalString(n.tag) {
		var buf []byte
		var collect func(c *berNode) error
		collect = func(c *berNode) error {
			if c.class != 0 || c.tag != n.tag {
				return fmt.Errorf("%w: constructed string with a foreign segment", ErrMalformed)
			}
			if !c.constructed {
				buf = append(buf, c.content...)
				return nil
			}
			for _, g := range c.children {
				if err := collect(g); err != nil {
					return err
				}
			}
			return nil
		}
		for _, c := range n.children {
			if err := collect(c); err != nil {
				return err
			}
		}
		n.constructed, n.children, n.content = false, nil, buf
		if n.content == nil {
			n.content = []byte{}
		}
		return nil
	}
	for _, c := range n.children {
		if err := flattenStrings(c); err != nil {
			return err
		}
	}
	return nil
}

// derLen computes (and caches) content lengths, returning the full
// encoded length of n.
func derLen(n *berNode) int {
	if n.constructed {
		l := 0
		for _, c := range n.children {
			l += derLen(c)
		}
		n.length = l
	} else {
		n.length = len(n.content)
	}
	return tagLen(n.tag) + lengthLen(n.length) + n.length
}

func tagLen(tag uint32) int {
	if tag < 0x1F {
		return 1
	}
	l := 1
	for t := tag; t > 0; t >>= 7 {
		l++
	}
	return l
}

func lengthLen(l int) int {
	if l < 0x80 {
		return 1
	}
	k := 1
	for v := l; v > 0; v >>= 8 {
		k++
	}
	return k
}

func writeDER(out []byte, n *berNode) []byte {
	id := n.class
	if n.constructed {
		id |= 0x20
	}
	if n.tag < 0x1F {
		out = append(out, id|byte(n.tag))
	} else {
		out = append(out, id|0x1F)
		var tmp [5]byte
		k := len(tmp)
		for t := n.tag; t > 0; t >>= 7 {
			k--
			tmp[k] = byte(t&0x7F) | 0x80
		}
		tmp[len(tmp)-1] &^= 0x80
		out = append(out, tmp[k:]...)
	}
	if n.length < 0x80 {
		out = append(out, byte(n.length))
	} else {
		k := lengthLen(n.length) - 1
		out = append(out, 0x80|byte(k))
		for j := k - 1; j >= 0; j-- {
			out = append(out, byte(n.length>>(8*j)))
		}
	}
	if !n.constructed {
		return append(out, n.content...)
	}
	for _, c := range n.children {
		out = writeDER(out, c)
	}
	return out
}
