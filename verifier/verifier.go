package verifier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/ocsp/ocspparse"
	"sihub/model"
	"sihub/verifier/pdfstruct"
)

// Registry looks documents up by anti-forgery code (canonical form: upper
// case, no separators). It returns an error wrapping model.ErrNotFound for
// an unknown code.
type Registry interface {
	DocumentByCode(ctx context.Context, code string) (model.Document, error)
}

// Options configures a Verifier. The zero value verifies structure and
// signatures but trusts no certificate and checks no registry.
type Options struct {
	// Roots are the trust anchors (the agency roots, plus any the caller
	// adds). No roots: every chain is untrusted.
	Roots []*smx509.Certificate
	// Registry, if set, is asked about the document's anti-forgery code.
	Registry Registry
	// Seals, if set, is asked about the seal each signature names; see
	// SealRegistry.
	Seals SealRegistry
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxSize caps the file size; 0 means 32 MiB.
	MaxSize int64
	// Timeout bounds the structural work on one file; 0 means 10 s.
	Timeout time.Duration
	// Revocation, if set, is asked about a signer certificate's
	// revocation when the document's DSS data does not answer. nil: only
	// DSS data is used; without DSS data the revocation is "not_checked".
	Revocation RevocationSource
	// ChainCacheSize bounds the chain cache; 0 means 4096 entries,
	// negative disables it.
	ChainCacheSize int
}

// maxSignatures caps the signatures checked in one file: each one hashes
// up to the whole file.
const maxSignatures = 16

// Verifier checks signed PDFs. It is safe for concurrent use.
type Verifier struct {
	roots    *smx509.CertPool
	nroots   int
	registry Registry
	seals    SealRegistry
	revsrc   RevocationSource
	now      func() time.Time
	maxSize  int64
	timeout  time.Duration
	chains   *chainCache
	// parsed DSS evidence, by the SHA-256 of its DER and of the issuer
	// it was checked against; nil values remember failures (certificates
	// go through the CMS parser's cache, cms.ParseCertificate)
	crlCache  *boundedCache[[64]byte, *parsedCRL]
	ocspCache *boundedCache[[64]byte, *ocspparse.Response]
	// ocspReader checks a delegated OCSP responder's certificate once for
	// all the responses it signed
	ocspReader ocspparse.Reader
	// certificate reports, by the SHA-256 of the certificate's DER
	reports *boundedCache[[32]byte, CertificateReport]
}

// New returns a Verifier with o's settings and secure defaults.
func New(o Options) *Verifier {
	v := &Verifier{
		roots:    smx509.NewCertPool(),
		registry: o.Registry,
		seals:    o.Seals,
		revsrc:   o.Revocation,
		now:      o.Now,
		maxSize:  o.MaxSize,
		timeout:  o.Timeout,
	}
	for _, c := range o.Roots {
		if c != nil {
			v.roots.AddCert(c)
			v.nroots++
		}
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.maxSize <= 0 {
		v.maxSize = 32 << 20
	}
	if v.timeout <= 0 {
		v.timeout = 10 * time.Second
	}
	size := o.ChainCacheSize
	if size == 0 {
		size = 4096
	}
	v.chains = newChainCache(size)
	v.crlCache = newBoundedCache[[64]byte, *parsedCRL](64)
	v.ocspCache = newBoundedCache[[64]byte, *ocspparse.Response](size)
	v.reports = newBoundedCache[[32]byte, CertificateReport](size)
	return v
}

// Verify checks pdf and returns the report. It never returns nil.
func (v *Verifier) Verify(ctx context.Context, pdf []byte) *Report {
	now := v.now()
	r := &Report{
		Signatures: []SignatureReport{},
		Errors:     []Problem{},
		CheckedAt:  now.UTC(),
		Document:   DocumentReport{RegistryStatus: RegistryNotChecked, Size: int64(len(pdf))},
	}
	defer r.finish()
	if int64(len(pdf)) > v.maxSize {
		r.addError(ReasonTooLarge, fmt.Sprintf("file is %d bytes, the limit is %d", len(pdf), v.maxSize))
		return r
	}
	if ctx == nil {
		ctx = context.Background()
	}
	sum := sha256.Sum256(pdf)
	r.Document.SHA256 = hex.EncodeToString(sum[:])

	ctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()
	f, err := pdfstruct.Open(ctx, pdf, pdfstruct.Limits{MaxFileSize: v.maxSize})
	if err != nil {
		code := ReasonMalformedPDF
		if errors.Is(err, pdfstruct.ErrTooLarge) || errors.Is(err, pdfstruct.ErrLimit) {
			code = ReasonTooLarge
		}
		r.addError(code, err.Error())
		return r
	}
	r.Document.Revisions = len(f.Revisions())
	repaired := f.Repaired()
	if repaired {
		r.addError(ReasonMalformedPDF, "the cross-reference information is broken; objects were recovered by scanning the file")
	}
	doc := &document{v: v, f: f, data: pdf, now: now, ctx: ctx}
	sigs, orphans := doc.findSignatures()
	for _, o := range orphans {
		r.addError(ReasonUnsignedSignatureDict, o)
	}
	if len(sigs) == 0 {
		r.addError(ReasonNoSignatures, "no signed signature field")
	}
	if len(sigs) > maxSignatures {
		r.addError(ReasonTooLarge, fmt.Sprintf("%d signatures; only the first %d are checked", len(sigs), maxSignatures))
		sigs = sigs[:maxSignatures]
	}
	for _, s := range sigs {
		if err := ctx.Err(); err != nil {
			r.addError(ReasonTooLarge, "verification time budget exceeded: "+err.Error())
			return r
		}
		r.Signatures = append(r.Signatures, doc.checkSignature(s))
	}
	doc.checkStructure(sigs, r)
	doc.checkModifications(sigs, r)
	finishLevels(r)
	v.checkRegistry(ctx, doc, sigs, r)
	if !repaired && f.Repaired() {
		r.addError(ReasonXrefInconsistent, "an object is not where the cross-reference information says; it was found by scanning the file")
	}
	return r
}

// finish computes the verdicts and makes the slices non-nil.
func (r *Report) finish() {
	valid := len(r.Signatures) > 0 && len(r.Errors) == 0
	for i := range r.Signatures {
		s := &r.Signatures[i]
		if s.Errors == nil {
			s.Errors = []Problem{}
		}
		if s.ChangedObjects == nil {
			s.ChangedObjects = []int{}
		}
		if s.Chain == nil {
			s.Chain = []CertificateReport{}
		}
		s.Valid = len(s.Errors) == 0
		valid = valid && s.Valid
	}
	if r.Errors == nil {
		r.Errors = []Problem{}
	}
	if r.Revisions == nil {
		r.Revisions = []RevisionReport{}
	}
	for i := range r.Revisions {
		if r.Revisions[i].Changes == nil {
			r.Revisions[i].Changes = []ChangeReport{}
		}
		if r.Revisions[i].Signatures == nil {
			r.Revisions[i].Signatures = []int{}
		}
	}
	r.Valid = valid
}

// document is the state of one verification.
type document struct {
	v    *Verifier
	f    *pdfstruct.File
	data []byte
	now  time.Time
	ctx  context.Context
	// dss is the document security store, read on first use (dssRead)
	dss     *dssData
	dssRead bool
	// scans: the objects found in each revision's bytes (scanRevisions)
	scans [][]pdfstruct.ObjectHeader
	// revFiles: the earlier revisions the analysis read on their own, by
	// end offset
	revFiles map[int64]*pdfstruct.File
}
