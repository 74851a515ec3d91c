package pades

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SignatureValue is one signature dictionary of a file.
type SignatureValue struct {
	Object int
	// Type is "Sig" or "DocTimeStamp".
	Type string
	// Contents is the decoded /Contents string as stored, padding
	// included: the bytes the DSS /VRI key is the SHA-1 of.
	Contents []byte
	offset   int64
}

// VRIKey is the /VRI key of a signature: the upper-case hex SHA-1 of its
// /Contents bytes (ISO 32000-2 12.8.4.4).
func VRIKey(contents []byte) string {
	s := sha1.Sum(contents)
	return strings.ToUpper(hex.EncodeToString(s[:]))
}

// Signatures returns the signature and document timestamp dictionaries of
// a file sihub wrote (see ErrUnsupportedFile), in file order.
func Signatures(pdf []byte) ([]SignatureValue, error) {
	t, err := readTail(pdf)
	if err != nil {
		return nil, err
	}
	var out []SignatureValue
	seen := map[int64]bool{}
	for n, off := range t.offsets {
		if seen[off] || !sigDictAt(pdf, off, n) {
			continue
		}
		seen[off] = true
		d, err := t.object(pdf, n)
		if err != nil {
			continue // streams with odd dictionaries, etc.: not signatures
		}
		typ, _ := value(d, "Type")
		if !bytes.Equal(typ, []byte("/Sig")) && !bytes.Equal(typ, []byte("/DocTimeStamp")) {
			continue
		}
		c, ok := value(d, "Contents")
		if !ok || len(c) < 2 || c[0] != '<' {
			return nil, unsupported("signature %d has no hex /Contents", n)
		}
		raw, err := hex.DecodeString(string(c[1 : len(c)-1]))
		if err != nil {
			return nil, unsupported("signature %d: /Contents: %v", n, err)
		}
		out = append(out, SignatureValue{Object: n, Type: string(typ[1:]), Contents: raw, offset: off})
	}
	slices.SortFunc(out, func(a, b SignatureValue) int { return int(a.offset - b.offset) })
	return out, nil
}

// sigDictAt reports whether object n at off starts as the signature and
// document timestamp dictionaries sihub writes do ("<< /Type /Sig" or
// "<< /Type /DocTimeStamp"), so Signatures reads no other dictionary.
func sigDictAt(pdf []byte, off int64, n int) bool {
	p := pdf[off:]
	head := strconv.Itoa(n) + " 0 obj"
	if !bytes.HasPrefix(p, []byte(head)) {
		return false
	}
	p = bytes.TrimLeft(p[len(head):min(len(p), len(head)+64)], " \r\n")
	return bytes.HasPrefix(p, []byte("<< /Type /Sig")) || bytes.HasPrefix(p, []byte("<< /Type /DocTimeStamp"))
}

// Validation is the validation data of one signature, for the DSS: the
// certificates of its chains (the signer's and the timestamp authority's),
// OCSP responses and CRLs, each DER.
type Validation struct {
	// Contents is the signature's /Contents (SignatureValue.Contents); it
	// names the signature's /VRI entry.
	Contents []byte
	Certs    [][]byte
	OCSPs    [][]byte
	CRLs     [][]byte
}

// AppendDSS appends an incremental update that adds a document security
// store (ISO 32000-2 12.8.4.3, PAdES B-LT) to pdf: one stream per distinct
// certificate, OCSP response and CRL, the catalog-level /Certs, /OCSPs
// and /CRLs arrays holding all of them, and a /VRI entry per validation
// (keyed by VRIKey of its /Contents) listing its own, with /TU at. The
// catalog is rewritten with /DSS and nothing else changed. A file that
// already has a DSS is refused (ErrUnsupportedFile). pdf is not modified.
func AppendDSS(pdf []byte, vals []Validation, at time.Time) ([]byte, error) {
	return appendDSS(pdf, vals, at, false)
}

// AppendDSSOwned is AppendDSS for a caller that owns pdf and drops it
// after: the update is appended to pdf's own array, within its capacity
// when it has room, instead of to a copy. pdf must not be used after the
// call; on an error it is unchanged.
func AppendDSSOwned(pdf []byte, vals []Validation, at time.Time) ([]byte, error) {
	return appendDSS(pdf, vals, at, true)
}

func appendDSS(pdf []byte, vals []Validation, at time.Time, owned bool) ([]byte, error) {
	t, err := readTail(pdf)
	if err != nil {
		return nil, err
	}
	cat, err := t.object(pdf, t.root)
	if err != nil {
		return nil, err
	}
	if _, ok := findKey(cat, "DSS"); ok {
		return nil, unsupported("the catalog already has a /DSS")
	}
	next := t.size
	objs := map[int][]byte{}
	streams := map[string]int{}
	ref := func(der []byte) int {
		if n, ok := streams[string(der)]; ok {
			return n
		}
		n := next
		next++
		streams[string(der)] = n
		b := make([]byte, 0, len(der)+40)
		b = append(b, "<< /Length "...)
		b = strconv.AppendInt(b, int64(len(der)), 10)
		b = append(b, " >>\nstream\n"...)
		b = append(b, der...)
		b = append(b, "\nendstream"...)
		objs[n] = b
		return n
	}
	var all [3][]int
	seen := [3]map[int]bool{{}, {}, {}}
	refs := func(kind int, ders [][]byte) []int {
		var out []int
		for _, d := range ders {
			if len(d) == 0 {
				continue
			}
			n := ref(d)
			out = append(out, n)
			if !seen[kind][n] {
				seen[kind][n] = true
				all[kind] = append(all[kind], n)
			}
		}
		return out
	}
	var vri bytes.Buffer
	vri.WriteString("<<")
	for _, v := range vals {
		if len(v.Contents) == 0 {
			return nil, fmt.Errorf("pades: DSS validation data without the signature's /Contents")
		}
		c, o, l := refs(0, v.Certs), refs(1, v.OCSPs), refs(2, v.CRLs)
		fmt.Fprintf(&vri, " /%s <<", VRIKey(v.Contents))
		for i, a := range [][]int{c, o, l} {
			if len(a) > 0 {
				vri.WriteString([]string{" /Cert ", " /OCSP ", " /CRL "}[i])
				vri.Write(refArray(a))
			}
		}
		if !at.IsZero() {
			vri.WriteString(" /TU ")
			vri.WriteString(PDFDate(at.UTC()))
		}
		vri.WriteString(" >>")
	}
	vri.WriteString(" >>")
	dss := next
	next++
	var d bytes.Buffer
	d.WriteString("<< /Type /DSS")
	for i, a := range all {
		if len(a) > 0 {
			d.WriteString([]string{" /Certs ", " /OCSPs ", " /CRLs "}[i])
			d.Write(refArray(a))
		}
	}
	if len(vals) > 0 {
		d.WriteString(" /VRI ")
		d.Write(vri.Bytes())
	}
	d.WriteString(" >>")
	objs[dss] = d.Bytes()
	objs[t.root] = withEntry(cat, "DSS", strconv.Itoa(dss)+" 0 R")

	size := len(pdf) + 1024
	for _, o := range objs {
		size += len(o) + 40
	}
	out := pdf
	if !owned || cap(pdf) < size {
		out = make([]byte, len(pdf), size)
		copy(out, pdf)
	}
	out, _ = appendUpdateObjects(out, t, objs, next)
	return out, nil
}

func refArray(nums []int) []byte {
	b := []byte{'['}
	for i, n := range nums {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, " 0 R"...)
	}
	return append(b, ']')
}
