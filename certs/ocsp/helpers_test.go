package ocsp

import (
	"context"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"sihub/certs"
	"sihub/certs/crl"
	"sihub/certs/internal/pkitest"
	"sihub/certs/ocsp/ocspparse"
	"sihub/hsm"
)

var algs = []hsm.Algorithm{hsm.SM2, hsm.P256}

type fixture struct {
	h       *pkitest.Hierarchy
	src     *MemorySource
	clk     *pkitest.Clock
	r       *Responder
	revoked time.Time
}

// newFixture: the seal certificate is good, the TSA certificate revoked
// (keyCompromise), the OCSP signer's own certificate unknown.
func newFixture(t testing.TB, alg hsm.Algorithm) *fixture {
	t.Helper()
	f := &fixture{h: pkitest.New(t, alg), src: NewMemorySource(), clk: pkitest.NewClock(pkitest.Now.Add(time.Hour)),
		revoked: pkitest.Now.Add(30 * time.Minute)}
	is := certs.SerialHex(f.h.Issuing.SerialNumber)
	f.src.Set(is, f.h.Seal.SerialNumber, Status{State: Good})
	f.src.Set(is, f.h.TSA.SerialNumber, Status{State: Revoked, RevokedAt: f.revoked, Reason: crl.KeyCompromise})
	var err error
	f.r, err = NewResponder(Config{Issuers: []Issuer{{CA: f.h.Issuing, Signer: f.h.OCSP, Key: f.h.OCSPKey}},
		Source: f.src, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type failingSource struct{}

func (failingSource) Status(context.Context, string, *big.Int) (Status, error) {
	return Status{}, errors.New("database down")
}

// parseCertIDBytes parses one DER CertID.
func parseCertIDBytes(der []byte) (CertID, error) { return ocspparse.ParseCertID(der) }

// splitBasic returns the DER ResponseData and the signature of a response.
func splitBasic(t *testing.T, der []byte) (tbs, sig []byte) {
	t.Helper()
	s := cryptobyte.String(der)
	var resp, rb, rbSeq, octets, basic, tbsEl cryptobyte.String
	var status int
	var bits asn1.BitString
	if !s.ReadASN1(&resp, cbasn1.SEQUENCE) || !resp.ReadASN1Enum(&status) || !resp.ReadASN1(&rb, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!rb.ReadASN1(&rbSeq, cbasn1.SEQUENCE) || !rbSeq.SkipASN1(cbasn1.OBJECT_IDENTIFIER) || !rbSeq.ReadASN1(&octets, cbasn1.OCTET_STRING) ||
		!octets.ReadASN1(&basic, cbasn1.SEQUENCE) || !basic.ReadASN1Element(&tbsEl, cbasn1.SEQUENCE) || !basic.SkipASN1(cbasn1.SEQUENCE) ||
		!basic.ReadASN1BitString(&bits) {
		t.Fatal("cannot split the response")
	}
	return tbsEl, bits.RightAlign()
}
