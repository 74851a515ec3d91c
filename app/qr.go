package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/model"
	"sihub/portal"
	"sihub/signer/code"
	"sihub/signer/qrtoken"
)

// CertificateLister lists stored certificates (store.Certificates).
type CertificateLister interface {
	ListCertificates(ctx context.Context, role string) ([]model.Certificate, error)
}

// QRChecker checks the signed token printed in a document's QR code,
// offline: the token names the seal certificate by key ID, the certificate
// must chain to the instance's roots (plus any extra), and its key must have
// signed the token.
type QRChecker struct {
	Certs CertificateLister
	Extra []*smx509.Certificate // further trust anchors
	Now   func() time.Time

	once  sync.Once
	err   error
	roots *smx509.CertPool
	inter *smx509.CertPool
	seals map[qrtoken.KeyID]*smx509.Certificate
}

// QRResult is the outcome of a QR check.
type QRResult struct {
	Valid   bool           `json:"valid"`
	Expired bool           `json:"expired"`
	Claims  qrtoken.Claims `json:"claims"`
	Signer  string         `json:"signer,omitempty"`
	KeyID   string         `json:"key_id,omitempty"`
	Errors  []string       `json:"errors"`
}

func (q *QRChecker) load(ctx context.Context) error {
	q.once.Do(func() {
		q.roots, q.inter = smx509.NewCertPool(), smx509.NewCertPool()
		q.seals = map[qrtoken.KeyID]*smx509.Certificate{}
		for _, c := range q.Extra {
			q.roots.AddCert(c)
		}
		if q.Certs == nil {
			return
		}
		all, err := q.Certs.ListCertificates(ctx, "")
		if err != nil {
			q.err = fmt.Errorf("app: listing certificates: %w", err)
			return
		}
		for _, mc := range all {
			c, err := smx509.ParseCertificate(mc.DER)
			if err != nil {
				q.err = fmt.Errorf("app: stored certificate %s: %w", mc.Serial, err)
				return
			}
			switch mc.Role {
			case model.RoleRoot:
				q.roots.AddCert(c)
			case model.RoleIssuing:
				q.inter.AddCert(c)
			case model.RoleSeal:
				q.seals[qrtoken.KeyIDOf(mc.DER)] = c
			}
		}
	})
	return q.err
}

// Check verifies a QR payload: the full link or the bare token.
func (q *QRChecker) Check(ctx context.Context, text string) (QRResult, error) {
	res := QRResult{Errors: []string{}}
	if err := q.load(ctx); err != nil {
		return res, err
	}
	pathCode, tokStr, err := qrtoken.Extract(text)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return res, nil
	}
	tok, err := qrtoken.Parse(tokStr)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return res, nil
	}
	res.Claims, res.KeyID = tok.Claims, tok.KeyID.String()
	if pathCode != "" {
		if pc, err := code.Parse(pathCode); err != nil || pc != tok.Claims.Code {
			res.Errors = append(res.Errors, "the link's code differs from the code the token vouches for")
		}
	}
	cert := q.seals[tok.KeyID]
	if cert == nil {
		res.Errors = append(res.Errors, qrtoken.ErrUnknownKey.Error()+" "+tok.KeyID.String())
		return res, nil
	}
	res.Signer = cert.Subject.CommonName
	if _, err := cert.Verify(smx509.VerifyOptions{Roots: q.roots, Intermediates: q.inter,
		CurrentTime: tok.Claims.IssuedAt, KeyUsages: []smx509.ExtKeyUsage{smx509.ExtKeyUsageAny}}); err != nil {
		res.Errors = append(res.Errors, "seal certificate not trusted: "+err.Error())
	}
	if err := tok.Verify(cert.PublicKey); err != nil {
		res.Errors = append(res.Errors, err.Error())
	}
	now := time.Now
	if q.Now != nil {
		now = q.Now
	}
	res.Expired = now().After(tok.Claims.ValidUntil)
	res.Valid = len(res.Errors) == 0
	return res, nil
}

// CheckToken adapts Check to the portal.
func (q *QRChecker) CheckToken(ctx context.Context, token string) (portal.QRClaims, error) {
	res, err := q.Check(ctx, token)
	if err != nil {
		return portal.QRClaims{}, err
	}
	if !res.Valid {
		return portal.QRClaims{}, errors.New(res.Errors[0])
	}
	c := res.Claims
	return portal.QRClaims{Code: c.Code, Number: c.Number, Kind: c.Kind, IssuedAt: c.IssuedAt, ValidUntil: c.ValidUntil}, nil
}
