package pathval

import (
	"crypto"
	"crypto/dsa" //nolint:staticcheck // legacy DSA paths, only with Options.AllowDSA
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"

	"github.com/emmansun/gmsm/smx509"
)

// checkDSA verifies a DSA signature by parent's key; only reached with
// Options.AllowDSA.
func checkDSA(parent *smx509.Certificate, alg smx509.SignatureAlgorithm, signed, sig []byte, allowSHA1 bool) error {
	pub, ok := parent.PublicKey.(*dsa.PublicKey)
	if !ok {
		return errors.New("not a DSA key")
	}
	var h crypto.Hash
	switch alg {
	case x509.DSAWithSHA1:
		if !allowSHA1 {
			return errors.New("SHA-1 signatures are not accepted")
		}
		h = crypto.SHA1
	case x509.DSAWithSHA256:
		h = crypto.SHA256
	default:
		return errors.New("signature algorithm does not match a DSA key")
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) != 0 || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 {
		return errors.New("malformed DSA signature")
	}
	d := h.New()
	d.Write(signed)
	if !dsa.Verify(pub, d.Sum(nil), rs.R, rs.S) {
		return errors.New("DSA verification failure")
	}
	return nil
}
