package seal

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"sihub/certs/cms/cmstest"
)

func TestMakeVerifies(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name string
		mod  func(*MakeRequest)
	}{
		{"svg-certificates", nil},
		{"png-digests", func(r *MakeRequest) { r.PictureType = PicturePNG; r.CertListType = CertListDigests }},
		{"extensions", func(r *MakeRequest) {
			r.Extensions = []Extension{{ID: []int{1, 2, 3}, Critical: true, Value: []byte{1}}, {ID: []int{1, 2, 4}, Value: []byte("x")}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := f.make(t, c.mod)
			if err := s.Verify(VerifyOptions{Time: testNow, SealCertificate: f.pki.Leaf}); err != nil {
				t.Fatal(err)
			}
			// encode → parse → encode is byte-identical.
			der := mustMarshal(t, s)
			if !bytes.Equal(der, s.Raw) {
				t.Fatal("Marshal differs from the bytes Make returned")
			}
			s2, err := Parse(der)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(mustMarshal(t, s2), der) {
				t.Fatal("re-encoding after parse differs")
			}
		})
	}
}

func TestMakeContents(t *testing.T) {
	f := newFixture(t)
	s := f.make(t, func(r *MakeRequest) { r.CertListType = CertListDigests })
	p := s.Info.Property
	sum := sm3.Sum(f.pki.Leaf.Raw)
	switch {
	case s.Info.Header != Header{ID: "ES", Version: 4, VendorID: DefaultVendorID}:
		t.Errorf("header %+v", s.Info.Header)
	case !strings.HasPrefix(s.Info.ESID, "330100") || len(s.Info.ESID) != 26:
		t.Errorf("esID %q", s.Info.ESID)
	case p.Type != TypeBusiness || p.Name != "业务专用章":
		t.Errorf("type %d name %q", p.Type, p.Name)
	case !p.CreateDate.Equal(testNow):
		t.Errorf("createDate %v", p.CreateDate)
	case !p.ValidStart.Equal(f.pki.Leaf.NotBefore) || !p.ValidEnd.Equal(f.pki.Leaf.NotAfter):
		t.Errorf("validity %v..%v, certificate %v..%v", p.ValidStart, p.ValidEnd, f.pki.Leaf.NotBefore, f.pki.Leaf.NotAfter)
	case len(p.Digests) != 1 || p.Digests[0].Type != "SM3" || !bytes.Equal(p.Digests[0].Value, sum[:]):
		t.Errorf("digests %+v", p.Digests)
	case s.Info.Picture.Type != PictureSVG || s.Info.Picture.Width != 42 || s.Info.Picture.Height != 42:
		t.Errorf("picture %s %d×%d", s.Info.Picture.Type, s.Info.Picture.Width, s.Info.Picture.Height)
	case !bytes.Equal(s.MakerCertificate, f.makerCert.Raw):
		t.Error("maker certificate not embedded")
	}
	if other := f.make(t, nil); other.Info.ESID == s.Info.ESID {
		t.Error("two seals share an esID")
	}
}

func TestVerifyFailures(t *testing.T) {
	f := newFixture(t)
	s := f.make(t, nil)
	other, err := f.pki.NewLeaf("another seal", f.makerKey)
	if err != nil {
		t.Fatal(err)
	}
	picAt := bytes.Index(s.Raw, []byte("<svg"))
	tampered, err := Parse(flip(s.Raw, picAt+1))
	if err != nil {
		t.Fatal(err)
	}
	badPic := *s
	badPic.Info.Picture.Width = 0
	badPic.RawInfo, err = badPic.Info.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	badPic.SignedValue, err = signSM2(nil, f.makerKey, f.makerCert, badPic.RawInfo)
	if err != nil {
		t.Fatal(err)
	}
	wrongAlg := *s
	wrongAlg.SignatureAlgorithm = []int{1, 2, 840, 10045, 4, 3, 2}
	noCert := *s
	noCert.MakerCertificate = []byte{0x30, 0x00}
	p := s.Info.Property
	for _, c := range []struct {
		name string
		seal *Seal
		opts VerifyOptions
		want error
	}{
		{"picture-byte", tampered, VerifyOptions{Time: testNow}, ErrBadSignature},
		{"not-yet-valid", s, VerifyOptions{Time: p.ValidStart.Add(-time.Second)}, ErrNotYetValid},
		{"expired", s, VerifyOptions{Time: p.ValidEnd.Add(time.Second)}, ErrExpired},
		{"other-certificate", s, VerifyOptions{SealCertificate: other}, ErrCertificateNotListed},
		{"picture-size", &badPic, VerifyOptions{Time: testNow}, ErrBadPicture},
		{"algorithm", &wrongAlg, VerifyOptions{Time: testNow}, ErrUnsupportedAlgorithm},
		{"maker-certificate", &noCert, VerifyOptions{Time: testNow}, ErrMakerCertificate},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.seal.Verify(c.opts); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// The window bounds themselves are inside it.
	for _, at := range []time.Time{p.ValidStart, p.ValidEnd} {
		if err := s.Verify(VerifyOptions{Time: at}); err != nil {
			t.Errorf("at %v: %v", at, err)
		}
	}
}

func TestMakeRefuses(t *testing.T) {
	f := newFixture(t)
	p256, err := cmstest.New("p256", testNow)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := cmstest.GenerateKey("sm2")
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name string
		ctx  context.Context
		mod  func(*MakeRequest)
		key  crypto.Signer
		want error
	}{
		{"no-seal-certificate", nil, func(r *MakeRequest) { r.SealCertificate = nil }, nil, ErrInvalidRequest},
		{"no-agency", nil, func(r *MakeRequest) { r.Design.Agency = "" }, nil, ErrInvalidRequest},
		{"region", nil, func(r *MakeRequest) { r.RegionCode = "33A100" }, nil, ErrInvalidRequest},
		{"size", nil, func(r *MakeRequest) { r.Design.SizeMM = 500 }, nil, ErrInvalidRequest},
		{"list-type", nil, func(r *MakeRequest) { r.CertListType = 3 }, nil, ErrInvalidRequest},
		{"picture-type", nil, func(r *MakeRequest) { r.PictureType = "TIFF" }, nil, ErrInvalidRequest},
		{"bad-picture", nil, func(r *MakeRequest) { r.Picture = &Picture{Type: "PNG", Data: []byte("no"), Width: 40, Height: 40} }, nil, ErrBadPicture},
		{"cancelled", cancelled, nil, nil, context.Canceled},
		{"key-mismatch", nil, nil, otherKey, ErrKeyMismatch},
		{"p256-maker", nil, nil, p256.LeafKey, ErrUnsupportedAlgorithm},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := f.request()
			if c.mod != nil {
				c.mod(&req)
			}
			ctx := c.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			key, cert := f.makerKey, f.makerCert
			if c.key != nil {
				key = c.key
			}
			if _, err := Make(ctx, req, key, cert); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestDigest(t *testing.T) {
	f := newFixture(t)
	a, b := f.make(t, nil), f.make(t, nil)
	da, err := a.Digest()
	if err != nil {
		t.Fatal(err)
	}
	want := sm3.Sum(a.Raw)
	if !bytes.Equal(da, want[:]) {
		t.Error("Digest is not SM3 of the seal's DER")
	}
	// Without Raw, the digest is over the re-encoding, which is the same.
	c := *a
	c.Raw = nil
	if dc, err := c.Digest(); err != nil || !bytes.Equal(dc, da) {
		t.Errorf("digest from fields differs: %v", err)
	}
	if db, _ := b.Digest(); bytes.Equal(db, da) {
		t.Error("two seals share a digest")
	}
}
