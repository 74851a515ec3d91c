package pades

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
)

// DocTimeStamp configures AppendDocTimeStamp.
type DocTimeStamp struct {
	// NewHash is the message imprint's hash (SM3 for an SM2 TSA, SHA-256
	// for P-256).
	NewHash func() hash.Hash
	// Stamp returns an RFC 3161 TimeStampToken (DER ContentInfo) whose
	// message imprint is digest, made with NewHash. It must bound its own
	// time.
	Stamp func(digest []byte) ([]byte, error)
	// ContentsLen is the bytes reserved for the token; 0 means
	// DefaultContentsLen.
	ContentsLen int
}

// AppendDocTimeStamp appends an incremental update with a document
// timestamp (ISO 32000-2 12.8.5, PAdES B-LTA): a signature dictionary
// /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 whose /Contents is a token
// over the whole file (byte ranges as for a signature), an invisible
// signature field (zero /Rect, no page) whose /V is that dictionary, and
// the AcroForm's /Fields grown by the field. pdf is not modified; on any
// error nothing is returned.
func AppendDocTimeStamp(pdf []byte, ts DocTimeStamp) ([]byte, error) {
	if ts.NewHash == nil || ts.Stamp == nil {
		return nil, errors.New("pades: a document timestamp needs a hash and a stamper")
	}
	contentsLen := ts.ContentsLen
	if contentsLen <= 0 {
		contentsLen = DefaultContentsLen
	}
	t, err := readTail(pdf)
	if err != nil {
		return nil, err
	}
	sigs, err := Signatures(pdf)
	if err != nil {
		return nil, err
	}
	n := 1
	for _, s := range sigs {
		if s.Type == "DocTimeStamp" {
			n++
		}
	}
	cat, err := t.object(pdf, t.root)
	if err != nil {
		return nil, err
	}
	sigObj, fieldObj := t.size, t.size+1
	objs := map[int][]byte{}
	fieldRef := strconv.Itoa(fieldObj) + " 0 R"
	i, ok := findKey(cat, "AcroForm")
	if !ok {
		return nil, unsupported("the catalog has no /AcroForm")
	}
	if acro, _, err := dictAt(cat, i); err == nil {
		grown, err := withField(acro, fieldRef)
		if err != nil {
			return nil, err
		}
		objs[t.root] = bytes.Replace(cat, acro, grown, 1)
	} else {
		an, err := refEntry(cat, "AcroForm")
		if err != nil {
			return nil, err
		}
		acro, err := t.object(pdf, an)
		if err != nil {
			return nil, err
		}
		if objs[an], err = withField(acro, fieldRef); err != nil {
			return nil, err
		}
	}
	var d bytes.Buffer
	d.WriteString("<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161\n/ByteRange ")
	ph := Placeholder{ByteRange: d.Len(), ByteRangeLen: byteRangeWidth}
	d.WriteString("[")
	d.Write(bytes.Repeat([]byte(" "), byteRangeWidth-2))
	d.WriteString("]\n/Contents ")
	ph.Contents, ph.ContentsLen = d.Len(), 2*contentsLen+2
	d.WriteByte('<')
	d.Write(bytes.Repeat([]byte("0"), 2*contentsLen))
	d.WriteString(">\n>>")
	objs[sigObj] = d.Bytes()
	objs[fieldObj] = []byte("<< /Type /Annot /Subtype /Widget /FT /Sig /T (DocTimeStamp" + strconv.Itoa(n) +
		") /F 132 /Rect [0 0 0 0] /V " + strconv.Itoa(sigObj) + " 0 R >>")

	size := len(pdf) + 1024
	for _, o := range objs {
		size += len(o) + 40
	}
	out := make([]byte, len(pdf), size)
	copy(out, pdf)
	out, offs := appendUpdateObjects(out, t, objs, fieldObj+1)
	ph = ph.Shift(offs[sigObj] + len(strconv.Itoa(sigObj)) + len(" 0 obj\n"))
	if err := checkPlaceholder(out, ph); err != nil {
		return nil, err
	}
	a := int64(ph.Contents)
	b := a + int64(ph.ContentsLen)
	br, err := formatByteRange([4]int64{0, a, b, int64(len(out)) - b}, ph.ByteRangeLen)
	if err != nil {
		return nil, err
	}
	copy(out[ph.ByteRange:], br)
	h := ts.NewHash()
	h.Write(out[:a])
	h.Write(out[b:])
	tok, err := ts.Stamp(h.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("pades: document timestamp: %w", err)
	}
	if 2*len(tok) > ph.ContentsLen-2 {
		return nil, fmt.Errorf("%w: the document timestamp needs %d bytes, %d reserved", ErrContentsTooSmall, len(tok), contentsLen)
	}
	hex.Encode(out[a+1:], tok)
	return out, nil
}

// withField returns the AcroForm dictionary acro with ref added to its
// /Fields array.
func withField(acro []byte, ref string) ([]byte, error) {
	i, ok := findKey(acro, "Fields")
	if !ok {
		return nil, unsupported("the AcroForm has no /Fields")
	}
	a := bytes.IndexByte(acro[i:], '[')
	b := bytes.IndexByte(acro[i:], ']')
	if a < 0 || b < a || len(bytes.TrimSpace(acro[i:i+a])) != 0 {
		return nil, unsupported("the AcroForm's /Fields is not a direct array")
	}
	b += i
	out := make([]byte, 0, len(acro)+len(ref)+1)
	out = append(out, bytes.TrimRight(acro[:b], " ")...)
	out = append(out, ' ')
	out = append(out, ref...)
	return append(out, acro[b:]...), nil
}
