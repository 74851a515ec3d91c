package ocsphttp

import (
	"bytes"
	"io"
	"net/http/httptest"
	"testing"

	"sihub/certs/ocsp"
	"sihub/hsm"
)

func TestCurrentHandler(t *testing.T) {
	var c ocsp.Current
	h := CurrentHandler(&c, "/pki/ocsp/")
	f := newFixture(t, hsm.P256)
	req, _ := ocsp.CreateRequest(f.h.Seal, f.h.Issuing, ocsp.SHA1, nil)
	post := func() []byte {
		r := httptest.NewRequest("POST", "/pki/ocsp/", bytes.NewReader(req))
		r.Header.Set("Content-Type", "application/ocsp-request")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		b, _ := io.ReadAll(w.Result().Body)
		return b
	}
	if got := post(); !bytes.Equal(got, ocsp.ErrorResponse(ocsp.TryLater)) {
		t.Fatalf("before Set: %x", got)
	}
	c.Purge() // no responder: nothing to do, no panic
	c.Set(f.r)
	resp, err := ocsp.ParseResponse(post(), f.h.Issuing)
	if err != nil || resp.Responses[0].Status.State != ocsp.Good || !resp.Signer.Equal(f.h.OCSP) {
		t.Fatalf("after Set: %v", err)
	}
	// Another responder takes over: it serves another CA, so the same
	// request is now unauthorized.
	g := newFixture(t, hsm.P256)
	if c.Get() != f.r {
		t.Fatal("Get")
	}
	c.Set(g.r)
	if got := post(); !bytes.Equal(got, ocsp.ErrorResponse(ocsp.Unauthorized)) {
		t.Fatalf("the replaced responder still answers: %x", got)
	}
}
