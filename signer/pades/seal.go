package pades

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms"
	"sihub/certs/seal"
)

// Errors of Seal, usable with errors.Is.
var (
	// ErrContentsTooSmall: the CMS does not fit in the reserved /Contents.
	ErrContentsTooSmall = errors.New("pades: signature does not fit in the reserved /Contents")
	// ErrNoSpareField: more sealers than the document has signature fields.
	ErrNoSpareField = errors.New("pades: no spare signature field left")
	// ErrBadPlaceholder: the Prepared does not describe its own bytes.
	ErrBadPlaceholder = errors.New("pades: placeholder does not match the PDF")
)

// Sealer is one seal applied by Seal: its key, certificate, the
// certificates to embed (intermediates), and what its signature dictionary
// says. Info.Time is also the CMS signingTime.
type Sealer struct {
	Key         crypto.Signer
	Certificate *smx509.Certificate
	Chain       []*smx509.Certificate
	Info        SigInfo
	// TimeStamp, if set, is called with the signature value and returns an
	// RFC 3161 TimeStampToken (DER ContentInfo) over it, which is embedded
	// as the unsigned signature-time-stamp attribute (PAdES B-T). It must
	// bound its own time (capture a context); the token must fit in the
	// reserved /Contents together with the CMS.
	TimeStamp func(signature []byte) ([]byte, error)
	// SealReference, if set, names the GB/T 38540 seal (SESeal) applied:
	// the CMS carries it as the signed attribute
	// seal.OIDAttributeSealReference, so the verifier can check the
	// seal's status together with the certificate.
	SealReference *seal.Reference
	// Signed, if set, is called once the signature is written with its
	// whole /Contents value as a reader decodes it (the DER CMS and the
	// zero bytes after it): what a DSS names the signature by (VRIKey),
	// without parsing the sealed file again.
	Signed func(contents []byte)
}

// Seal signs a prepared PDF with one or more seals and returns the sealed
// file.
//
// sealers[0] fills p.First, whose dictionary the renderer wrote from the
// same SigInfo (only Info.Time, the CMS signingTime, is used here): its
// /ByteRange becomes [0 a b c] (a the offset
// of '<' of /Contents, b the offset after '>', c the rest of the base
// revision), the two ranges are hashed with the key's digest (SM3 for SM2,
// SHA-256 for P-256 and RSA), and the detached CMS is written as hex into
// /Contents. Each further sealer i appends an incremental update — a new
// signature dictionary (object number Revision.Size, Size+1, …), the spare
// field p.Spare[i-1] rewritten with /V pointing at it, a classic xref
// section for the two objects and a trailer with /Prev — and signs the whole
// file up to its end, earlier signatures included.
//
// Seal neither re-parses the PDF nor modifies p (it is safe to call
// concurrently on the same Prepared). On any error it returns nil and the
// error, never a partly sealed file.
func Seal(p *Prepared, sealers []Sealer) ([]byte, error) {
	return sealPrepared(p, sealers, false)
}

// SealOwned is Seal for a caller that owns p and drops it after: the
// first signature is written into p.PDF's own bytes and the further
// updates appended to it, within its capacity when it has room, instead
// of sealing a copy (a renderer that sizes its output for the updates to
// come saves copying the file and allocating another). p.PDF must not be
// used after the call, whatever its outcome; on an error the bytes it
// shares with the result are partly signed.
func SealOwned(p *Prepared, sealers []Sealer) ([]byte, error) {
	return sealPrepared(p, sealers, true)
}

func sealPrepared(p *Prepared, sealers []Sealer, owned bool) ([]byte, error) {
	if p == nil || len(sealers) == 0 {
		return nil, errors.New("pades: Seal needs a prepared PDF and at least one sealer")
	}
	if len(sealers)-1 > len(p.Spare) {
		return nil, fmt.Errorf("%w: %d sealers, %d spare fields", ErrNoSpareField, len(sealers), len(p.Spare))
	}
	if err := checkPlaceholder(p.PDF, p.First); err != nil {
		return nil, err
	}
	if len(sealers) > 1 && (p.Revision.Size <= 0 || p.Revision.Root <= 0 || p.Revision.XrefOffset <= 0 ||
		p.Revision.XrefOffset >= int64(len(p.PDF))) {
		return nil, fmt.Errorf("%w: revision %+v", ErrBadPlaceholder, p.Revision)
	}
	contentsLen := (p.First.ContentsLen - 2) / 2

	// Build the further signature dictionaries first, to size the output
	// once.
	updates := make([]update, len(sealers)-1)
	size := len(p.PDF) + 1
	for i := range updates {
		sp := p.Spare[i]
		if sp.Object >= p.Revision.Size {
			return nil, fmt.Errorf("%w: spare field %d is not below /Size %d", ErrBadPlaceholder, sp.Object, p.Revision.Size)
		}
		field, err := withV(sp, p.Revision.Size+i)
		if err != nil {
			return nil, err
		}
		dict, ph := SigDict(sealers[i+1].Info, contentsLen)
		updates[i] = update{sigObj: p.Revision.Size + i, dict: dict, ph: ph, fieldObj: sp.Object, field: field}
		size += len(dict) + len(field) + 512 + 2*len(p.Revision.ID[0]) + 2*len(p.Revision.ID[1])
	}
	var out []byte
	if owned {
		out = p.PDF
	} else {
		out = make([]byte, len(p.PDF), size)
		copy(out, p.PDF)
	}

	if err := sign(out, p.First, &sealers[0], 0); err != nil {
		return nil, err
	}
	prevXref := p.Revision.XrefOffset
	for i, u := range updates {
		var ph Placeholder
		out, ph, prevXref = appendUpdate(out, &p.Revision, u, prevXref)
		if err := sign(out, ph, &sealers[i+1], i+1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// update is one incremental update: a new signature dictionary and the
// spare field that points at it.
type update struct {
	sigObj   int
	dict     []byte
	ph       Placeholder // relative to dict
	fieldObj int
	field    []byte // the field's dictionary with /V
}

// appendUpdate appends u as an incremental update after the revision whose
// cross-reference table starts at prevXref. It returns the file, the
// placeholder of the new signature (absolute) and the new xref offset.
func appendUpdate(out []byte, rev *Revision, u update, prevXref int64) ([]byte, Placeholder, int64) {
	if out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	sigOff := len(out)
	out = strconv.AppendInt(out, int64(u.sigObj), 10)
	out = append(out, " 0 obj\n"...)
	ph := u.ph.Shift(len(out))
	out = append(out, u.dict...)
	out = append(out, "\nendobj\n"...)
	fieldOff := len(out)
	out = strconv.AppendInt(out, int64(u.fieldObj), 10)
	out = append(out, " 0 obj\n"...)
	out = append(out, u.field...)
	out = append(out, "\nendobj\n"...)

	xref := len(out)
	out = append(out, "xref\n"...)
	if u.fieldObj < u.sigObj {
		out = appendXrefSection(out, u.fieldObj, fieldOff)
		out = appendXrefSection(out, u.sigObj, sigOff)
	} else {
		out = appendXrefSection(out, u.sigObj, sigOff)
		out = appendXrefSection(out, u.fieldObj, fieldOff)
	}
	out = append(out, "trailer\n<< /Size "...)
	out = strconv.AppendInt(out, int64(u.sigObj+1), 10)
	out = append(out, " /Root "...)
	out = strconv.AppendInt(out, int64(rev.Root), 10)
	out = append(out, " 0 R"...)
	if rev.Info > 0 {
		out = append(out, " /Info "...)
		out = strconv.AppendInt(out, int64(rev.Info), 10)
		out = append(out, " 0 R"...)
	}
	if rev.ID[0] != nil {
		out = append(out, " /ID [<"...)
		out = hex.AppendEncode(out, rev.ID[0])
		out = append(out, "> <"...)
		out = hex.AppendEncode(out, rev.ID[1])
		out = append(out, ">]"...)
	}
	out = append(out, " /Prev "...)
	out = strconv.AppendInt(out, prevXref, 10)
	out = append(out, " >>\nstartxref\n"...)
	out = strconv.AppendInt(out, int64(xref), 10)
	out = append(out, "\n%%EOF\n"...)
	return out, ph, int64(xref)
}

// checkPlaceholder verifies that ph points at an empty ByteRange array and
// a /Contents hex string inside pdf, the array before the string.
func checkPlaceholder(pdf []byte, ph Placeholder) error {
	n := len(pdf)
	switch {
	case ph.ByteRangeLen < byteRangeWidth, ph.ContentsLen < 4, ph.ContentsLen%2 != 0,
		ph.ByteRange < 0, ph.ByteRange+ph.ByteRangeLen > ph.Contents, ph.Contents+ph.ContentsLen > n:
		return fmt.Errorf("%w: %+v in %d bytes", ErrBadPlaceholder, ph, n)
	case pdf[ph.ByteRange] != '[' || pdf[ph.ByteRange+ph.ByteRangeLen-1] != ']' ||
		pdf[ph.Contents] != '<' || pdf[ph.Contents+ph.ContentsLen-1] != '>':
		return fmt.Errorf("%w: no [ ] and < > at the offsets", ErrBadPlaceholder)
	}
	return nil
}

// withV returns the spare field's dictionary with "/V n 0 R" added.
func withV(f SpareField, sigObj int) ([]byte, error) {
	d := bytes.TrimSpace(f.Dict)
	if f.Object <= 0 || !bytes.HasPrefix(d, []byte("<<")) || !bytes.HasSuffix(d, []byte(">>")) || len(d) < 4 {
		return nil, fmt.Errorf("%w: spare field %d is not a dictionary", ErrBadPlaceholder, f.Object)
	}
	if bytes.Contains(d, []byte("/V ")) {
		return nil, fmt.Errorf("%w: spare field %d already has a value", ErrBadPlaceholder, f.Object)
	}
	out := make([]byte, 0, len(d)+24)
	out = append(out, d[:len(d)-2]...)
	if c := out[len(out)-1]; c != ' ' && c != '\n' {
		out = append(out, ' ')
	}
	out = append(out, "/V "...)
	out = strconv.AppendInt(out, int64(sigObj), 10)
	out = append(out, " 0 R >>"...)
	return out, nil
}

// appendXrefSection appends a one-entry xref subsection.
func appendXrefSection(out []byte, obj, off int) []byte {
	out = strconv.AppendInt(out, int64(obj), 10)
	out = append(out, " 1\n"...)
	var e [20]byte
	copy(e[:], "0000000000 00000 n \n")
	for i, v := 9, off; i >= 0; i-- {
		e[i] = byte('0' + v%10)
		v /= 10
	}
	return append(out, e[:]...)
}

// sign fills the placeholder ph of out, whose signature covers all of out.
func sign(out []byte, ph Placeholder, s *Sealer, index int) error {
	if s.Key == nil || s.Certificate == nil {
		return fmt.Errorf("pades: sealer %d has no key or certificate", index)
	}
	a := int64(ph.Contents)
	b := a + int64(ph.ContentsLen)
	br, err := formatByteRange([4]int64{0, a, b, int64(len(out)) - b}, ph.ByteRangeLen)
	if err != nil {
		return err
	}
	copy(out[ph.ByteRange:], br)

	if s.Info.Time.IsZero() {
		return fmt.Errorf("pades: sealer %d: no signing time (SigInfo.Time, written as /M)", index)
	}
	d, err := cms.DigestFor(s.Key.Public())
	if err != nil {
		return fmt.Errorf("pades: sealer %d: %w", index, err)
	}
	h := d.New()
	h.Write(out[:a])
	h.Write(out[b:])
	var sum [64]byte
	// PAdES baseline (ETSI EN 319 142-1 §6.3) forbids the CMS signingTime
	// attribute: the claimed signing time is the dictionary's /M.
	o := cms.SignOptions{Signer: s.Key, Certificate: s.Certificate, Chain: s.Chain, SigningTime: s.Info.Time, OmitSigningTime: true}
	if s.SealReference != nil {
		v, err := s.SealReference.Marshal()
		if err != nil {
			return fmt.Errorf("pades: sealer %d: %w", index, err)
		}
		o.ExtraSignedAttributes = []cms.Attribute{{Type: seal.OIDAttributeSealReference, Values: [][]byte{v}}}
	}
	if s.TimeStamp != nil {
		o.UnsignedAttributes = func(signature []byte) ([]cms.Attribute, error) {
			tok, err := s.TimeStamp(signature)
			if err != nil {
				return nil, fmt.Errorf("time stamp: %w", err)
			}
			return []cms.Attribute{{Type: cms.OIDAttributeTimeStampToken, Values: [][]byte{tok}}}, nil
		}
	}
	sig, err := cms.SignDetached(h.Sum(sum[:0]), o)
	if err != nil {
		return fmt.Errorf("pades: sealer %d: %w", index, err)
	}
	if 2*len(sig) > ph.ContentsLen-2 {
		return fmt.Errorf("%w: sealer %d needs %d bytes, %d reserved", ErrContentsTooSmall, index, len(sig), (ph.ContentsLen-2)/2)
	}
	hex.Encode(out[a+1:], sig)
	if s.Signed != nil {
		contents := make([]byte, (ph.ContentsLen-2)/2)
		copy(contents, sig)
		s.Signed(contents)
	}
	return nil
}
