package signer

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
	"sihub/certs/tsa"
	"sihub/signer/pades"
)

// countingLTV answers OCSP and CRL requests with bytes that name the call,
// counting them.
type countingLTV struct{ ocsp, crl int }

func (c *countingLTV) TimeStamp(context.Context, tsa.Hash, []byte) ([]byte, error) {
	return nil, errDown
}
func (c *countingLTV) OCSP(_ context.Context, cert, _ *smx509.Certificate) ([]byte, error) {
	c.ocsp++
	return append([]byte("ocsp "), cert.SerialNumber.Bytes()...), nil
}
func (c *countingLTV) CRL(_ context.Context, cert *smx509.Certificate) ([]byte, error) {
	c.crl++
	return []byte{'c', 'r', 'l', byte(c.crl)}, nil
}

// TestLTVDataReused: the validation data of a chain is asked for once
// within ltvDataFor and again after it, and each document gets the same
// certificates, OCSP response and CRLs as a fresh request would give.
func TestLTVDataReused(t *testing.T) {
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	pki, err := cmstest.Shared("sm2", now)
	if err != nil {
		t.Fatal(err)
	}
	chain := append([]*smx509.Certificate{pki.Leaf}, pki.Chain()...)
	var fresh pades.Validation
	if err := addCertData(context.Background(), &countingLTV{}, &fresh, chain); err != nil {
		t.Fatal(err)
	}
	ltv := &countingLTV{}
	var c ltvCache
	for i, at := range []time.Time{now, now.Add(ltvDataFor - time.Second), now.Add(ltvDataFor)} {
		var v pades.Validation
		if err := c.add(context.Background(), ltv, &v, chain, at); err != nil {
			t.Fatal(err)
		}
		if len(v.Certs) != len(fresh.Certs) || len(v.OCSPs) != 1 || !bytes.Equal(v.OCSPs[0], fresh.OCSPs[0]) || len(v.CRLs) != len(fresh.CRLs) {
			t.Errorf("document %d: %d certificates, OCSP %q, %d CRLs; want %d, %q, %d", i, len(v.Certs), v.OCSPs, len(v.CRLs),
				len(fresh.Certs), fresh.OCSPs, len(fresh.CRLs))
		}
		for j := range v.Certs {
			if !bytes.Equal(v.Certs[j], fresh.Certs[j]) {
				t.Errorf("document %d: certificate %d differs", i, j)
			}
		}
		wantOCSP := 1
		if i == 2 {
			wantOCSP = 2
		}
		if ltv.ocsp != wantOCSP || ltv.crl != wantOCSP*len(fresh.CRLs) {
			t.Errorf("after document %d: %d OCSP and %d CRL requests, want %d and %d", i, ltv.ocsp, ltv.crl, wantOCSP, wantOCSP*len(fresh.CRLs))
		}
	}
}
