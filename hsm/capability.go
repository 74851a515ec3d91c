package hsm

import "context"

// Capability is a signing scheme a backend can perform.
type Capability string

// Capabilities a backend may report.
const (
	CapSM2SM3       Capability = "sm2-sm3"          // SM2 over e = SM3(Z‖M) (computed in Go)
	CapECDSAP256    Capability = "ecdsa-p256"       // ECDSA on P-256 over a given hash
	CapRSA3072PKCS1 Capability = "rsa3072-pkcs1v15" // RSA-3072 PKCS #1 v1.5
	CapRSA3072PSS   Capability = "rsa3072-pss"      // RSA-3072 PSS
)

// CapabilityReporter is implemented by backends that can say what they
// support (PKCS#11 asks the token for its mechanism list).
type CapabilityReporter interface {
	Capabilities(ctx context.Context) ([]Capability, error)
}

// Capabilities returns what b reports, or nil and ErrUnsupported when b does
// not report capabilities.
func Capabilities(ctx context.Context, b Backend) ([]Capability, error) {
	if r, ok := b.(CapabilityReporter); ok {
		return r.Capabilities(ctx)
	}
	return nil, ErrUnsupported
}

// Has reports whether c is in caps.
func Has(caps []Capability, c Capability) bool {
	for _, x := range caps {
		if x == c {
			return true
		}
	}
	return false
}

// AlgorithmCapabilities lists the capabilities a key of alg needs.
func AlgorithmCapabilities(alg Algorithm) []Capability {
	switch alg {
	case SM2:
		return []Capability{CapSM2SM3}
	case P256:
		return []Capability{CapECDSAP256}
	case RSA3072:
		return []Capability{CapRSA3072PKCS1, CapRSA3072PSS}
	}
	return nil
}
