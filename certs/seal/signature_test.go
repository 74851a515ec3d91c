package seal

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

func TestSignVerify(t *testing.T) {
	f := newFixture(t)
	for _, lt := range []int{CertListCertificates, CertListDigests} {
		s := f.make(t, func(r *MakeRequest) { r.CertListType = lt })
		hash := sm3.Sum([]byte("document"))
		req := SignRequest{
			Seal: s, DataHash: hash[:], PropertyInfo: "/Doc_0/Signs/Sign_0/Signature.xml",
			Clock:      func() time.Time { return testNow },
			Extensions: []Extension{{ID: []int{1, 2, 156, 1}, Value: []byte("x")}},
		}
		sig, err := Sign(context.Background(), req, f.pki.LeafKey, f.pki.Leaf)
		if err != nil {
			t.Fatal(err)
		}
		if err := sig.Verify(SignatureVerifyOptions{DataHash: hash[:]}); err != nil {
			t.Fatalf("list type %d: %v", lt, err)
		}
		if !sig.TBS.TimeInfo.Equal(testNow) || sig.TBS.Version != 4 || !bytes.Equal(sig.TBS.Seal.Raw, s.Raw) {
			t.Errorf("TBS %v version %d, seal carried unchanged: %v", sig.TBS.TimeInfo, sig.TBS.Version, bytes.Equal(sig.TBS.Seal.Raw, s.Raw))
		}
		der, err := sig.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseSignature(der)
		if err != nil {
			t.Fatal(err)
		}
		if re, _ := again.Marshal(); !bytes.Equal(re, der) || !bytes.Equal(der, sig.Raw) {
			t.Error("signature does not round-trip byte for byte")
		}

		// Failures.
		other := sm3.Sum([]byte("other"))
		if err := sig.Verify(SignatureVerifyOptions{DataHash: other[:]}); !errors.Is(err, ErrDataHashMismatch) {
			t.Errorf("other hash: %v", err)
		}
		if err := sig.Verify(SignatureVerifyOptions{SealTime: s.Info.Property.ValidEnd.Add(time.Hour)}); !errors.Is(err, ErrExpired) {
			t.Errorf("seal expired at signing: %v", err)
		}
		at := bytes.Index(der, []byte("/Doc_0"))
		bad, err := ParseSignature(flip(der, at))
		if err != nil {
			t.Fatal(err)
		}
		if err := bad.Verify(SignatureVerifyOptions{}); !errors.Is(err, ErrBadSignature) {
			t.Errorf("tampered propertyInfo: %v", err)
		}
	}
}

func TestSignRefuses(t *testing.T) {
	f := newFixture(t)
	s := f.make(t, nil)
	hash := make([]byte, 32)
	clock := func() time.Time { return testNow }
	// The maker is not a signer the seal names.
	_, err := Sign(context.Background(), SignRequest{Seal: s, DataHash: hash, Clock: clock}, f.makerKey, f.makerCert)
	if !errors.Is(err, ErrCertificateNotListed) {
		t.Errorf("signer not in the list: %v", err)
	}
	late := func() time.Time { return s.Info.Property.ValidEnd.Add(time.Minute) }
	if _, err := Sign(context.Background(), SignRequest{Seal: s, DataHash: hash, Clock: late}, f.pki.LeafKey, f.pki.Leaf); !errors.Is(err, ErrExpired) {
		t.Errorf("expired seal: %v", err)
	}
	if _, err := Sign(context.Background(), SignRequest{Seal: s}, f.pki.LeafKey, f.pki.Leaf); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("no hash: %v", err)
	}
	v1, err := Parse(sample(t, "UserV1.esl"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sign(context.Background(), SignRequest{Seal: v1, DataHash: hash, Clock: clock}, f.pki.LeafKey, f.pki.Leaf); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("v1 seal: %v", err)
	}
	if _, err := Sign(context.Background(), SignRequest{Seal: s, DataHash: hash, Clock: clock}, f.makerKey, f.pki.Leaf); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("key of another certificate: %v", err)
	}
}
