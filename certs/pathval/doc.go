// Package pathval builds and validates certificate paths per RFC 5280 §6
// for SM2 (SM2-with-SM3, default signer ID), ECDSA, RSA and Ed25519
// certificates parsed with smx509.
//
// Verify builds every candidate path from the leaf up to one of
// Options.Roots through Options.Intermediates (several issuers with the
// same name, key rollover, loops and a depth bound are handled) and runs
// the RFC 5280 §6.1 processing on each: signatures, validity at
// Options.CurrentTime, basicConstraints (cA, pathLen, self-issued
// certificates), keyUsage keyCertSign on CAs, requested leaf key usages,
// requested extended key usages (nested like the WebPKI: every certificate
// that carries an EKU extension must allow a requested usage, or
// anyExtendedKeyUsage), name constraints (DNS, email, IP, URI,
// directoryName; permitted and excluded, the trust anchor's included),
// certificate policies (initial policy set, explicit policy, policy
// mapping, inhibit anyPolicy), unknown critical extensions, CRLs, and the
// peer name (DNS and IP subjectAltName; the subject common name is never
// used). The first path that passes is returned; otherwise the error of the
// path that got furthest, as an *Error whose Reason is usable with
// errors.Is.
//
// Legacy DSA (only with Options.AllowDSA): a DSA key whose domain
// parameters are omitted inherits them from its issuer's DSA key (RFC 3279
// §2.3.2). smx509 refuses such certificates, so load certificates with
// ParseCertificate, which keeps their DER as read and leaves P, Q and G
// nil. On each candidate path Verify completes the key from the issuer's
// (itself completed recursively), requires Y to lie in that group, and
// checks the signatures the completed key makes and the certificate's own
// signature over its original TBS bytes; an issuer whose key is not DSA,
// or a trust anchor without parameters, makes the path invalid
// (ReasonMalformed). Result.Chain then holds copies of such certificates
// carrying the completed key.
//
// Trust anchors: a root's key and name start the path; its validity period
// and name constraints are enforced (as WebPKI verifiers do), its own
// basicConstraints, key usage and policies are not (RFC 5280 §6.1.1).
package pathval

import (
	"encoding/asn1"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// Options controls Verify. The zero value verifies against no roots (so
// every call fails with ReasonNoPath): set Roots.
type Options struct {
	// Roots are the trust anchors.
	Roots []*smx509.Certificate
	// Intermediates are untrusted certificates that may complete a path.
	Intermediates []*smx509.Certificate
	// CurrentTime is the validation time; zero means time.Now().
	CurrentTime time.Time
	// KeyUsages are key usage bits the leaf must allow when it carries a
	// keyUsage extension; zero requires none.
	KeyUsages smx509.KeyUsage
	// EKUs are the extended key usages requested; at least one must be
	// allowed by every certificate of the path that has an EKU extension.
	// Empty means no EKU check. Use OIDAnyExtKeyUsage to accept any.
	EKUs []asn1.ObjectIdentifier
	// MaxDepth bounds the certificates above the leaf, the trust anchor
	// included (1 = the leaf is issued directly by a root). Zero means 10.
	MaxDepth int
	// PeerName, when set, must match a DNS or IP subjectAltName of the leaf.
	PeerName string
	// CRLs, when non-nil, turns on revocation checking: every certificate
	// below the anchor needs a current CRL from its issuer among them and
	// must not be listed. Nil means revocation is not checked.
	CRLs []*smx509.RevocationList
	// InitialPolicies is the user-initial-policy-set; empty means anyPolicy.
	InitialPolicies []asn1.ObjectIdentifier
	// RequireExplicitPolicy, InhibitPolicyMapping and InhibitAnyPolicy are
	// the RFC 5280 §6.1.1 initial-explicit-policy, initial-policy-mapping-
	// inhibit and initial-any-policy-inhibit inputs; false for each is the
	// permissive default.
	RequireExplicitPolicy bool
	InhibitPolicyMapping  bool
	InhibitAnyPolicy      bool
	// AllowSHA1 accepts SHA-1 signatures on certificates and CRLs
	// (rejected by default).
	AllowSHA1 bool
	// AllowDSA accepts DSA keys and DSA-with-SHA1/SHA256 signatures
	// (legacy; refused by default, as WebPKI verifiers do).
	AllowDSA bool
}

// Result is a validated path.
type Result struct {
	// Chain is the path from the leaf (index 0) to the trust anchor (last).
	Chain []*smx509.Certificate
	// Policies are the valid policies of the path (the authorities-
	// constrained set intersected with InitialPolicies); empty when the
	// path has no valid policy tree.
	Policies []asn1.ObjectIdentifier
}

func (o *Options) now() time.Time {
	if o.CurrentTime.IsZero() {
		return time.Now()
	}
	return o.CurrentTime
}

func (o *Options) maxDepth() int {
	if o.MaxDepth <= 0 {
		return 10
	}
	return o.MaxDepth
}

// Well-known OIDs.
var (
	OIDAnyExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
	OIDServerAuth     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	OIDClientAuth     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}
	OIDAnyPolicy      = asn1.ObjectIdentifier{2, 5, 29, 32, 0}
)
