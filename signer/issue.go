// Package signer issues the agency's documents: it reads the record data,
// allocates the document number and the anti-forgery code, builds the QR
// payload, renders the PDF (signer/render), seals it (signer/pades) and
// stores the registry entry with the PDF.
package signer

import (
	"errors"
	"strconv"
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

// KindNames are the documents' Chinese names.
var KindNames = map[string]string{
	KindInsuranceCertificate:     "参保证明（个人）",
	KindUnitInsuranceCertificate: "参保证明（单位）",
	KindReceipt:                  "受理通知单",
	KindResultNotice:             "结果告知单",
	KindTransferVoucher:          "基本养老保险参保缴费凭证",
	KindRightsRecord:             "个人权益记录单",
	KindBenefitDetails:           "待遇享受明细",
	KindOverseasExemption:        "境外社会保险免缴证明",
}

// KindNamesEN are the documents' English names.
var KindNamesEN = map[string]string{
	KindInsuranceCertificate:     "Social Insurance Certificate (Individual)",
	KindUnitInsuranceCertificate: "Social Insurance Certificate (Employer)",
	KindReceipt:                  "Acceptance Notice",
	KindResultNotice:             "Result Notice",
	KindTransferVoucher:          "Basic Pension Insurance Contribution Voucher",
	KindRightsRecord:             "Personal Rights Statement",
	KindBenefitDetails:           "Benefit Details",
	KindOverseasExemption:        "Certificate of Coverage (Exemption Abroad)",
}

func kindName(kind, lang string) string {
	if lang == "en" {
		return KindNamesEN[kind]
	}
	return KindNames[kind]
}

// Errors. Each wraps ErrBadRequest or is a kind of its own.
var (
	// ErrBadRequest: the request itself is wrong (unknown kind, invalid subject).
	ErrBadRequest = errors.New("signer: bad request")
	// ErrUnsupportedKind: the kind is known but this version cannot issue it yet.
	ErrUnsupportedKind = errors.New("signer: document kind not supported yet")
	// ErrNothingToState: the subject has no record the document would
	// state (a yearly statement for a year before the person's first paid
	// month). It comes wrapped together with ErrBadRequest.
	ErrNothingToState = errors.New("signer: nothing to state")
)

// IssueRequest asks for one sealed document.
type IssueRequest struct {
	Kind           string   // one of the Kind constants
	Subject        string   // person ID or unit credit code
	Algorithms     []string // "sm2", "p256"; empty means ["sm2"]
	Lang           string   // "zh" (default) or "en"; names and addresses stay in Chinese script
	IdempotencyKey string   // optional: a repeated key returns the first document
	Actor          string   // who asks, for the audit trail
	Year           int      // rights-record: the statement's year, 0 is last year; benefit-details: the year, 0 is the last 12 months
	Application    string   // receipt, result-notice: the application's ID (Subject may then be empty)
	Country        string   // overseas-exemption: the agreement country, ISO code or name
	// PostedFrom and PostedTo (YYYY-MM-DD) are the posting period of an
	// overseas-exemption; empty: from the day of issue for the country's
	// longest posting.
	PostedFrom, PostedTo string
}

// params are the request's kind-specific inputs, kept with the registry
// entry so a reissue repeats them.
func (r IssueRequest) params() map[string]string {
	m := map[string]string{}
	for k, v := range map[string]string{"application": r.Application, "country": r.Country,
		"posted_from": r.PostedFrom, "posted_to": r.PostedTo} {
		if v != "" {
			m[k] = v
		}
	}
	if r.Year != 0 {
		m["year"] = strconv.Itoa(r.Year)
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// withParams fills the kind-specific inputs from stored params.
func (r IssueRequest) withParams(m map[string]string) IssueRequest {
	r.Application, r.Country, r.PostedFrom, r.PostedTo = m["application"], m["country"], m["posted_from"], m["posted_to"]
	r.Year, _ = strconv.Atoi(m["year"])
	return r
}

// Issued is the outcome of an issuance.
type Issued struct {
	Document model.Document
	PDF      []byte
	Existing bool // true when the idempotency key named an earlier document
}

// Clock returns the current time; tests inject a fixed one.
type Clock func() time.Time
