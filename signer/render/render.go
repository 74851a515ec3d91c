// Package render draws the agency's documents as PDF files ready to be
// sealed.
//
// A Renderer lays out a document on A4 pages with one embedded TrueType
// font, subset to the glyphs used (Type0/Identity-H with a complete
// ToUnicode map, so text extracts and searches exactly), draws the QR code
// and the round seal as vectors, and writes the base revision with the
// signature fields in place: the first field carries the visible seal as
// its appearance and the signature dictionary with an empty placeholder
// (pades.SigDict); further fields are empty, for later signatures. The
// result is a pades.Prepared that signer/pades fills.
//
// Documents are described as data: InsuranceCertificate for the person
// insurance certificate, or the generic Document (title, header with
// number, code and QR, body blocks Fields/Table/Paragraph, notes, agency
// and seal) for the other kinds, all in one house style (accent colour
// configurable with WithTheme; layout words in Chinese or, with Lang "en",
// English).
//
// The file carries /SihubCode (canonical anti-forgery code) and
// /SihubNumber (document number) in its /Info dictionary for the
// verifier, and a /ID derived from the content and Options.Rand.
//
// Every string is checked against the font before anything is drawn: a
// character the font lacks is a *MissingGlyphError, never a blank.
//
// The glyphs of a document's fixed words (title, labels, headings, column
// titles, notes, the agency, digits) form a font template kept by the
// Font: they come first in the subset with fixed ids, and their part of
// the font program and of the ToUnicode map is built and compressed once
// per process; each document adds only the glyphs of its own data. The
// output depends only on the input and Options.Rand, not on what was
// rendered before.
//
// The seal's appearance, whose words are template text too, is drawn
// and compressed once per template and seal and copied into each file.
// A caller done with a file (pades.Seal copies it) may hand its memory
// back with Recycle, for a later document to be written into: a file is
// most of what rendering allocates.
//
// Renderer is safe for concurrent use; the Font is shared (its template
// and seal caches are synchronized).
package render

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sihub/signer/pades"
	"sihub/signer/render/pdfw"
)

// Renderer renders documents with one font.
type Renderer struct {
	font  *Font
	theme Theme
}

// Theme is the configurable part of the house style.
type Theme struct {
	// Accent is the RGB colour (components 0–1) of the rule under the
	// title. LD/T 91 names "社保蓝" without a value; the default is a
	// sober blue.
	Accent [3]float64
}

// DefaultTheme is the theme New uses.
var DefaultTheme = Theme{Accent: [3]float64{0.09, 0.34, 0.64}}

// New returns a Renderer drawing with f in the default theme.
func New(f *Font) *Renderer { return &Renderer{font: f, theme: DefaultTheme} }

// WithTheme returns a copy of r that uses t.
func (r *Renderer) WithTheme(t Theme) *Renderer {
	c := *r
	c.theme = t
	return &c
}

// Font returns the renderer's font.
func (r *Renderer) Font() *Font { return r.font }

// Signature describes one signature field. The first is the visible seal.
type Signature struct {
	Info pades.SigInfo
}

// Options control the signature fields and the file identifier.
type Options struct {
	Signatures  []Signature // at least one
	ContentsLen int         // bytes reserved for each CMS; 0 → pades.DefaultContentsLen
	Rand        io.Reader   // source of the /ID; nil → crypto/rand
}

// Caps on Options: a document carries a few seals, and a CMS with a
// timestamp and revocation data stays well under 256 KiB.
const (
	MaxSignatures  = 8
	MaxContentsLen = 256 << 10
)

// ErrNoSignature is returned when Options name no signature.
var ErrNoSignature = errors.New("render: at least one signature is required")

// ErrInvalidInput is the kind of errors about the document data itself.
var ErrInvalidInput = errors.New("render: invalid document data")

// meta is what the file says about itself, besides its pages.
type meta struct {
	Title   string
	Code    string // canonical anti-forgery code → /SihubCode
	Number  string // document number → /SihubNumber
	Created time.Time
	Seal    SealImage
	SealPg  int        // page index of the seal
	SealAt  [2]float64 // centre of the seal on that page
}

// check returns the first string the font cannot draw.
func (r *Renderer) check(ss ...string) error {
	for _, s := range ss {
		if err := r.font.Check(s); err != nil {
			return err
		}
	}
	return nil
}

// finish writes the document's objects, signature fields and trailer.
func (r *Renderer) finish(d *doc, m meta, o Options) (*pades.Prepared, error) {
	if len(o.Signatures) == 0 {
		return nil, ErrNoSignature
	}
	if len(o.Signatures) > MaxSignatures {
		return nil, fmt.Errorf("%w: %d signatures, at most %d", ErrInvalidInput, len(o.Signatures), MaxSignatures)
	}
	contentsLen := o.ContentsLen
	if contentsLen <= 0 {
		contentsLen = pades.DefaultContentsLen
	}
	if contentsLen > MaxContentsLen {
		return nil, fmt.Errorf("%w: placeholder of %d bytes, at most %d", ErrInvalidInput, contentsLen, MaxContentsLen)
	}
	rnd := o.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	var salt [16]byte
	if _, err := io.ReadFull(rnd, salt[:]); err != nil {
		return nil, fmt.Errorf("render: file identifier: %w", err)
	}

	// The seal's appearance uses glyphs; draw it before the font is built.
	dia := sealDiameter
	sealStream, err := d.sealAppearance(m.Seal)
	if err != nil {
		return nil, fmt.Errorf("render: seal: %w", err)
	}

	// Room for the whole file, so that it is never copied to grow: the
	// font and fixed objects, the placeholder, a few KiB per page.
	w := pdfw.NewBuffer(fileBuffer(48<<10 + 2*contentsLen + 4<<10*len(d.pages)))
	catalog, pagesObj, info, font := w.Alloc(), w.Alloc(), w.Alloc(), w.Alloc()
	pageObjs := make([]int, len(d.pages))
	contentObjs := make([]int, len(d.pages))
	for i := range d.pages {
		pageObjs[i], contentObjs[i] = w.Alloc(), w.Alloc()
	}
	form, sig := w.Alloc(), w.Alloc()
	fields := make([]int, len(o.Signatures))
	for i := range fields {
		fields[i] = w.Alloc()
	}

	for i, p := range d.pages {
		w.Stream(contentObjs[i], "", p.c.B, pdfw.Fast)
	}
	d.release()
	sealPage := pageObjs[m.SealPg]
	var annots strings.Builder
	for i, f := range fields {
		if i > 0 {
			annots.WriteByte(' ')
		}
		annots.WriteString(ref(f))
	}
	for i, p := range pageObjs {
		body := "<< /Type /Page /Parent " + ref(pagesObj) + " /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 " +
			ref(font) + " >> >> /Contents " + ref(contentObjs[i])
		if p == sealPage {
			body += " /Annots [" + annots.String() + "]"
		}
		w.Object(p, body+" >>")
	}

	num := func(v float64) string { return string(pdfw.AppendNum(nil, v)) }
	w.StreamParts(form, "/Type /XObject /Subtype /Form /BBox [0 0 "+num(dia)+" "+num(dia)+"] /Resources << /Font << /F1 "+
		ref(font)+" >> /ExtGState << /GS1 << /Type /ExtGState /BM /Multiply >> >> >>", []pdfw.Part{{Pre: sealStream}}, pdfw.Store)

	x0, y0 := m.SealAt[0]-dia/2, m.SealAt[1]-dia/2
	rect := "[" + num(x0) + " " + num(y0) + " " + num(x0+dia) + " " + num(y0+dia) + "]"
	w.Object(fields[0], "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal1) /F 132 /P "+ref(sealPage)+
		" /Rect "+rect+" /AP << /N "+ref(form)+" >> /V "+ref(sig)+" >>")
	ph := writeSigDict(w, sig, o.Signatures[0].Info, contentsLen)

	spare := make([]pades.SpareField, 0, len(fields)-1)
	for i, f := range fields[1:] {
		sd := []byte("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal" + strconv.Itoa(i+2) +
			") /F 132 /P " + ref(sealPage) + " /Rect [0 0 0 0] >>")
		w.ObjectBytes(f, sd)
		spare = append(spare, pades.SpareField{Object: f, Dict: sd})
	}

	progStart, progEnd, err := d.fontObjects(w, font)
	if err != nil {
		return nil, fmt.Errorf("render: font subset: %w", err)
	}

	w.Object(info, "<< /Title "+pades.TextString(m.Title)+" /Producer (sihub) /CreationDate "+pades.PDFDate(m.Created)+
		" /SihubCode "+pades.TextString(m.Code)+" /SihubNumber "+pades.TextString(m.Number)+" >>")
	var kids strings.Builder
	for i, p := range pageObjs {
		if i > 0 {
			kids.WriteByte(' ')
		}
		kids.WriteString(ref(p))
	}
	w.Object(pagesObj, "<< /Type /Pages /Kids ["+kids.String()+"] /Count "+strconv.Itoa(len(pageObjs))+" >>")
	w.Object(catalog, "<< /Type /Catalog /Pages "+ref(pagesObj)+" /AcroForm << /Fields ["+annots.String()+"] /SigFlags 3 >> >>")

	// The identifier hashes the salt and the file, less the signature
	// placeholder (zeros) and the font program (which /BaseFont's subset
	// tag determines): together half of a one-page file.
	h := sha256.New()
	h.Write(salt[:])
	body := w.Bytes()
	h.Write(body[:ph.Contents])
	h.Write(body[ph.Contents+ph.ContentsLen : progStart])
	h.Write(body[progEnd:])
	id := h.Sum(nil)[:16]
	pdf, xref, err := w.Finish(pdfw.Trailer{Root: catalog, Info: info, ID: [2][]byte{id, id}})
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return &pades.Prepared{
		PDF:   pdf,
		First: ph,
		Revision: pades.Revision{XrefOffset: int64(xref), Size: w.Size(), Root: catalog, Info: info,
			ID: [2][]byte{id, id}},
		Spare: spare,
	}, nil
}
