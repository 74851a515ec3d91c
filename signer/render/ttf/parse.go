// Package ttf reads TrueType fonts (glyf outlines) and writes subsets of
// them for embedding in PDF.
//
// Parse checks every table it reads against the file's bounds and refuses
// fonts larger than MaxFontSize; the returned Font is read-only and safe for
// concurrent use. Only what a PDF writer needs is decoded: the character
// map (cmap formats 4 and 12), advance widths (hmtx), the vertical metrics
// (head, hhea, OS/2), the PostScript name and the raw glyph data (glyf,
// loca). OpenType fonts with CFF outlines are rejected.
//
// Subsets that share most of their glyphs share a Base: its glyphs come
// first with fixed ids and its bytes (constant tables and their glyph
// data) are the same in every subset, so a caller can compress them once;
// Extend adds one document's glyphs. Subset is a Base extended by nothing.
package ttf

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MaxFontSize caps the input accepted by Parse.
const MaxFontSize = 64 << 20

// maxTables caps the table directory; real fonts have fewer than 40.
const maxTables = 256

// ErrInvalid is the kind of every error Parse returns for a malformed font.
var ErrInvalid = errors.New("ttf: invalid font")

// ErrUnsupported is returned for well-formed fonts this package cannot use
// (CFF outlines, collections).
var ErrUnsupported = errors.New("ttf: unsupported font")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Font is a parsed TrueType font. Its byte slices alias the input.
type Font struct {
	data   []byte
	tables map[string][]byte
	tags   []string // in directory order

	UnitsPerEm       int
	IndexToLocFormat int // 0 short, 1 long
	XMin, YMin       int // head bounding box
	XMax, YMax       int
	Ascent, Descent  int // hhea
	LineGap          int
	CapHeight        int // OS/2 v2+, else Ascent
	ItalicAngle      float64
	FixedPitch       bool
	NumGlyphs        int
	PostScriptName   string

	advances    []uint16 // per glyph
	hmtx        []byte
	numHMetrics int
	loca        []uint32 // NumGlyphs+1 offsets into glyf
	glyf        []byte
	cmap        cmap
}

// Parse reads a TrueType font from data. data must stay unchanged while the
// Font is in use.
func Parse(data []byte) (*Font, error) {
	if len(data) > MaxFontSize {
		return nil, invalid("font of %d bytes exceeds %d", len(data), MaxFontSize)
	}
	if len(data) < 12 {
		return nil, invalid("too short for a table directory")
	}
	switch v := binary.BigEndian.Uint32(data); v {
	case 0x00010000, 0x74727565: // 1.0, 'true'
	case 0x4F54544F: // 'OTTO'
		return nil, fmt.Errorf("%w: CFF outlines", ErrUnsupported)
	case 0x74746366: // 'ttcf'
		return nil, fmt.Errorf("%w: font collection; extract one face", ErrUnsupported)
	default:
		return nil, invalid("unknown sfnt version %#08x", v)
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	if n == 0 || n > maxTables {
		return nil, invalid("%d tables", n)
	}
	if 12+16*n > len(data) {
		return nil, invalid("table directory truncated")
	}
	f := &Font{data: data, tables: make(map[string][]byte, n)}
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off := uint64(binary.BigEndian.Uint32(rec[8:]))
		length := uint64(binary.BigEndian.Uint32(rec[12:]))
		if off+length > uint64(len(data)) {
			return nil, invalid("table %q [%d,+%d) beyond end of font (%d bytes)", tag, off, length, len(data))
		}
		if _, dup := f.tables[tag]; dup {
			return nil, invalid("duplicate table %q", tag)
		}
		f.tables[tag] = data[off : off+length : off+length]
		f.tags = append(f.tags, tag)
	}
	for _, step := range []func() error{f.parseHead, f.parseMaxp, f.parseHhea, f.parseHmtx, f.parseLoca, f.parseOS2, f.parsePost, f.parseName, f.parseCmap} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Table returns the raw bytes of the table with the given tag, or nil.
func (f *Font) Table(tag string) []byte { return f.tables[tag] }

func (f *Font) need(tag string, min int) ([]byte, error) {
	t, ok := f.tables[tag]
	if !ok {
		return nil, invalid("missing %q table", tag)
	}
	if len(t) < min {
		return nil, invalid("%q table of %d bytes, need %d", tag, len(t), min)
	}
	return t, nil
}

func u16(b []byte, off int) int { return int(binary.BigEndian.Uint16(b[off:])) }
func i16(b []byte, off int) int { return int(int16(binary.BigEndian.Uint16(b[off:]))) }
func u32(b []byte, off int) uint32 {
	return binary.BigEndian.Uint32(b[off:])
}

func (f *Font) parseHead() error {
	t, err := f.need("head", 54)
	if err != nil {
		return err
	}
	if u32(t, 12) != 0x5F0F3CF5 {
		return invalid("head magic %#x", u32(t, 12))
	}
	f.UnitsPerEm = u16(t, 18)
	if f.UnitsPerEm < 16 || f.UnitsPerEm > 16384 {
		return invalid("unitsPerEm %d", f.UnitsPerEm)
	}
	f.XMin, f.YMin, f.XMax, f.YMax = i16(t, 36), i16(t, 38), i16(t, 40), i16(t, 42)
	f.IndexToLocFormat = i16(t, 50)
	if f.IndexToLocFormat != 0 && f.IndexToLocFormat != 1 {
		return invalid("indexToLocFormat %d", f.IndexToLocFormat)
	}
	return nil
}

func (f *Font) parseMaxp() error {
	t, err := f.need("maxp", 6)
	if err != nil {
		return err
	}
	f.NumGlyphs = u16(t, 4)
	if f.NumGlyphs == 0 {
		return invalid("no glyphs")
	}
	return nil
}

func (f *Font) parseHhea() error {
	t, err := f.need("hhea", 36)
	if err != nil {
		return err
	}
	f.Ascent, f.Descent, f.LineGap = i16(t, 4), i16(t, 6), i16(t, 8)
	return nil
}

func (f *Font) parseHmtx() error {
	nm := u16(f.tables["hhea"], 34)
	if nm == 0 || nm > f.NumGlyphs {
		return invalid("numberOfHMetrics %d for %d glyphs", nm, f.NumGlyphs)
	}
	t, err := f.need("hmtx", 4*nm)
	if err != nil {
		return err
	}
	f.hmtx, f.numHMetrics = t, nm
	f.advances = make([]uint16, f.NumGlyphs)
	for i := 0; i < nm; i++ {
		f.advances[i] = binary.BigEndian.Uint16(t[4*i:])
	}
	for i := nm; i < f.NumGlyphs; i++ {
		f.advances[i] = f.advances[nm-1]
	}
	return nil
}

func (f *Font) parseLoca() error {
	glyf, err := f.need("glyf", 0)
	if err != nil {
		return err
	}
	f.glyf = glyf
	n := f.NumGlyphs + 1
	f.loca = make([]uint32, n)
	if f.IndexToLocFormat == 0 {
		t, err := f.need("loca", 2*n)
		if err != nil {
			return err
		}
		for i := range f.loca {
			f.loca[i] = 2 * uint32(binary.BigEndian.Uint16(t[2*i:]))
		}
	} else {
		t, err := f.need("loca", 4*n)
		if err != nil {
			return err
		}
		for i := range f.loca {
			f.loca[i] = binary.BigEndian.Uint32(t[4*i:])
		}
	}
	for i := 1; i < n; i++ {
		if f.loca[i] < f.loca[i-1] {
			return invalid("loca not increasing at glyph %d", i)
		}
	}
	if int64(f.loca[n-1]) > int64(len(glyf)) {
		return invalid("loca points %d bytes past glyf (%d bytes)", f.loca[n-1], len(glyf))
	}
	return nil
}

func (f *Font) parseOS2() error {
	f.CapHeight = f.Ascent
	t, ok := f.tables["OS/2"]
	if !ok {
		return nil
	}
	if len(t) >= 90 && u16(t, 0) >= 2 {
		if ch := i16(t, 88); ch > 0 {
			f.CapHeight = ch
		}
	}
	return nil
}

func (f *Font) parsePost() error {
	t, ok := f.tables["post"]
	if !ok {
		return nil
	}
	if len(t) < 16 {
		return invalid("post table of %d bytes", len(t))
	}
	f.ItalicAngle = float64(int32(u32(t, 4))) / 65536
	f.FixedPitch = u32(t, 12) != 0
	return nil
}

// Advance returns the advance width of glyph gid in font units (0 for an
// out-of-range glyph).
func (f *Font) Advance(gid int) int {
	if gid < 0 || gid >= len(f.advances) {
		return 0
	}
	return int(f.advances[gid])
}

// Glyph returns the raw glyf data of glyph gid (empty for a glyph without
// contours) or an error if gid is out of range.
func (f *Font) Glyph(gid int) ([]byte, error) {
	if gid < 0 || gid >= f.NumGlyphs {
		return nil, invalid("glyph %d out of range [0,%d)", gid, f.NumGlyphs)
	}
	a, b := f.loca[gid], f.loca[gid+1]
	return f.glyf[a:b:b], nil
}

// Lookup returns the glyph for rune r, or 0 when the font has none.
func (f *Font) Lookup(r rune) int { return f.cmap.lookup(r) }

// Runes calls fn for every rune the character map covers, in increasing
// order of rune, with its glyph.
func (f *Font) Runes(fn func(r rune, gid int)) { f.cmap.each(fn) }
