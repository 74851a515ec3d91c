package seal

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Marshal returns the DER of a v4 seal from its fields (Raw and RawInfo are
// ignored). For a seal Parse read, the result equals the input whenever the
// input was DER. V1 seals are refused with ErrUnsupportedVersion.
func (s *Seal) Marshal() ([]byte, error) {
	if s.Format != FormatV4 {
		return nil, fmt.Errorf("%w: cannot encode format %d", ErrUnsupportedVersion, s.Format)
	}
	info, err := s.Info.Marshal()
	if err != nil {
		return nil, err
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(info)
		b.AddASN1OctetString(s.MakerCertificate)
		b.AddASN1ObjectIdentifier(s.SignatureAlgorithm)
		b.AddASN1BitString(s.SignedValue)
		if s.TimeStamp != nil {
			b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1BitString(s.TimeStamp)
			})
		}
	})
	return finish(b, "SESeal")
}

// Marshal returns the DER of SES_SealInfo (v4), the bytes the maker signs.
func (si *SealInfo) Marshal() ([]byte, error) {
	if err := si.check(); err != nil {
		return nil, err
	}
	return si.encode()
}

// encode writes the DER without checking the fields.
func (si *SealInfo) encode() ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			addString(b, cbasn1.IA5String, si.Header.ID)
			b.AddASN1Int64(int64(si.Header.Version))
			addString(b, cbasn1.IA5String, si.Header.VendorID)
		})
		addString(b, cbasn1.IA5String, si.ESID)
		p := &si.Property
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(int64(p.Type))
			addString(b, cbasn1.UTF8String, p.Name)
			b.AddASN1Int64(int64(p.CertListType))
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for _, c := range p.Certificates {
					b.AddASN1OctetString(c)
				}
				for _, d := range p.Digests {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						addString(b, cbasn1.PrintableString, d.Type)
						b.AddASN1OctetString(d.Value)
					})
				}
			})
			b.AddASN1GeneralizedTime(p.CreateDate)
			b.AddASN1GeneralizedTime(p.ValidStart)
			b.AddASN1GeneralizedTime(p.ValidEnd)
		})
		pic := &si.Picture
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			addString(b, cbasn1.IA5String, pic.Type)
			b.AddASN1OctetString(pic.Data)
			b.AddASN1Int64(int64(pic.Width))
			b.AddASN1Int64(int64(pic.Height))
		})
		if si.Extensions != nil {
			addExtensions(b, si.Extensions)
		}
	})
	return finish(b, "SES_SealInfo")
}

// check refuses fields that cannot be encoded as this package parses them.
func (si *SealInfo) check() error {
	p := &si.Property
	switch {
	case si.Header.ID != HeaderID:
		return fmt.Errorf("%w: header id %q", ErrInvalidRequest, si.Header.ID)
	case !isIA5(si.Header.VendorID) || !isIA5(si.ESID) || !isIA5(si.Picture.Type):
		return fmt.Errorf("%w: vid, esID and picture type must be ASCII", ErrInvalidRequest)
	case p.CertListType == CertListCertificates && len(p.Digests) > 0,
		p.CertListType == CertListDigests && len(p.Certificates) > 0,
		p.CertListType != CertListCertificates && p.CertListType != CertListDigests:
		return fmt.Errorf("%w: certListType %d does not match the list", ErrInvalidRequest, p.CertListType)
	case !digestTypesPrintable(p.Digests):
		return fmt.Errorf("%w: certificate digest types must be PrintableString", ErrInvalidRequest)
	case len(p.Certificates)+len(p.Digests) > MaxCertificates || len(si.Extensions) > MaxExtensions:
		return fmt.Errorf("%w: too many list entries", ErrTooLarge)
	}
	return nil
}

// addExtensions writes ExtensionDatas: SEQUENCE OF ExtData { extnID,
// critical BOOLEAN DEFAULT FALSE, extnValue }.
func addExtensions(b *cryptobyte.Builder, exts []Extension) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, e := range exts {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(e.ID)
				if e.Critical {
					b.AddASN1Boolean(true)
				}
				b.AddASN1OctetString(e.Value)
			})
		}
	})
}

func digestTypesPrintable(ds []CertDigest) bool {
	for _, d := range ds {
		if !isPrintable(d.Type) {
			return false
		}
	}
	return true
}

// isPrintable reports whether s uses only the PrintableString alphabet.
func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte(" '()+,-./:=?", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

func isIA5(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func addString(b *cryptobyte.Builder, tag cbasn1.Tag, s string) {
	b.AddASN1(tag, func(b *cryptobyte.Builder) { b.AddBytes([]byte(s)) })
}

func finish(b *cryptobyte.Builder, what string) ([]byte, error) {
	der, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: encoding %s: %v", ErrInvalidRequest, what, err)
	}
	return der, nil
}
