package cms

import (
	"bytes"
	"errors"
	"testing"
)

func TestSignAttached(t *testing.T) {
	for _, alg := range []string{"sm2", "p256", "rsa"} {
		t.Run(alg, func(t *testing.T) {
			p := testPKI(t, alg)
			content := randomContent(t, 300)
			der, err := SignAttached(content, OIDTSTInfo, SignOptions{Signer: p.LeafKey, Certificate: p.Leaf, OmitSigningTime: true})
			if err != nil {
				t.Fatal(err)
			}
			sd, err := Parse(der)
			if err != nil {
				t.Fatal(err)
			}
			if sd.Version != 3 || !sd.ContentType.Equal(OIDTSTInfo) || !bytes.Equal(sd.Content, content) {
				t.Fatalf("version %d type %s content %d bytes", sd.Version, sd.ContentType, len(sd.Content))
			}
			si := sd.Signers[0]
			if !si.ContentType.Equal(OIDTSTInfo) || !si.SigningTime.IsZero() {
				t.Errorf("contentType attribute %s, signingTime %s", si.ContentType, si.SigningTime)
			}
			if err := si.VerifyContent(sd.Content); err != nil {
				t.Fatalf("VerifyContent: %v", err)
			}
			other := bytes.Clone(content)
			other[0] ^= 1
			if err := si.VerifyContent(other); !errors.Is(err, ErrDigestMismatch) {
				t.Fatalf("other content: %v", err)
			}
		})
	}
	p := testPKI(t, "p256")
	// id-data keeps version 1.
	der, err := SignAttached([]byte("x"), OIDData, SignOptions{Signer: p.LeafKey, Certificate: p.Leaf, SigningTime: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if sd, err := Parse(der); err != nil || sd.Version != 1 || string(sd.Content) != "x" {
		t.Fatalf("id-data: %v", err)
	}
	// Without certificates the verifier supplies the signer's.
	der, err = SignAttached([]byte("y"), OIDTSTInfo, SignOptions{Signer: p.LeafKey, Certificate: p.Leaf, OmitSigningTime: true, OmitCertificates: true})
	if err != nil {
		t.Fatal(err)
	}
	sd, err := Parse(der)
	if err != nil || len(sd.RawCertificates) != 0 || sd.Signers[0].Certificate != nil {
		t.Fatalf("certificates present: %v", err)
	}
	if err := sd.Signers[0].VerifyContent(sd.Content); !errors.Is(err, ErrSignerNotFound) {
		t.Fatalf("without a certificate: %v", err)
	}
	sd.Signers[0].Certificate = p.Leaf
	if err := sd.Signers[0].VerifyContent(sd.Content); err != nil {
		t.Fatalf("with the certificate supplied: %v", err)
	}
	if _, err := SignAttached([]byte("x"), nil, SignOptions{Signer: p.LeafKey, Certificate: p.Leaf, SigningTime: testNow}); err == nil {
		t.Fatal("no content type accepted")
	}
}
