package tsa

import (
	"context"
	"testing"

	"sihub/hsm"
)

func TestDispatcher(t *testing.T) {
	sm2f, p256f := newFixture(t, hsm.SM2), newFixture(t, hsm.P256)
	for _, c := range []struct {
		d    Dispatcher
		hash Hash
		want string
	}{
		{Dispatcher{sm2f.a, p256f.a}, SM3, "sm2"},
		{Dispatcher{sm2f.a, p256f.a}, SHA256, "p256"},
		{Dispatcher{SM2: sm2f.a}, SHA256, "sm2"},
		{Dispatcher{P256: p256f.a}, SM3, "p256"},
	} {
		der, _ := (&Request{Hash: c.hash, HashedMessage: imprintOf(c.hash, nil), CertReq: true}).Marshal()
		resp, err := ParseResponse(c.d.Respond(context.Background(), der))
		if err != nil || resp.Token == nil {
			t.Fatalf("%s: %v", c.hash, err)
		}
		tok, _ := ParseToken(resp.Token)
		want := map[string]*fixture{"sm2": sm2f, "p256": p256f}[c.want]
		if !tok.Signer().Equal(want.h.TSA) {
			t.Errorf("%s with %+v: signed by %s", c.hash, c.d, tok.Signer().Subject.CommonName)
		}
	}
	resp, err := ParseResponse(Dispatcher{}.Respond(context.Background(), nil))
	if err != nil || !resp.FailureBit(FailSystemFailure) {
		t.Fatalf("empty dispatcher: %v %+v", err, resp)
	}
}
