package cms

import (
	"bytes"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

func TestSignDetachedRoundTrip(t *testing.T) {
	cases := []struct {
		alg     string
		digest  asn1.ObjectIdentifier
		sig     asn1.ObjectIdentifier
		name    string
		essHash asn1.ObjectIdentifier
		sum     func([]byte) []byte
	}{
		{"sm2", OIDDigestSM3, OIDSignatureSM2, "SM2-SM3", OIDDigestSM3, func(b []byte) []byte { s := sm3.Sum(b); return s[:] }},
		{"p256", OIDDigestSHA256, OIDECDSAWithSHA256, "ECDSA-P256-SHA256", OIDDigestSHA256, func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }},
		{"rsa", OIDDigestSHA256, OIDSHA256WithRSA, "RSA-SHA256", OIDDigestSHA256, func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }},
	}
	for _, c := range cases {
		t.Run(c.alg, func(t *testing.T) {
			p := testPKI(t, c.alg)
			content := randomContent(t, 5000)
			der := signContent(t, p, content, nil)
			sd, err := Parse(der)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(sd.Raw, der) {
				t.Error("Raw differs from the DER that was parsed")
			}
			if sd.Version != 1 || !sd.ContentType.Equal(OIDData) || sd.Content != nil {
				t.Errorf("SignedData version %d content type %s content %d bytes; want 1, id-data, detached", sd.Version, sd.ContentType, len(sd.Content))
			}
			if len(sd.Certificates) != 2 || !sd.Certificates[0].Equal(p.Leaf) || !sd.Certificates[1].Equal(p.Intermediate) {
				t.Errorf("certificates: got %d, want leaf then intermediate", len(sd.Certificates))
			}
			if len(sd.Signers) != 1 {
				t.Fatalf("%d signers", len(sd.Signers))
			}
			si := sd.Signers[0]
			if !si.DigestAlgorithm.Equal(c.digest) || !si.SignatureAlgorithm.Equal(c.sig) {
				t.Errorf("algorithms %s / %s, want %s / %s", si.DigestAlgorithm, si.SignatureAlgorithm, c.digest, c.sig)
			}
			if got := si.AlgorithmName(); got != c.name {
				t.Errorf("AlgorithmName = %q, want %q", got, c.name)
			}
			if si.Certificate == nil || !si.Certificate.Equal(p.Leaf) {
				t.Fatal("signer certificate not found by issuerAndSerialNumber")
			}
			if si.Version != 1 || si.SubjectKeyID != nil || !bytes.Equal(si.IssuerRaw, p.Leaf.RawIssuer) {
				t.Error("signer identifier is not issuerAndSerialNumber of the leaf")
			}
			if !si.SigningTime.Equal(testNow) {
				t.Errorf("signing time %v, want %v", si.SigningTime, testNow)
			}
			if !si.ContentType.Equal(OIDData) {
				t.Errorf("contentType attribute %s", si.ContentType)
			}
			want := c.sum(content)
			if !bytes.Equal(si.MessageDigest, want) {
				t.Error("messageDigest is not the digest of the content")
			}
			if si.ESSVersion != 2 || len(si.ESSCertIDs) != 1 || !si.ESSCertIDs[0].HashAlgorithm.Equal(c.essHash) ||
				!bytes.Equal(si.ESSCertIDs[0].Hash, c.sum(p.Leaf.Raw)) || si.ESSCertIDs[0].SerialNumber.Cmp(p.Leaf.SerialNumber) != 0 {
				t.Errorf("signingCertificateV2 = v%d %+v", si.ESSVersion, si.ESSCertIDs)
			}
			if err := si.Verify(digestWith(t, si, content)); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

// TestSignedAttributesAreDERSet checks the attribute order and that the
// signed bytes are exactly the [0] field re-tagged as SET.
func TestSignedAttributesAreDERSet(t *testing.T) {
	for _, alg := range []string{"sm2", "p256"} {
		p := testPKI(t, alg)
		der := signContent(t, p, []byte("x"), nil)
		sd, err := Parse(der)
		if err != nil {
			t.Fatal(err)
		}
		si := sd.Signers[0]
		if si.SignedAttributes[0] != 0x31 {
			t.Fatalf("%s: signed attributes tag %#x", alg, si.SignedAttributes[0])
		}
		tagged := append([]byte{0xA0}, si.SignedAttributes[1:]...)
		if !bytes.Contains(der, tagged) {
			t.Errorf("%s: the SignerInfo does not hold the signed attributes as [0]", alg)
		}
		s := cryptobyte.String(si.SignedAttributes)
		var set cryptobyte.String
		if !s.ReadASN1(&set, cbasn1.SET) {
			t.Fatal("not a SET")
		}
		var prev []byte
		n := 0
		for !set.Empty() {
			var el cryptobyte.String
			if !set.ReadASN1Element(&el, cbasn1.SEQUENCE) {
				t.Fatal("bad attribute")
			}
			if prev != nil && bytes.Compare(prev, el) > 0 {
				t.Errorf("%s: attributes not in DER SET order", alg)
			}
			prev = el
			n++
		}
		if n != 4 {
			t.Errorf("%s: %d signed attributes, want 4", alg, n)
		}
	}
}

func TestSignDetachedOptions(t *testing.T) {
	p := testPKI(t, "p256")
	extraType := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 15} // signature policy identifier
	der := signContent(t, p, []byte("doc"), func(o *SignOptions) {
		o.OmitSigningTime = true
		o.ExtraSignedAttributes = []Attribute{{Type: extraType, Values: [][]byte{{0x05, 0x00}}}}
		o.UnsignedAttributes = func(sig []byte) ([]Attribute, error) {
			return []Attribute{{Type: OIDAttributeTimeStampToken, Values: [][]byte{derOctets(sig)}}}, nil
		}
	})
	sd, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	si := sd.Signers[0]
	if !si.SigningTime.IsZero() {
		t.Error("signingTime written although omitted")
	}
	if a, ok := si.Attribute(extraType); !ok || !bytes.Equal(a.Values[0], []byte{0x05, 0x00}) {
		t.Error("extra signed attribute missing")
	}
	ua, ok := si.UnsignedAttribute(OIDAttributeTimeStampToken)
	if !ok || !bytes.Equal(ua.Values[0], derOctets(si.Signature)) {
		t.Error("unsigned attribute missing or not computed from the signature")
	}
	if err := si.Verify(digestWith(t, si, []byte("doc"))); err != nil {
		t.Fatal(err)
	}

	d, _ := DigestFor(p.LeafKey.Public())
	digest := make([]byte, d.Size())
	if _, err := SignDetached(digest, SignOptions{Signer: p.LeafKey, Certificate: p.Leaf}); err == nil {
		t.Error("no signing time and not omitted: want an error")
	}
	if _, err := SignDetached(digest[:5], SignOptions{Signer: p.LeafKey, Certificate: p.Leaf, SigningTime: testNow}); err == nil {
		t.Error("short digest: want an error")
	}
	_, err = SignDetached(digest, SignOptions{Signer: p.LeafKey, Certificate: p.Leaf, SigningTime: testNow,
		ExtraSignedAttributes: []Attribute{{Type: OIDAttributeMessageDigest, Values: [][]byte{derOctets(digest)}}}})
	if err == nil {
		t.Error("a second messageDigest attribute was accepted")
	}
	other := testPKI(t, "sm2")
	if _, err := SignDetached(digest, SignOptions{Signer: other.LeafKey, Certificate: p.Leaf, SigningTime: testNow}); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("key of another certificate: err = %v, want ErrKeyMismatch", err)
	}
}

func TestDigestFor(t *testing.T) {
	for alg, want := range map[string]string{"sm2": "SM3", "p256": "SHA256", "rsa": "SHA256"} {
		d, err := DigestFor(testPKI(t, alg).LeafKey.Public())
		if err != nil || d.Name() != want || d.Size() != 32 || d.New().Size() != 32 {
			t.Errorf("%s: DigestFor = %v %v, want %s", alg, d.Name(), err, want)
		}
	}
	if _, err := DigestFor("not a key"); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("err = %v", err)
	}
}
