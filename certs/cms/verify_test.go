package cms

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"testing"

	"sihub/certs/cms/cmstest"
)

// flipAt returns a copy of der with the byte at i inverted in its lowest bit.
func flipAt(der []byte, i int) []byte {
	out := bytes.Clone(der)
	out[i] ^= 1
	return out
}

func parseOne(t *testing.T, der []byte) (*SignedData, *SignerInfo) {
	t.Helper()
	sd, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.Signers) != 1 {
		t.Fatalf("%d signers", len(sd.Signers))
	}
	return sd, sd.Signers[0]
}

func TestVerifyFailures(t *testing.T) {
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			p := testPKI(t, alg)
			content := randomContent(t, 4000)
			der := signContent(t, p, content, nil)
			_, si := parseOne(t, der)
			good := digestWith(t, si, content)
			if err := si.Verify(good); err != nil {
				t.Fatalf("untouched signature: %v", err)
			}

			t.Run("content changed", func(t *testing.T) {
				changed := bytes.Clone(content)
				changed[1234] ^= 0x80
				if err := si.Verify(digestWith(t, si, changed)); !errors.Is(err, ErrDigestMismatch) {
					t.Errorf("err = %v, want ErrDigestMismatch", err)
				}
			})
			t.Run("signature changed", func(t *testing.T) {
				i := bytes.Index(der, si.Signature)
				_, si2 := parseOne(t, flipAt(der, i+len(si.Signature)-1))
				if err := si2.Verify(good); !errors.Is(err, ErrBadSignature) {
					t.Errorf("err = %v, want ErrBadSignature", err)
				}
			})
			t.Run("signed attribute changed", func(t *testing.T) {
				// A digit of the signing time.
				st, err := derTime(testNow)
				if err != nil {
					t.Fatal(err)
				}
				i := bytes.Index(der, st)
				if i < 0 || bytes.Count(der, st) != 1 {
					t.Fatal("signing time not found once in the DER")
				}
				_, si2 := parseOne(t, flipAt(der, i+len(st)-2))
				if err := si2.Verify(good); !errors.Is(err, ErrBadSignature) {
					t.Errorf("err = %v, want ErrBadSignature", err)
				}
			})
			t.Run("other signer certificate", func(t *testing.T) {
				key, err := cmstest.GenerateKey(alg)
				if err != nil {
					t.Fatal(err)
				}
				other, err := p.NewLeaf("another seal", key)
				if err != nil {
					t.Fatal(err)
				}
				_, si2 := parseOne(t, der)
				si2.Certificate = other
				if err := si2.Verify(good); !errors.Is(err, ErrBadSignature) {
					t.Errorf("err = %v, want ErrBadSignature", err)
				}
			})
			t.Run("same key, other certificate", func(t *testing.T) {
				twin, err := p.NewLeaf("same key, new certificate", p.LeafKey)
				if err != nil {
					t.Fatal(err)
				}
				_, si2 := parseOne(t, der)
				si2.Certificate = twin
				if err := si2.Verify(good); !errors.Is(err, ErrCertificateMismatch) {
					t.Errorf("err = %v, want ErrCertificateMismatch", err)
				}
			})
			t.Run("signer certificate absent", func(t *testing.T) {
				// Change the issuer name inside the embedded leaf, so no
				// certificate matches issuerAndSerialNumber any more.
				ci := bytes.Index(der, p.Leaf.Raw)
				ii := bytes.Index(p.Leaf.Raw, p.Leaf.RawIssuer)
				sd2, si2 := parseOne(t, flipAt(der, ci+ii+len(p.Leaf.RawIssuer)-1))
				if len(sd2.Certificates) != 2 {
					t.Fatalf("%d certificates parsed", len(sd2.Certificates))
				}
				if si2.Certificate != nil {
					t.Fatal("a certificate still matches")
				}
				if err := si2.Verify(good); !errors.Is(err, ErrSignerNotFound) {
					t.Errorf("err = %v, want ErrSignerNotFound", err)
				}
			})
			t.Run("content type attribute", func(t *testing.T) {
				_, si2 := parseOne(t, der)
				si2.ContentType = OIDTSTInfo
				if err := si2.Verify(good); !errors.Is(err, ErrContentTypeMismatch) {
					t.Errorf("err = %v, want ErrContentTypeMismatch", err)
				}
			})
			t.Run("weak digest", func(t *testing.T) {
				_, si2 := parseOne(t, der)
				si2.DigestAlgorithm = OIDDigestSHA1
				if _, err := si2.NewHash(); !errors.Is(err, ErrWeakAlgorithm) {
					t.Errorf("NewHash err = %v, want ErrWeakAlgorithm", err)
				}
				if err := si2.Verify(good); !errors.Is(err, ErrWeakAlgorithm) {
					t.Errorf("err = %v, want ErrWeakAlgorithm", err)
				}
			})
			t.Run("algorithm of another key type", func(t *testing.T) {
				_, si2 := parseOne(t, der)
				if alg == "sm2" {
					si2.SignatureAlgorithm = OIDECDSAWithSHA256
					si2.DigestAlgorithm = OIDDigestSHA256
				} else {
					si2.SignatureAlgorithm = OIDSignatureSM2
					si2.DigestAlgorithm = OIDDigestSM3
				}
				if err := si2.Verify(good); !errors.Is(err, ErrUnsupportedAlgorithm) {
					t.Errorf("err = %v, want ErrUnsupportedAlgorithm", err)
				}
			})
		})
	}
}

// TestSM2SignatureIdentifiers: the signature verifies under each SM2
// identifier accepted when parsing, and not under an inconsistent one.
func TestSM2SignatureIdentifiers(t *testing.T) {
	p := testPKI(t, "sm2")
	der := signContent(t, p, []byte("identifiers"), nil)
	_, si := parseOne(t, der)
	d := digestWith(t, si, []byte("identifiers"))
	for _, oid := range []asn1.ObjectIdentifier{OIDSignatureSM2, OIDSignatureSM2WithSM3, OIDPublicKeySM2} {
		si.SignatureAlgorithm = oid
		if err := si.Verify(d); err != nil {
			t.Errorf("%v: %v", oid, err)
		}
		if si.AlgorithmName() != "SM2-SM3" {
			t.Errorf("%v: name %s", oid, si.AlgorithmName())
		}
	}
	si.DigestAlgorithm = OIDDigestSHA256
	si.SignatureAlgorithm = OIDSignatureSM2WithSM3
	if err := si.Verify(d); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("SM2-with-SM3 and a SHA-256 digest: err = %v", err)
	}
}

func TestParseLimitsAndMalformed(t *testing.T) {
	p := testPKI(t, "p256")
	der := signContent(t, p, []byte("limits"), nil)
	if _, err := ParseWithLimits(der, Limits{MaxCertificates: 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("two certificates, limit one: err = %v", err)
	}
	if _, err := ParseWithLimits(der, Limits{MaxSize: len(der) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("size limit: err = %v", err)
	}
	if _, err := ParseWithLimits(der, Limits{MaxAttributes: 3}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("four attributes, limit three: err = %v", err)
	}
	for n := 0; n < len(der); n += 7 {
		if _, err := Parse(der[:n]); !errors.Is(err, ErrMalformed) {
			t.Fatalf("truncated to %d bytes: err = %v, want ErrMalformed", n, err)
		}
	}
	sd, err := Parse(append(bytes.Clone(der), make([]byte, 300)...))
	if err != nil || sd.Trailing != nil {
		t.Errorf("zero padding: err = %v, trailing %d bytes", err, len(sd.Trailing))
	}
	sd, err = Parse(append(bytes.Clone(der), 0, 0, 'x'))
	if err != nil || !bytes.Equal(sd.Trailing, []byte{0, 0, 'x'}) {
		t.Errorf("trailing data: err = %v, trailing %q", err, sd.Trailing)
	}
	if _, err := Parse([]byte("not asn.1")); !errors.Is(err, ErrMalformed) {
		t.Errorf("garbage: err = %v", err)
	}
}

// TestDuplicateSignedAttributes: an attribute that must be single may not
// repeat, nor carry two values (a second messageDigest could otherwise
// smuggle in another document's digest).
func TestDuplicateSignedAttributes(t *testing.T) {
	d1, d2 := derOctets(make([]byte, 32)), derOctets(bytes.Repeat([]byte{1}, 32))
	for name, attrs := range map[string][]Attribute{
		"two attributes": {{Type: OIDAttributeMessageDigest, Values: [][]byte{d1}}, {Type: OIDAttributeMessageDigest, Values: [][]byte{d2}}},
		"two values":     {{Type: OIDAttributeMessageDigest, Values: [][]byte{d1, d2}}},
		"no value":       {{Type: OIDAttributeContentType}},
	} {
		set, err := encodeAttributeSet(attrs, 0xA0)
		if err != nil {
			t.Fatal(err)
		}
		si := &SignerInfo{}
		if si.Attributes, err = parseAttributes(set, 0xA0, DefaultLimits); err != nil {
			t.Fatal(err)
		}
		if err := si.readSignedAttributes(); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}
