package certs

import (
	"encoding/pem"

	"github.com/emmansun/gmsm/smx509"
)

// PEM encodes certificates as concatenated "CERTIFICATE" PEM blocks.
func PEM(certs ...*smx509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}
