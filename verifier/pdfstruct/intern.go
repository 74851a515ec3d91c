package pdfstruct

import "sync/atomic"

// Parsing a file allocates mostly for the small values it boxes into
// Object: names, integers and references. The values below are boxed once
// and shared; a parsed object that holds one is indistinguishable from one
// that holds a freshly boxed copy (objects are never modified).

// commonNames are the names that sealed documents, fonts, images and
// signature dictionaries use most.
var commonNames = []string{
	"AP", "AcroForm", "Annot", "Annots", "Ascent", "BBox", "BM", "BaseFont", "BaseVersion",
	"BitsPerComponent", "ByteRange", "CA", "CIDFontType2", "CIDSystemInfo", "CIDToGIDMap",
	"CRL", "CRLs", "CapHeight", "Catalog", "Cert", "Certs", "ColorSpace", "Colors", "Columns",
	"ContactInfo", "Contents", "Count", "CreationDate", "Creator", "DA", "DR", "DSS", "DW",
	"DecodeParms", "Descent", "DescendantFonts", "DeviceCMYK", "DeviceGray", "DeviceRGB",
	"DocMDP", "DocTimeStamp", "ESIC", "ETSI.CAdES.detached", "ETSI.RFC3161", "Encoding",
	"Encrypt", "ExtGState", "ExtensionLevel", "Extensions", "F", "F1", "F2", "FT", "Fields",
	"Filter", "First", "FlateDecode", "Flags", "Font", "FontBBox", "FontDescriptor",
	"FontFile", "FontFile2", "FontFile3", "FontName", "Form", "GS1", "Height", "ID",
	"Identity", "Identity-H", "Image", "Index", "Info", "Interpolate", "ItalicAngle", "Kids",
	"Lang", "Length", "Length1", "Length2", "Length3", "Location", "M", "Matrix", "MediaBox",
	"Metadata", "ModDate", "N", "Name", "Names", "NeedAppearances", "Normal", "OCSP",
	"OCSPs", "ObjStm", "Ordering", "P", "Page", "Pages", "Parent", "Perms", "Predictor",
	"Prev", "ProcSet", "Producer", "Prop_Build", "Reason", "Rect", "Reference", "Registry",
	"Resources", "Root", "SMask", "Sig", "SigFlags", "Size", "StemV", "Subtype", "SubFilter",
	"Supplement", "T", "TS", "TU", "Title", "ToUnicode", "TransformMethod",
	"TransformParams", "Type", "Type0", "V", "VRI", "W", "Widget", "Width", "XObject",
	"XRef", "XRefStm", "Adobe.PPKLite", "adbe.pkcs7.detached", "ca",
}

var internedNames = func() map[string]Object {
	m := make(map[string]Object, len(commonNames))
	for _, n := range commonNames {
		m[n] = Name(n)
	}
	return m
}()

// nameObject returns b as a Name, shared when it is a common one.
func nameObject(b []byte) Object {
	if o, ok := internedNames[string(b)]; ok {
		return o
	}
	return Name(b)
}

// boxedSmall bounds the integers and object numbers boxed in advance.
const boxedSmall = 4096

// The small integers and generation-0 references are boxed on first use
// and shared from then on: a server parsing file after file finds them
// boxed, a command that parses one file boxes only the few it meets.
var intSlots, refSlots [boxedSmall]atomic.Pointer[Object]

func intObject(n int64) Object {
	if n < 0 || n >= boxedSmall {
		return Int(n)
	}
	if p := intSlots[n].Load(); p != nil {
		return *p
	}
	o := Object(Int(n))
	intSlots[n].Store(&o)
	return o
}

func refObject(r Ref) Object {
	if r.Gen != 0 || r.Num < 0 || r.Num >= boxedSmall {
		return r
	}
	if p := refSlots[r.Num].Load(); p != nil {
		return *p
	}
	o := Object(r)
	refSlots[r.Num].Store(&o)
	return o
}

// parseDecimal reads an optionally signed run of at most 18 decimal
// digits, as strconv.ParseInt would, without allocating.
func parseDecimal(tok []byte) (int64, bool) {
	neg := false
	if len(tok) > 0 && (tok[0] == '+' || tok[0] == '-') {
		neg = tok[0] == '-'
		tok = tok[1:]
	}
	if len(tok) == 0 || len(tok) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range tok {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseShortReal reads a real "[+-]digits.digits" of at most 15 digits in
// all, as strconv.ParseFloat would: the mantissa and the power of ten are
// exact in a float64, so one division rounds correctly.
func parseShortReal(tok []byte) (float64, bool) {
	neg := false
	if len(tok) > 0 && (tok[0] == '+' || tok[0] == '-') {
		neg = tok[0] == '-'
		tok = tok[1:]
	}
	var m int64
	digits, frac, dot := 0, 0, false
	for _, c := range tok {
		switch {
		case c == '.' && !dot:
			dot = true
		case isDigit(c):
			m = m*10 + int64(c-'0')
			digits++
			if dot {
				frac++
			}
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}
