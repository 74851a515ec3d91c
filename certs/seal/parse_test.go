package seal

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// reseal re-encodes s after mod, without checking the fields or
// re-signing: for parser tests.
func reseal(t *testing.T, s *Seal, mod func(*Seal)) []byte {
	t.Helper()
	c := *s
	c.Info.Property.Certificates = append([][]byte(nil), s.Info.Property.Certificates...)
	mod(&c)
	info, err := c.Info.encode()
	if err != nil {
		t.Fatal(err)
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(info)
		b.AddASN1OctetString(c.MakerCertificate)
		b.AddASN1ObjectIdentifier(c.SignatureAlgorithm)
		b.AddASN1BitString(c.SignedValue)
	})
	return b.BytesOrPanic()
}

func TestParseLimits(t *testing.T) {
	f := newFixture(t)
	s := f.make(t, nil)
	many := make([]Extension, MaxExtensions+1)
	for i := range many {
		many[i] = Extension{ID: []int{1, 2, i + 1}, Value: []byte{1}}
	}
	manyCerts := reseal(t, s, func(c *Seal) {
		for len(c.Info.Property.Certificates) <= MaxCertificates {
			c.Info.Property.Certificates = append(c.Info.Property.Certificates, []byte{1})
		}
	})
	manyExts := reseal(t, s, func(c *Seal) { c.Info.Extensions = many })
	for _, c := range []struct {
		name string
		der  []byte
	}{
		{"size", append(bytes.Repeat([]byte{0}, MaxSealSize), 0)},
		{"certificates", manyCerts},
		{"extensions", manyExts},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Parse(c.der); !errors.Is(err, ErrTooLarge) {
				t.Fatalf("got %v, want ErrTooLarge", err)
			}
		})
	}
	// Marshal refuses what Parse would refuse.
	c := *s
	c.Info.Extensions = many
	if _, err := c.Marshal(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Marshal with %d extensions: %v", len(many), err)
	}
	if _, err := ParseSignature(make([]byte, MaxSignatureSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("signature size: %v", err)
	}
}

func TestParseMalformed(t *testing.T) {
	f := newFixture(t)
	s := f.make(t, nil)
	der := s.Raw
	seq := func(elems ...[]byte) []byte {
		b := cryptobyte.NewBuilder(nil)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, e := range elems {
				b.AddBytes(e)
			}
		})
		return b.BytesOrPanic()
	}
	// Indefinite length (BER) instead of DER.
	ber := append([]byte{0x30, 0x80}, der[4:]...)
	ber = append(ber, 0, 0)
	for _, c := range []struct {
		name string
		der  []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"truncated", der[:len(der)-1], ErrMalformed},
		{"trailing", append(bytes.Clone(der), 0), ErrMalformed},
		{"ber", ber, ErrMalformed},
		{"three-elements", seq(s.RawInfo, []byte{4, 0}, []byte{5, 0}), ErrUnsupportedVersion},
		{"header-id", reseal(t, s, func(c *Seal) { c.Info.Header.ID = "EX" }), ErrMalformed},
		{"negative-width", reseal(t, s, func(c *Seal) { c.Info.Picture.Width = -1 }), ErrMalformed},
		{"digest-list-with-certificates", reseal(t, s, func(c *Seal) { c.Info.Property.CertListType = CertListDigests }), ErrMalformed},
		{"list-type", reseal(t, s, func(c *Seal) { c.Info.Property.CertListType = 7 }), ErrMalformed},
		{"not-ascii-esid", bytes.Replace(der, []byte(s.Info.ESID), []byte("\xff"+s.Info.ESID[1:]), 1), ErrMalformed},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Parse(c.der); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}
