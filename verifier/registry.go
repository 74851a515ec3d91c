package verifier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sihub/model"
	"sihub/verifier/pdfstruct"
)

// Keys of the document information dictionary that sihub writes.
const (
	infoCode   = "SihubCode"
	infoNumber = "SihubNumber"
)

// CanonicalCode returns the canonical form of an anti-forgery code as the
// registry stores it: upper case, without spaces, hyphens or dots.
func CanonicalCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '.', '\t', '\u3000':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// signedInfo reads /SihubCode and /SihubNumber from the /Info of the
// revision the first signature signed (the whole file when it has no usable
// signature).
func (d *document) signedInfo(sigs []*sigRef) (code, number string) {
	f := d.f
	for _, s := range sigs {
		if s.end > 0 && s.end < int64(len(d.data)) && d.f.IsRevisionEnd(s.end) {
			old, err := d.revisionFile(s.end)
			if err != nil {
				return "", ""
			}
			f = old
		}
		if s.end > 0 {
			break
		}
	}
	info, err := f.Resolve(f.Trailer()["Info"])
	if err != nil {
		return "", ""
	}
	dict, _ := info.(pdfstruct.Dict)
	text := func(k pdfstruct.Name) string {
		o, err := f.Resolve(dict[k])
		if err != nil {
			return ""
		}
		s, ok := o.(pdfstruct.String)
		if !ok || len(s.Value) > 256 {
			return ""
		}
		t := s.Text()
		if !utf8.ValidString(t) {
			return ""
		}
		return strings.TrimSpace(t)
	}
	return text(infoCode), text(infoNumber)
}

// checkRegistry reads the anti-forgery code and compares the registry
// entry with the file.
func (v *Verifier) checkRegistry(ctx context.Context, d *document, sigs []*sigRef, r *Report) {
	code, number := d.signedInfo(sigs)
	r.Document.Code, r.Document.Number = CanonicalCode(code), number
	if r.Document.Code == "" || v.registry == nil {
		return
	}
	doc, err := v.registry.DocumentByCode(ctx, r.Document.Code)
	if errors.Is(err, model.ErrNotFound) {
		r.Document.RegistryStatus = RegistryUnknown
		r.addError(ReasonCodeUnknown, fmt.Sprintf("the registry does not know code %s", r.Document.Code))
		return
	}
	if err != nil {
		r.addError(ReasonRegistryUnavailable, "registry lookup failed: "+err.Error())
		return
	}
	r.Document.Kind = doc.Kind
	r.Document.SubjectMasked = model.MaskID(doc.Subject)
	if !doc.ValidUntil.IsZero() {
		t := doc.ValidUntil.UTC()
		r.Document.ValidUntil = &t
	}
	if r.Document.Number == "" {
		r.Document.Number = doc.Number
	} else if doc.Number != "" && doc.Number != r.Document.Number {
		r.addError(ReasonRegistryDigestMismatch, fmt.Sprintf("the file's number %s differs from the registry's %s", r.Document.Number, doc.Number))
	}
	end := VerifyWindowEnd(doc)
	if !end.IsZero() {
		t := end.UTC()
		r.Document.VerifyUntil = &t
	}
	switch doc.Status {
	case model.DocValid:
		r.Document.RegistryStatus = RegistryValid
		if PastWindow(doc, d.now) {
			r.Document.RegistryStatus = RegistryExpired
			r.addError(ReasonDocumentExpired, fmt.Sprintf("the document's verification window ended %s: the registry no longer vouches for it online",
				end.UTC().Format(time.RFC3339)))
		}
	case model.DocSuperseded:
		r.Document.RegistryStatus = RegistrySuperseded
		r.Document.SupersededBy = doc.SupersededBy
		r.addError(ReasonDocumentSuperseded, "the registry says this document was superseded"+withReason(doc.StatusReason))
	case model.DocWithdrawn:
		r.Document.RegistryStatus = RegistryWithdrawn
		r.addError(ReasonDocumentWithdrawn, "the registry says this document was withdrawn"+withReason(doc.StatusReason))
	default:
		r.Document.RegistryStatus = string(doc.Status)
	}
	if !strings.EqualFold(doc.SHA256, r.Document.SHA256) {
		r.addError(ReasonRegistryDigestMismatch, "the file's SHA-256 differs from the issued file's")
	}
}

// VerifyWindowEnd is when the registry stops answering for doc online:
// its VerifyUntil, but never before its ValidUntil. Zero for a document
// without a VerifyUntil (one issued before windows were recorded): it has
// no window, and past its ValidUntil it is only reported expired by date.
func VerifyWindowEnd(doc model.Document) time.Time {
	if doc.VerifyUntil.IsZero() {
		return time.Time{}
	}
	if doc.VerifyUntil.After(doc.ValidUntil) {
		return doc.VerifyUntil
	}
	return doc.ValidUntil
}

// PastWindow reports whether the registry no longer answers for doc at
// now: a valid document whose verification window (VerifyWindowEnd)
// ended before now. Superseded and withdrawn documents are refused for
// that, whatever their window.
func PastWindow(doc model.Document, now time.Time) bool {
	end := VerifyWindowEnd(doc)
	return doc.Status == model.DocValid && !end.IsZero() && now.After(end)
}

func withReason(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}
