package pdfstruct

import (
	"strconv"
	"unicode/utf16"
)

// Object is a PDF object: Null, Bool, Int, Real, Name, String, Array, Dict,
// Ref or *Stream.
type Object interface{}

// Null is the PDF null object.
type Null struct{}

// Bool is a PDF boolean.
type Bool bool

// Int is a PDF integer.
type Int int64

// Real is a PDF real number.
type Real float64

// Name is a PDF name, without the leading slash and with #xx escapes decoded.
type Name string

// String is a PDF string (literal or hexadecimal), decoded.
type String struct {
	Value []byte
	Hex   bool
	// Start and End are the file offsets of the opening delimiter and just
	// past the closing one when the string was read directly from the file;
	// both are -1 for strings inside object streams.
	Start, End int64
}

// Array is a PDF array.
type Array []Object

// Dict is a PDF dictionary.
type Dict map[Name]Object

// Ref is an indirect reference "Num Gen R".
type Ref struct {
	Num int
	Gen int
}

// String formats the reference as "Num Gen R".
func (r Ref) String() string {
	return strconv.Itoa(r.Num) + " " + strconv.Itoa(r.Gen) + " R"
}

// Stream is a PDF stream: its dictionary and the raw (still encoded) data.
type Stream struct {
	Dict Dict
	// Raw is the encoded stream data, a sub-slice of the file.
	Raw []byte
	// Offset is the file offset of the first data byte.
	Offset int64
}

// Name returns d[key] if it is a name.
func (d Dict) Name(key Name) (Name, bool) {
	n, ok := d[key].(Name)
	return n, ok
}

// Int returns d[key] if it is an integer.
func (d Dict) Int(key Name) (int64, bool) {
	n, ok := d[key].(Int)
	return int64(n), ok
}

// Text decodes a PDF text string: UTF-16BE with a byte order mark, UTF-8
// with a byte order mark, otherwise PDFDocEncoding (read as Latin-1, which
// agrees with it on the printable range).
func (s String) Text() string {
	return TextString(s.Value)
}

// TextString decodes the bytes of a PDF text string (see String.Text).
func TextString(b []byte) string {
	switch {
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		u := make([]uint16, 0, (len(b)-2)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		return string(b[3:])
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
