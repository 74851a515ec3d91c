package seal

import (
	"fmt"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Parse decodes a DER SESeal of GB/T 38540-2020 (v4, and the five-element
// form with a time-stamp) or GM/T 0031-2014 (v1). The returned Seal keeps
// the input in Raw and the signed eSealInfo in RawInfo; it shares no memory
// with der.
func Parse(der []byte) (*Seal, error) {
	if len(der) > MaxSealSize {
		return nil, fmt.Errorf("%w: seal of %d bytes (max %d)", ErrTooLarge, len(der), MaxSealSize)
	}
	der = append([]byte(nil), der...)
	in := cryptobyte.String(der)
	var body cryptobyte.String
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, malformed("SESeal is not one DER SEQUENCE")
	}
	s, err := parseSealBody(body)
	if err != nil {
		return nil, err
	}
	s.Raw = der
	return s, nil
}

// parseSealBody reads the contents of an SESeal SEQUENCE.
func parseSealBody(body cryptobyte.String) (*Seal, error) {
	n, err := countElements(body, 6)
	if err != nil {
		return nil, err
	}
	var rawInfo cryptobyte.String
	if !body.ReadASN1Element(&rawInfo, cbasn1.SEQUENCE) {
		return nil, malformed("eSealInfo")
	}
	s := &Seal{RawInfo: []byte(rawInfo)}
	switch n {
	case 2:
		s.Format = FormatV1
		if s.Info, err = parseSealInfo(rawInfo, FormatV1); err != nil {
			return nil, err
		}
		var sign cryptobyte.String
		if !body.ReadASN1(&sign, cbasn1.SEQUENCE) ||
			!sign.ReadASN1Bytes(&s.MakerCertificate, cbasn1.OCTET_STRING) ||
			!sign.ReadASN1ObjectIdentifier(&s.SignatureAlgorithm) ||
			!sign.ReadASN1BitStringAsBytes(&s.SignedValue) || !sign.Empty() {
			return nil, malformed("SES_SignInfo")
		}
	case 4, 5:
		s.Format = FormatV4
		if s.Info, err = parseSealInfo(rawInfo, FormatV4); err != nil {
			return nil, err
		}
		if !body.ReadASN1Bytes(&s.MakerCertificate, cbasn1.OCTET_STRING) ||
			!body.ReadASN1ObjectIdentifier(&s.SignatureAlgorithm) ||
			!body.ReadASN1BitStringAsBytes(&s.SignedValue) {
			return nil, malformed("cert, signAlgID or signedValue")
		}
		if n == 5 {
			var ts cryptobyte.String
			if !body.ReadASN1(&ts, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
				!ts.ReadASN1BitStringAsBytes(&s.TimeStamp) || !ts.Empty() || s.TimeStamp == nil {
				return nil, malformed("timeStamp")
			}
		}
	default:
		return nil, fmt.Errorf("%w: SESeal of %d elements", ErrUnsupportedVersion, n)
	}
	if !body.Empty() {
		return nil, malformed("trailing data in SESeal")
	}
	return s, nil
}

func parseSealInfo(raw cryptobyte.String, f Format) (SealInfo, error) {
	var info SealInfo
	var body, hdr cryptobyte.String
	var ver int64
	if !raw.ReadASN1(&body, cbasn1.SEQUENCE) ||
		!body.ReadASN1(&hdr, cbasn1.SEQUENCE) ||
		!readIA5(&hdr, &info.Header.ID) ||
		!hdr.ReadASN1Int64WithTag(&ver, cbasn1.INTEGER) ||
		!readIA5(&hdr, &info.Header.VendorID) || !hdr.Empty() {
		return info, malformed("SES_Header")
	}
	if info.Header.ID != HeaderID {
		return info, malformed("header id is not ES")
	}
	if ver < 0 || ver > 1<<16 {
		return info, malformed("header version")
	}
	info.Header.Version = int(ver)
	if !readIA5(&body, &info.ESID) {
		return info, malformed("esID")
	}
	var err error
	if info.Property, err = parseProperty(&body, f); err != nil {
		return info, err
	}
	if info.Picture, err = parsePicture(&body); err != nil {
		return info, err
	}
	if !body.Empty() {
		var ext cryptobyte.String
		if !body.ReadASN1(&ext, cbasn1.SEQUENCE) {
			return info, malformed("extDatas")
		}
		if info.Extensions, err = parseExtensions(ext); err != nil {
			return info, err
		}
	}
	if !body.Empty() {
		return info, malformed("trailing data in SES_SealInfo")
	}
	return info, nil
}

func parseProperty(in *cryptobyte.String, f Format) (Property, error) {
	var p Property
	var body cryptobyte.String
	var typ int64
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) ||
		!body.ReadASN1Int64WithTag(&typ, cbasn1.INTEGER) ||
		!readUTF8(&body, &p.Name) {
		return p, malformed("SES_ESPropertyInfo type or name")
	}
	if typ < 0 || typ > 1<<31-1 {
		return p, malformed("seal type")
	}
	p.Type = int(typ)
	readTime := func(t *time.Time) bool { return body.ReadASN1GeneralizedTime(t) }
	if f == FormatV1 {
		p.CertListType = CertListCertificates
		readTime = func(t *time.Time) bool { return body.ReadASN1UTCTime(t) }
	} else {
		var lt int64
		if !body.ReadASN1Int64WithTag(&lt, cbasn1.INTEGER) {
			return p, malformed("certListType")
		}
		if lt != CertListCertificates && lt != CertListDigests {
			return p, malformed(fmt.Sprintf("certListType %d", lt))
		}
		p.CertListType = int(lt)
	}
	var list cryptobyte.String
	if !body.ReadASN1(&list, cbasn1.SEQUENCE) {
		return p, malformed("certList")
	}
	for !list.Empty() {
		if len(p.Certificates)+len(p.Digests) >= MaxCertificates {
			return p, fmt.Errorf("%w: more than %d certificate list entries", ErrTooLarge, MaxCertificates)
		}
		if p.CertListType == CertListCertificates {
			var c []byte
			if !list.ReadASN1Bytes(&c, cbasn1.OCTET_STRING) {
				return p, malformed("certList certificate")
			}
			p.Certificates = append(p.Certificates, c)
			continue
		}
		var obj cryptobyte.String
		var d CertDigest
		if !list.ReadASN1(&obj, cbasn1.SEQUENCE) ||
			!readString(&obj, cbasn1.PrintableString, &d.Type) || !isPrintable(d.Type) ||
			!obj.ReadASN1Bytes(&d.Value, cbasn1.OCTET_STRING) || !obj.Empty() {
			return p, malformed("CertDigestObj")
		}
		p.Digests = append(p.Digests, d)
	}
	if !readTime(&p.CreateDate) || !readTime(&p.ValidStart) || !readTime(&p.ValidEnd) || !body.Empty() {
		return p, malformed("createDate, validStart or validEnd")
	}
	return p, nil
}

func parsePicture(in *cryptobyte.String) (Picture, error) {
	var p Picture
	var body cryptobyte.String
	var w, h int64
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) ||
		!readIA5(&body, &p.Type) ||
		!body.ReadASN1Bytes(&p.Data, cbasn1.OCTET_STRING) ||
		!body.ReadASN1Int64WithTag(&w, cbasn1.INTEGER) ||
		!body.ReadASN1Int64WithTag(&h, cbasn1.INTEGER) || !body.Empty() {
		return p, malformed("SES_ESPictrueInfo")
	}
	if w < 0 || h < 0 || w > 1<<16 || h > 1<<16 {
		return p, malformed("picture size")
	}
	p.Width, p.Height = int(w), int(h)
	return p, nil
}

func parseExtensions(list cryptobyte.String) ([]Extension, error) {
	exts := []Extension{}
	for !list.Empty() {
		if len(exts) >= MaxExtensions {
			return nil, fmt.Errorf("%w: more than %d extDatas", ErrTooLarge, MaxExtensions)
		}
		var e Extension
		var body cryptobyte.String
		if !list.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1ObjectIdentifier(&e.ID) {
			return nil, malformed("ExtData")
		}
		if body.PeekASN1Tag(cbasn1.BOOLEAN) {
			// DER omits a DEFAULT FALSE; an explicit FALSE is not DER.
			if !body.ReadASN1Boolean(&e.Critical) || !e.Critical {
				return nil, malformed("ExtData critical")
			}
		}
		if !body.ReadASN1Bytes(&e.Value, cbasn1.OCTET_STRING) || !body.Empty() {
			return nil, malformed("ExtData value")
		}
		exts = append(exts, e)
	}
	return exts, nil
}

// countElements counts the top-level elements of a SEQUENCE body, up to
// limit+1.
func countElements(body cryptobyte.String, limit int) (int, error) {
	n := 0
	for !body.Empty() && n <= limit {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !body.ReadAnyASN1Element(&el, &tag) {
			return 0, malformed("element of SEQUENCE")
		}
		n++
	}
	return n, nil
}

func readIA5(s *cryptobyte.String, out *string) bool {
	return readString(s, cbasn1.IA5String, out) && isIA5(*out)
}

func readUTF8(s *cryptobyte.String, out *string) bool {
	return readString(s, cbasn1.UTF8String, out) && utf8.ValidString(*out)
}

func readString(s *cryptobyte.String, tag cbasn1.Tag, out *string) bool {
	var b cryptobyte.String
	if !s.ReadASN1(&b, tag) {
		return false
	}
	*out = string(b)
	return true
}

func malformed(what string) error {
	return fmt.Errorf("%w: %s", ErrMalformed, what)
}
