package signer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sihub/signer/render"
)

// KindConfig is how long one kind of document lasts.
type KindConfig struct {
	// Validity is how long the document is valid after its issue; the
	// registry's ValidUntil is the end of that day.
	Validity time.Duration
	// VerifyWindow is how long after its issue the registry answers for
	// the document online (by code, QR or upload); the registry's
	// VerifyUntil is the end of that day. Zero: as long as Validity.
	VerifyWindow time.Duration
}

const day = 24 * time.Hour

// DefaultKinds are the kinds' validity and verification windows when
// Config.Kinds does not name them. The certificates follow the common
// local practice (Qingdao: valid three months); notices and vouchers serve
// a procedure that takes months; the exemption certificate covers a
// posting of up to several years and is checked by foreign authorities
// for as long.
var DefaultKinds = map[string]KindConfig{
	KindInsuranceCertificate:     {Validity: 90 * day, VerifyWindow: 90 * day},
	KindUnitInsuranceCertificate: {Validity: 90 * day, VerifyWindow: 90 * day},
	KindReceipt:                  {Validity: 180 * day, VerifyWindow: 365 * day},
	KindResultNotice:             {Validity: 365 * day, VerifyWindow: 2 * 365 * day},
	KindTransferVoucher:          {Validity: 365 * day, VerifyWindow: 2 * 365 * day},
	KindRightsRecord:             {Validity: 365 * day, VerifyWindow: 2 * 365 * day},
	KindBenefitDetails:           {Validity: 90 * day, VerifyWindow: 180 * day},
	KindOverseasExemption:        {Validity: 5 * 365 * day, VerifyWindow: 6 * 365 * day},
}

// kindConfig fills cfg.Kinds from DefaultKinds (Config.Validity replaces
// the certificates' default validity) and checks it.
func kindConfig(cfg Config) (map[string]KindConfig, error) {
	out := map[string]KindConfig{}
	for k, d := range DefaultKinds {
		if cfg.Validity > 0 && (k == KindInsuranceCertificate || k == KindUnitInsuranceCertificate) {
			d.Validity, d.VerifyWindow = cfg.Validity, max(d.VerifyWindow, cfg.Validity)
		}
		out[k] = d
	}
	for k, c := range cfg.Kinds {
		if _, ok := kinds[k]; !ok {
			return nil, fmt.Errorf("signer: Config.Kinds names an unknown kind %q", k)
		}
		if c.Validity < day || c.VerifyWindow < 0 {
			return nil, fmt.Errorf("signer: Config.Kinds[%s]: validity %s is shorter than a day or the window %s is negative", k, c.Validity, c.VerifyWindow)
		}
		if c.VerifyWindow == 0 {
			c.VerifyWindow = c.Validity
		}
		out[k] = c
	}
	return out, nil
}

// KindConfig returns the validity and verification window the service
// applies to kind.
func (s *Service) KindConfig(kind string) (KindConfig, bool) {
	c, ok := s.kinds[kind]
	return c, ok
}

// Languages of a document: Chinese, English, or both (labels of both
// languages side by side). Names and addresses stay in Chinese script.
const (
	LangZH   = "zh"
	LangEN   = "en"
	LangBoth = "zh,en"
)

// parseLang normalises a --lang value: "" is zh, "en,zh" is zh,en.
func parseLang(s string) (string, error) {
	s = strings.ToLower(strings.ReplaceAll(s, " ", ""))
	if s == "" {
		return LangZH, nil
	}
	zh, en := false, false
	for _, p := range strings.Split(s, ",") {
		switch {
		case p == LangZH && !zh:
			zh = true
		case p == LangEN && !en:
			en = true
		default:
			return "", fmt.Errorf("%w: language %q (want zh, en or zh,en)", ErrBadRequest, s)
		}
	}
	switch {
	case zh && en:
		return LangBoth, nil
	case en:
		return LangEN, nil
	}
	return LangZH, nil
}

// draft is what a kind's binding hands to the shared issuing steps.
type draft struct {
	doc     *render.Document
	subject string // the subject the registry files it under
	holder  string // the holder's name (masked in the QR token)
	// validUntil, when set and earlier, ends the document's validity
	// before the kind's (an exemption ends with its posting).
	validUntil time.Time
}

// issueTimes are the dates every binding may print.
type issueTimes struct {
	now, validUntil, verifyUntil time.Time
}

// kindSpec is one kind's entry in the issuing table.
type kindSpec struct {
	prefix string          // document number prefix
	langs  map[string]bool // languages it is written in
	// bind reads the record data and lays the document out.
	bind func(s *Service, ctx context.Context, req IssueRequest, t issueTimes) (*draft, error)
}

var (
	zhOnly  = map[string]bool{LangZH: true}
	zhOrEN  = map[string]bool{LangZH: true, LangEN: true}
	allLang = map[string]bool{LangZH: true, LangEN: true, LangBoth: true}
)

// kinds is the issuing table: one entry per document kind.
var kinds = map[string]kindSpec{
	KindInsuranceCertificate:     {prefix: "CBZM", langs: allLang, bind: (*Service).bindCertificate},
	KindUnitInsuranceCertificate: {prefix: "DWCB", langs: zhOnly, bind: (*Service).bindUnitCertificate},
	KindReceipt:                  {prefix: "SLTZ", langs: zhOnly, bind: (*Service).bindReceipt},
	KindResultNotice:             {prefix: "JGGZ", langs: zhOnly, bind: (*Service).bindResultNotice},
	KindTransferVoucher:          {prefix: "ZYPZ", langs: allLang, bind: (*Service).bindTransferVoucher},
	KindRightsRecord:             {prefix: "QYJL", langs: zhOrEN, bind: (*Service).bindStatement},
	KindBenefitDetails:           {prefix: "DYMX", langs: zhOnly, bind: (*Service).bindBenefitDetails},
	KindOverseasExemption:        {prefix: "JWMJ", langs: allLang, bind: (*Service).bindExemption},
}

// KindLanguages lists the languages kind can be issued in.
func KindLanguages(kind string) []string {
	var out []string
	for _, l := range []string{LangZH, LangEN, LangBoth} {
		if kinds[kind].langs[l] {
			out = append(out, l)
		}
	}
	return out
}
