package certs

import (
	"crypto/x509"
	"encoding/asn1"
	"time"

	"sihub/model"
)

// OIDDocumentSigning is id-kp-documentSigning (RFC 9336).
var OIDDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// Period is a validity length in calendar units (added with time.AddDate).
type Period struct {
	Years, Months, Days int
}

// After returns t plus the period.
func (p Period) After(t time.Time) time.Time { return t.AddDate(p.Years, p.Months, p.Days) }

// Profile describes one kind of certificate. Profiles are data: Check
// validates a profile, Lint validates a certificate against one.
type Profile struct {
	// Role is model.RoleRoot, model.RoleIssuing or model.RoleSeal.
	Role string
	// Validity is the certificate's lifetime from NotBefore.
	Validity Period
	// IsCA sets basicConstraints cA.
	IsCA bool
	// PathLen is basicConstraints pathLenConstraint for a CA; -1 means
	// absent (unlimited). Must be -1 for an end entity.
	PathLen int
	// KeyUsage is the keyUsage extension (always marked critical).
	KeyUsage x509.KeyUsage
	// ExtKeyUsage and UnknownExtKeyUsage form the extKeyUsage extension.
	ExtKeyUsage        []x509.ExtKeyUsage
	UnknownExtKeyUsage []asn1.ObjectIdentifier
	// Distribution adds the CRL distribution point and AIA caIssuers URLs
	// (not for a self-signed root).
	Distribution bool
	// OCSP adds the AIA OCSP responder URL, PublicURL + "/pki/ocsp"
	// (end entities whose status the responder answers).
	OCSP bool
}

// RootProfile: root CA, pathLen 1, keyCertSign + cRLSign, 20 years.
var RootProfile = Profile{
	Role:     model.RoleRoot,
	Validity: Period{Years: 20},
	IsCA:     true,
	PathLen:  1,
	KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
}

// IssuingProfile: issuing CA, pathLen 0, keyCertSign + cRLSign, 10 years.
var IssuingProfile = Profile{
	Role:         model.RoleIssuing,
	Validity:     Period{Years: 10},
	IsCA:         true,
	PathLen:      0,
	KeyUsage:     x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	Distribution: true,
}

// SealProfile: an electronic seal's certificate (end entity),
// digitalSignature + nonRepudiation, document signing, 3 years.
var SealProfile = Profile{
	Role:               model.RoleSeal,
	Validity:           Period{Years: 3},
	IsCA:               false,
	PathLen:            -1,
	KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	UnknownExtKeyUsage: []asn1.ObjectIdentifier{OIDDocumentSigning},
	Distribution:       true,
	OCSP:               true,
}

// referenceTime anchors Period length checks.
var referenceTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
