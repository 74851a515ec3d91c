// Package pades seals PDFs: it fills a signature placeholder with a CMS
// (CAdES-detached) signature over the file's byte ranges, and appends
// further signatures as incremental updates.
//
// The renderer (signer/render) writes the base revision with the first
// signature dictionary already in place, built by SigDict so the two agree
// on the placeholder layout, and describes it with a Prepared.
package pades

import (
	"bytes"
	"fmt"
	"strconv"
	"time"
)

// DefaultContentsLen is the number of bytes reserved for the DER CMS in a
// placeholder (the hex string is twice as long). A three-certificate SM2 or
// P-256 chain with signed attributes takes about 2.5 KiB; the rest leaves
// room for a timestamp token.
const DefaultContentsLen = 8192

// byteRangeWidth is the space reserved for the ByteRange array text:
// "[0 " + three 10-digit numbers + spaces + "]".
const byteRangeWidth = 1 + 1 + 1 + 3*(1+10) + 1

// Placeholder locates, by absolute file offset, the two values of a
// signature dictionary that are written after the rest of the file.
type Placeholder struct {
	ByteRange    int // offset of '[' of the /ByteRange value
	ByteRangeLen int // bytes reserved for the array, padded with spaces
	Contents     int // offset of '<' of the /Contents hex string
	ContentsLen  int // bytes of the hex string including '<' and '>'
}

// Shift returns the placeholder moved by off bytes.
func (p Placeholder) Shift(off int) Placeholder {
	p.ByteRange += off
	p.Contents += off
	return p
}

// SigInfo is what the signature dictionary says about the signature.
type SigInfo struct {
	Name     string    // the seal's name, e.g. "业务专用章"
	Reason   string    // e.g. "参保证明"
	Location string    // e.g. the agency's region
	Time     time.Time // signing time shown in /M
}

// SigDict returns a complete signature dictionary "<< … >>" with empty
// /ByteRange and /Contents placeholders reserving contentsLen bytes for the
// DER CMS, and the placeholder offsets relative to the start of the
// returned slice.
func SigDict(info SigInfo, contentsLen int) ([]byte, Placeholder) {
	if contentsLen <= 0 {
		contentsLen = DefaultContentsLen
	}
	var b bytes.Buffer
	b.WriteString("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n/ByteRange ")
	var ph Placeholder
	ph.ByteRange = b.Len()
	ph.ByteRangeLen = byteRangeWidth
	b.WriteString("[")
	b.Write(bytes.Repeat([]byte(" "), byteRangeWidth-2))
	b.WriteString("]\n/Contents ")
	ph.Contents = b.Len()
	ph.ContentsLen = 2*contentsLen + 2
	b.WriteByte('<')
	b.Write(bytes.Repeat([]byte("0"), 2*contentsLen))
	b.WriteString(">\n")
	if !info.Time.IsZero() {
		b.WriteString("/M ")
		b.WriteString(PDFDate(info.Time))
		b.WriteByte('\n')
	}
	for _, kv := range [][2]string{{"Name", info.Name}, {"Reason", info.Reason}, {"Location", info.Location}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "/%s %s\n", kv[0], TextString(kv[1]))
		}
	}
	b.WriteString(">>")
	return b.Bytes(), ph
}

// PDFDate formats t as a PDF date string literal "(D:YYYYMMDDHHmmSS+hh'mm')".
func PDFDate(t time.Time) string {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, (off%3600)/60)
}

// TextString encodes s as a PDF text string: a literal for plain ASCII,
// otherwise a UTF-16BE hex string with a byte order mark.
func TextString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		var b bytes.Buffer
		b.WriteByte('(')
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '(', ')', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte(')')
		return b.String()
	}
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			fmt.Fprintf(&b, "%04X%04X", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteByte('>')
	return b.String()
}

// Revision describes the last revision of a PDF, as needed to append an
// incremental update to it.
type Revision struct {
	XrefOffset int64     // byte offset of the revision's cross-reference table
	Size       int       // the trailer's /Size: the next free object number
	Root       int       // object number of the catalog
	Info       int       // object number of the document information dictionary (0 if none)
	ID         [2][]byte // the trailer's /ID pair
}

// SpareField is an empty signature field (/FT /Sig without /V) that the
// renderer placed in the base revision for a further signature. Dict is its
// complete dictionary as written, "<< … >>", without /V; signing it rewrites
// the object with /V added.
type SpareField struct {
	Object int
	Dict   []byte
}

// Prepared is an unsigned PDF from the renderer: the base revision with the
// first signature dictionary in place and its placeholder, plus spare
// signature fields for further signatures.
type Prepared struct {
	PDF      []byte
	First    Placeholder
	Revision Revision
	Spare    []SpareField
}

// formatByteRange writes the ByteRange array padded to the reserved width.
func formatByteRange(br [4]int64, width int) ([]byte, error) {
	s := "[" + strconv.FormatInt(br[0], 10) + " " + strconv.FormatInt(br[1], 10) + " " +
		strconv.FormatInt(br[2], 10) + " " + strconv.FormatInt(br[3], 10) + "]"
	if len(s) > width {
		return nil, fmt.Errorf("pades: byte range %s does not fit in %d bytes", s, width)
	}
	out := []byte(s[:len(s)-1])
	for len(out) < width-1 {
		out = append(out, ' ')
	}
	return append(out, ']'), nil
}
