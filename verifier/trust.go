package verifier

import (
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/smx509"
)

// ErrNoCertificates: a trust file holds no CERTIFICATE block.
var ErrNoCertificates = errors.New("verifier: no certificate in PEM data")

// ParseCertificatesPEM reads every CERTIFICATE block of PEM data (SM2,
// ECDSA or RSA), e.g. a file given with `sihub verify --trust`. Other block
// types are skipped; a block that does not parse is an error.
func ParseCertificatesPEM(data []byte) ([]*smx509.Certificate, error) {
	var out []*smx509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := smx509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("verifier: certificate %d: %w", len(out)+1, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, ErrNoCertificates
	}
	return out, nil
}
