package remote

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
)

func TestOptsRoundTrip(t *testing.T) {
	uid := []byte("seal-7")
	cases := []crypto.SignerOpts{
		nil,
		crypto.SHA256,
		&rsa.PSSOptions{Hash: crypto.SHA384, SaltLength: 48},
		sm2.NewSM2SignerOption(true, uid),
		sm2.DefaultSM2SignerOpts,
	}
	for _, o := range cases {
		var buf bytes.Buffer
		if err := writeMessage(&buf, &request{Op: "sign", Opts: encodeOpts(o)}); err != nil {
			t.Fatal(err)
		}
		var req request
		if err := readMessage(&buf, &req); err != nil {
			t.Fatal(err)
		}
		got := decodeOpts(req.Opts)
		switch want := o.(type) {
		case nil:
			if got != nil {
				t.Errorf("nil opts came back as %v", got)
			}
		case *rsa.PSSOptions:
			p, ok := got.(*rsa.PSSOptions)
			if !ok || p.Hash != want.Hash || p.SaltLength != want.SaltLength {
				t.Errorf("PSS came back as %#v", got)
			}
		case *sm2.SM2SignerOption:
			wantID, _ := hsm.SM2SignerID(want)
			gotID, ok := hsm.SM2SignerID(got)
			if !ok || !bytes.Equal(gotID, wantID) {
				t.Errorf("SM2 opts came back with ID %q, want %q", gotID, wantID)
			}
		default:
			if got.HashFunc() != want.HashFunc() {
				t.Errorf("hash %v came back as %v", want, got)
			}
		}
	}
}

func TestErrorKinds(t *testing.T) {
	for _, kind := range []error{hsm.ErrKeyNotFound, hsm.ErrUnsupported, hsm.ErrWrongPassword, hsm.ErrBadSignature, hsm.ErrDeviceUnavailable, hsm.ErrTimeout} {
		got := fromWire(toWire(fmt.Errorf("child: %w", kind)))
		want := kind
		if kind == hsm.ErrTimeout {
			want = hsm.ErrDeviceUnavailable // a timeout in the child is a device failure here
		}
		if !errors.Is(got, want) {
			t.Errorf("%v came back as %v", kind, got)
		}
	}
	if err := fromWire(toWire(errors.New("plain"))); err == nil || errors.Is(err, hsm.ErrDeviceUnavailable) {
		t.Errorf("plain error: %v", err)
	}
}

// Serve against an in-process software key: requests in, answers out.
func TestServe(t *testing.T) {
	priv, _ := sm2.GenerateKey(rand.Reader)
	b := oneKey{priv}
	var in bytes.Buffer
	for _, r := range []request{
		{Op: "find", Key: "k"},
		{Op: "sign", Key: "k", Digest: []byte("msg"), Opts: &signOpts{SM2: true}},
		{Op: "find", Key: "missing"},
		{Op: "bogus"},
	} {
		if err := writeMessage(&in, &r); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := Serve(context.Background(), b, &in, &out); err != nil {
		t.Fatal(err)
	}
	var resp [4]response
	for i := range resp {
		if err := readMessage(&out, &resp[i]); err != nil {
			t.Fatal(err)
		}
	}
	if resp[0].Key == nil || resp[0].Key.ID != "k" || resp[0].Key.Alg != hsm.SM2 {
		t.Fatalf("find: %+v", resp[0])
	}
	if !sm2.VerifyASN1WithSM2(&priv.PublicKey, nil, []byte("msg"), resp[1].Sig) {
		t.Fatal("signature from Serve does not verify")
	}
	if !errors.Is(fromWire(resp[2].Err), hsm.ErrKeyNotFound) || resp[3].Err == nil {
		t.Fatalf("errors: %+v %+v", resp[2].Err, resp[3].Err)
	}
}

type oneKey struct{ priv *sm2.PrivateKey }

type softKey struct{ *sm2.PrivateKey }

func (softKey) ID() string               { return "k" }
func (softKey) Algorithm() hsm.Algorithm { return hsm.SM2 }
func (o oneKey) Generate(context.Context, hsm.Algorithm, string) (hsm.Key, error) {
	return nil, hsm.ErrUnsupported
}
func (o oneKey) Find(_ context.Context, id string) (hsm.Key, error) {
	if id != "k" {
		return nil, hsm.ErrKeyNotFound
	}
	return softKey{o.priv}, nil
}
func (o oneKey) List(context.Context) ([]hsm.KeyInfo, error) { return nil, nil }
func (o oneKey) Delete(context.Context, string) error        { return hsm.ErrUnsupported }

func TestReadMessageLimits(t *testing.T) {
	var h [4]byte
	binary.BigEndian.PutUint32(h[:], maxMessage+1)
	var r response
	if err := readMessage(bytes.NewReader(h[:]), &r); !errors.Is(err, ErrProtocol) {
		t.Fatalf("oversized: %v", err)
	}
	binary.BigEndian.PutUint32(h[:], 10)
	if err := readMessage(bytes.NewReader(append(h[:], "short"...)), &r); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated: %v", err)
	}
}

func FuzzReadMessage(f *testing.F) {
	var buf bytes.Buffer
	_ = writeMessage(&buf, &request{Op: "sign", Key: "1", Digest: []byte{1, 2}, Opts: &signOpts{SM2: true, SignerID: []byte("x")}})
	f.Add(buf.Bytes())
	f.Add([]byte{0, 0, 0, 2, '{', '}'})
	f.Fuzz(func(t *testing.T, data []byte) {
		var req request
		if err := readMessage(bytes.NewReader(data), &req); err != nil {
			return
		}
		_ = decodeOpts(req.Opts)
		var out bytes.Buffer
		if err := writeMessage(&out, &req); err != nil {
			t.Fatalf("a message read cannot be written back: %v", err)
		}
	})
}
