// Package signer issues the agency's documents: it reads the record data,
// allocates the document number and the anti-forgery code, builds the QR
// payload, renders the PDF (signer/render), seals it (signer/pades) and
// stores the registry entry with the PDF.
package signer

import (
	"context"
	"time"

	"sihub/model"
)

// Document kinds (DESIGN.md §4).
const (
	KindInsuranceCertificate     = "insurance-certificate"
	KindUnitInsuranceCertificate = "unit-insurance-certificate"
	KindReceipt                  = "receipt"
	KindResultNotice             = "result-notice"
	KindTransferVoucher          = "transfer-voucher"
	KindRightsRecord             = "rights-record"
	KindBenefitDetails           = "benefit-details"
	KindOverseasExemption        = "overseas-exemption"
)

// IssueRequest asks for one sealed document.
type IssueRequest struct {
	Kind           string   // one of the Kind constants
	Subject        string   // person ID or unit credit code
	Algorithms     []string // "sm2", "p256"; empty means ["sm2"]
	Lang           string   // "zh" (default) or "en"
	IdempotencyKey string   // optional: a repeated key returns the first document
	Actor          string   // who asks, for the audit trail
}

// Issued is the outcome of an issuance.
type Issued struct {
	Document model.Document
	PDF      []byte
	Existing bool // true when the idempotency key named an earlier document
}

// Clock returns the current time; tests inject a fixed one.
type Clock func() time.Time

var _ = context.Background
