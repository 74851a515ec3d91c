package seal

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// The reference seals and signatures made by another implementation
// (ofdrw): every one parses, its maker's (and signer's) SM2 signature
// verifies, and the DER ones re-encode byte for byte.
func TestCorpusSeals(t *testing.T) {
	cases := []struct {
		file      string
		format    Format
		version   int
		name      string
		timeStamp bool
	}{
		{"UserV1.esl", FormatV1, 1, "OFDRW测试用印章", false},
		{"UserV4.esl", FormatV4, 4, "OFD R&W 测试用印章", false},
		{"UserV5.esl", FormatV4, 5, "OFD R&W V5测试用印章", false},
		{"UserV5_ts.esl", FormatV4, 5, "OFD R&W V5测试用印章", true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			der := sample(t, c.file)
			s, err := Parse(der)
			if err != nil {
				t.Fatal(err)
			}
			if s.Format != c.format || s.Info.Header.Version != c.version || s.Info.Header.ID != "ES" {
				t.Fatalf("format %d header %+v, want format %d version %d", s.Format, s.Info.Header, c.format, c.version)
			}
			if s.Info.Property.Name != c.name {
				t.Errorf("name %q, want %q", s.Info.Property.Name, c.name)
			}
			if (s.TimeStamp != nil) != c.timeStamp {
				t.Errorf("time-stamp present %v, want %v", s.TimeStamp != nil, c.timeStamp)
			}
			if len(s.Info.ESID) != 32 || s.Info.Picture.Type != "PNG" || s.Info.Picture.Width != 40 {
				t.Errorf("esID %q picture %s %d mm", s.Info.ESID, s.Info.Picture.Type, s.Info.Picture.Width)
			}
			if len(s.Info.Property.Certificates) != 1 || s.Info.Property.CertListType != CertListCertificates {
				t.Errorf("certificate list: type %d, %d entries", s.Info.Property.CertListType, len(s.Info.Property.Certificates))
			}
			p := s.Info.Property
			mid := p.ValidStart.Add(p.ValidEnd.Sub(p.ValidStart) / 2)
			if err := s.Verify(VerifyOptions{Time: mid}); err != nil {
				t.Fatalf("maker signature: %v", err)
			}
			if err := s.Verify(VerifyOptions{Time: p.ValidEnd.Add(time.Second)}); !errors.Is(err, ErrExpired) {
				t.Errorf("after validEnd: %v, want ErrExpired", err)
			}
			if c.format == FormatV1 {
				if _, err := s.Marshal(); !errors.Is(err, ErrUnsupportedVersion) {
					t.Errorf("Marshal v1: %v, want ErrUnsupportedVersion", err)
				}
				return
			}
			if re := mustMarshal(t, s); !bytes.Equal(re, der) {
				t.Error("re-encoding differs from the sample")
			}
		})
	}
}

func TestCorpusSignatures(t *testing.T) {
	for _, c := range []struct {
		file    string
		version int
	}{{"SignedValueV4.dat", 4}, {"SignedValueV5.dat", 5}} {
		t.Run(c.file, func(t *testing.T) {
			der := sample(t, c.file)
			sig, err := ParseSignature(der)
			if err != nil {
				t.Fatal(err)
			}
			if sig.TBS.Version != c.version || sig.TBS.PropertyInfo != "/Doc_0/Signs/Sign_0/Signature.xml" || len(sig.TBS.DataHash) != 32 {
				t.Errorf("TBS version %d property %q hash %d bytes", sig.TBS.Version, sig.TBS.PropertyInfo, len(sig.TBS.DataHash))
			}
			if err := sig.Verify(SignatureVerifyOptions{}); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if err := sig.Verify(SignatureVerifyOptions{DataHash: sig.TBS.DataHash}); err != nil {
				t.Errorf("with its own data hash: %v", err)
			}
			if err := sig.Verify(SignatureVerifyOptions{DataHash: flip(sig.TBS.DataHash, 0)}); !errors.Is(err, ErrDataHashMismatch) {
				t.Errorf("other data hash: %v, want ErrDataHashMismatch", err)
			}
			re, err := sig.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(re, der) {
				t.Error("re-encoding differs from the sample")
			}
		})
	}
}

// A change inside the signed seal information breaks the maker's
// signature of a sample.
func TestCorpusTamper(t *testing.T) {
	der := sample(t, "UserV4.esl")
	s, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(der, []byte(s.Info.ESID))
	s2, err := Parse(flip(der, i))
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Verify(VerifyOptions{Time: s.Info.Property.ValidStart}); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered esID: %v, want ErrBadSignature", err)
	}
}
