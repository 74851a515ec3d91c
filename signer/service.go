package signer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"sihub/certs"
	"sihub/hsm"
	"sihub/model"
	"sihub/signer/code"
	"sihub/signer/pades"
	"sihub/signer/qrtoken"
	"sihub/signer/render"
)

// Records reads the data a document is made from.
type Records interface {
	Person(ctx context.Context, id string) (model.Person, error)
	Unit(ctx context.Context, creditCode string) (model.Unit, error)
	Insurances(ctx context.Context, personID string) ([]model.Insurance, error)
	ContributionsBetween(ctx context.Context, personID, from, to string) ([]model.Contribution, error)
	ContributionsOfType(ctx context.Context, personID, typ, from, to string) ([]model.Contribution, error)
	// PaidStreak counts the months back from last without a gap in which
	// the person paid one of types at unitCode, at most limit.
	PaidStreak(ctx context.Context, personID, unitCode string, types []string, last string, limit int) (int, error)
}

// Registry stores issued documents.
type Registry interface {
	AllocateNumber(ctx context.Context, series string) (int64, error)
	PutDocument(ctx context.Context, d model.Document, pdf []byte) error
	// PutIssued stores a new document with its PDF, audit entry and
	// notices, in one transaction where the store has them.
	PutIssued(ctx context.Context, is model.Issuance) error
	DocumentByIdempotencyKey(ctx context.Context, key string) (model.Document, error)
	DocumentPDF(ctx context.Context, code string) ([]byte, error)
}

// Audit appends to the audit trail.
type Audit interface {
	AppendAudit(ctx context.Context, e model.AuditEntry) error
}

// Seals gives the seal material for an algorithm (certs.PKI).
type Seals interface {
	Seal(alg hsm.Algorithm) (*certs.SealMaterial, error)
}

// Config configures a Service. Zero values take the documented defaults.
type Config struct {
	Agency     string // issuing agency's name; required
	Region     string // agency's area code, e.g. "110105"
	RegionName string // the place printed as 参保地, e.g. "北京市朝阳区"; empty omits the line
	PublicURL  string // base of the verification link; default http://127.0.0.1:8080
	// Validity is the validity of the person and unit insurance
	// certificates (and of documents outside the kinds' table); default
	// 90 days.
	Validity time.Duration
	// Kinds sets kinds' validity and verification window; kinds it does
	// not name take DefaultKinds.
	Kinds map[string]KindConfig
	// AgencyPhone, AgencyAddress and AgencyPostcode are printed in the
	// agency block of the transfer voucher; empty ones are left out.
	AgencyPhone, AgencyAddress, AgencyPostcode string
	Location                                   *time.Location
	Now                                        Clock     // default time.Now
	Rand                                       io.Reader // default crypto/rand
	// InterestRates are the personal pension account's credited rates
	// for the rights statement; zero takes DefaultInterestRates.
	InterestRates InterestRates
	// Levels sets the PAdES level per document kind; kinds it does not
	// name take DefaultLevels (LevelBT for the rest), or LevelBB without
	// LTV.
	Levels map[string]Level
	// LTV are the trust services the levels above B-B use.
	LTV LTVServices
	// Parallel is how many issuances read, render and seal at once
	// (admit.go); default GOMAXPROCS. Further callers wait their turn
	// before reading the records; storing is outside the limit.
	Parallel int
}

// Service issues documents.
type Service struct {
	cfg      Config
	records  Records
	registry Registry
	audit    Audit
	seals    Seals
	renderer *render.Renderer
	refs     *sealRefs
	kinds    map[string]KindConfig
	ltvData  ltvCache      // validation data of recent chains (levels.go)
	cpu      chan struct{} // one token per issuance making its document (admit.go)
}

// NewService returns a Service. The renderer is shared and safe for
// concurrent use.
func NewService(cfg Config, records Records, registry Registry, audit Audit, seals Seals, r *render.Renderer) (*Service, error) {
	if cfg.Agency == "" {
		return nil, errors.New("signer: Config.Agency is required")
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://127.0.0.1:8080"
	}
	if cfg.Validity == 0 {
		cfg.Validity = 90 * 24 * time.Hour
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("CST", 8*3600)
	}
	if cfg.InterestRates.ByYear == nil && cfg.InterestRates.Default == 0 {
		cfg.InterestRates = DefaultInterestRates
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = runtime.GOMAXPROCS(0)
	}
	if records == nil || registry == nil || audit == nil || seals == nil || r == nil {
		return nil, errors.New("signer: records, registry, audit, seals and renderer are required")
	}
	kc, err := kindConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, records: records, registry: registry, audit: audit, seals: seals, renderer: r, refs: &sealRefs{}, kinds: kc,
		cpu: make(chan struct{}, cfg.Parallel)}, nil
}

// Notices makes the notices to a new document's holder; IssueWith stores
// them in the same write as the document.
type Notices func(ctx context.Context, doc model.Document) ([]model.Message, []model.OutboxMessage)

// Issue makes, seals and stores one document. It never stores a document
// that is not completely sealed.
func (s *Service) Issue(ctx context.Context, req IssueRequest) (*Issued, error) {
	return s.IssueWith(ctx, req, nil)
}

// IssueWith is Issue that also stores the notices that notices (if not
// nil) makes for the new document, in the same write as the document, its
// PDF and its audit entry (Registry.PutIssued): one durable commit instead
// of one per record. When the store kept the document but not its notices
// (model.ErrNoticesNotStored, a store without transactions), the document
// is returned together with that error.
func (s *Service) IssueWith(ctx context.Context, req IssueRequest, notices Notices) (*Issued, error) {
	algs, err := parseAlgorithms(req.Algorithms)
	if err != nil {
		return nil, err
	}
	if req.Lang, err = parseLang(req.Lang); err != nil {
		return nil, err
	}
	spec, ok := kinds[req.Kind]
	switch {
	case req.Kind == "":
		return nil, fmt.Errorf("%w: no document kind", ErrBadRequest)
	case !ok:
		return nil, fmt.Errorf("%w: unknown document kind %q", ErrBadRequest, req.Kind)
	case !spec.langs[req.Lang]:
		return nil, fmt.Errorf("%w: %s is written in %s, not %s", ErrBadRequest, req.Kind, strings.Join(KindLanguages(req.Kind), " or "), req.Lang)
	}
	if req.IdempotencyKey != "" {
		if iss, err := s.existing(ctx, req.IdempotencyKey); err == nil || !errors.Is(err, model.ErrNotFound) {
			return iss, err
		}
	}

	release, err := s.admit(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	now := s.cfg.Now().In(s.cfg.Location)
	seals := make([]*certs.SealMaterial, len(algs))
	for i, a := range algs {
		if seals[i], err = s.seals.Seal(a); err != nil {
			return nil, fmt.Errorf("signer: seal for %s: %w", a, err)
		}
		if seals[i].Seal.Status != "active" {
			return nil, fmt.Errorf("signer: seal %s is %s, not active", seals[i].Seal.ID, seals[i].Seal.Status)
		}
	}

	kc := s.kinds[req.Kind]
	times := issueTimes{now: now, validUntil: endOfDay(now.Add(kc.Validity)), verifyUntil: endOfDay(now.Add(kc.VerifyWindow))}
	dr, err := spec.bind(s, ctx, req, times)
	if err != nil {
		return nil, err
	}
	data, holder := dr.doc, dr.holder
	req.Subject = dr.subject
	validUntil := times.validUntil
	if !dr.validUntil.IsZero() && dr.validUntil.Before(validUntil) {
		validUntil = dr.validUntil
	}
	n, err := s.registry.AllocateNumber(ctx, fmt.Sprintf("%s:%d", req.Kind, now.Year()))
	if err != nil {
		return nil, fmt.Errorf("signer: allocating number: %w", err)
	}
	data.Number = fmt.Sprintf("%s-%d-%08d", spec.prefix, now.Year(), n)
	cd, err := code.New(s.cfg.Rand)
	if err != nil {
		return nil, err
	}
	data.Code, data.CodeGrouped = cd, code.Group(cd)
	data.PrintedAt = now
	data.ValidUntil, data.VerifyUntil = validUntil, times.verifyUntil
	data.Lang = req.Lang
	data.Agency, data.Region = s.cfg.Agency, s.cfg.RegionName
	data.VerifyURL = strings.TrimRight(s.cfg.PublicURL, "/") + "/v/" + cd
	data.Seal = render.SealImage{Agency: s.cfg.Agency, Name: seals[0].Seal.Name}

	claims := qrtoken.Claims{Code: cd, Number: data.Number, Kind: req.Kind,
		HolderName: model.MaskName(holder), HolderID: model.MaskID(req.Subject),
		IssuedAt: now.Truncate(time.Second), ValidUntil: data.ValidUntil}
	tok, err := qrtoken.Sign(claims, seals[0].Key, qrtoken.KeyIDOf(seals[0].Certificate.Raw), s.cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("signer: QR token: %w", err)
	}
	data.QRText = qrtoken.URL(s.cfg.PublicURL, cd, tok)

	opts := render.Options{Rand: s.cfg.Rand}
	sealers := make([]pades.Sealer, len(seals))
	for i, m := range seals {
		info := pades.SigInfo{Name: m.Seal.Name, Reason: kindName(req.Kind, req.Lang), Location: s.cfg.Agency, Time: now}
		opts.Signatures = append(opts.Signatures, render.Signature{Info: info})
		ref, err := s.refs.get(m)
		if err != nil {
			return nil, err
		}
		sealers[i] = pades.Sealer{Key: m.Key, Certificate: m.Certificate, Chain: m.Chain, Info: info, SealReference: ref}
	}
	prepared, err := s.renderer.Document(data, opts)
	if err != nil {
		return nil, fmt.Errorf("signer: rendering %s: %w", req.Kind, err)
	}
	pdf, err := s.seal(ctx, req.Kind, prepared, sealers)
	if err != nil {
		return nil, fmt.Errorf("signer: sealing %s: %w", req.Kind, err)
	}
	release() // storing waits on the disk, not on a processor
	sum := sha256.Sum256(pdf)
	doc := model.Document{
		Code: cd, Number: data.Number, Kind: req.Kind, Subject: req.Subject, SubjectName: holder,
		Lang: req.Lang, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(pdf)),
		IssuedAt: now.UTC(), ValidUntil: data.ValidUntil.UTC(), VerifyUntil: times.verifyUntil.UTC(), Status: model.DocValid,
		IdempotencyKey: req.IdempotencyKey, Params: req.params(),
	}
	for i, m := range seals {
		doc.Algorithms = append(doc.Algorithms, string(algs[i]))
		doc.SealIDs = append(doc.SealIDs, m.Seal.ID)
	}
	is := model.Issuance{Document: doc, PDF: pdf, Audit: model.AuditEntry{
		Time: s.cfg.Now().UTC(), Actor: req.Actor, Action: "document.issue", Object: cd, Outcome: "ok",
		Detail: "kind=" + req.Kind + " number=" + doc.Number + " subject=" + model.MaskID(req.Subject) + " algs=" + strings.Join(doc.Algorithms, ","),
	}}
	if notices != nil {
		is.Messages, is.Outbox = notices(ctx, doc)
	}
	if err := s.registry.PutIssued(ctx, is); err != nil {
		if errors.Is(err, model.ErrNoticesNotStored) {
			return &Issued{Document: doc, PDF: pdf}, fmt.Errorf("signer: %s stored: %w", doc.Number, err)
		}
		if req.IdempotencyKey != "" && errors.Is(err, model.ErrConflict) {
			// Another request with the same key won the race.
			if iss, err2 := s.existing(ctx, req.IdempotencyKey); err2 == nil {
				return iss, nil
			}
		}
		return nil, fmt.Errorf("signer: storing %s: %w", doc.Number, err)
	}
	return &Issued{Document: doc, PDF: pdf}, nil
}

func (s *Service) existing(ctx context.Context, key string) (*Issued, error) {
	d, err := s.registry.DocumentByIdempotencyKey(ctx, key)
	if err != nil {
		return nil, err
	}
	pdf, err := s.registry.DocumentPDF(ctx, d.Code)
	if err != nil {
		return nil, fmt.Errorf("signer: document %s: %w", d.Code, err)
	}
	return &Issued{Document: d, PDF: pdf, Existing: true}, nil
}

func parseAlgorithms(in []string) ([]hsm.Algorithm, error) {
	if len(in) == 0 {
		return []hsm.Algorithm{hsm.SM2}, nil
	}
	var out []hsm.Algorithm
	seen := map[hsm.Algorithm]bool{}
	for _, a := range in {
		alg := hsm.Algorithm(strings.ToLower(strings.TrimSpace(a)))
		if alg != hsm.SM2 && alg != hsm.P256 {
			return nil, fmt.Errorf("%w: algorithm %q (want sm2 or p256)", ErrBadRequest, a)
		}
		if seen[alg] {
			return nil, fmt.Errorf("%w: algorithm %q named twice", ErrBadRequest, a)
		}
		seen[alg] = true
		out = append(out, alg)
	}
	return out, nil
}

func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 59, 0, t.Location())
}
