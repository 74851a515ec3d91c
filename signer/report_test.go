package signer

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sihub/signer/render"
)

func TestVerificationReportRequestLimits(t *testing.T) {
	ok := func() VerificationReportRequest {
		return VerificationReportRequest{Verdict: "可以信任", Checked: "ABC",
			Revisions: &ReportTable{Columns: []string{"#", "x"}, Rows: [][]string{{"1", "a\nb"}}}}
	}
	if r := ok(); r.validate() != nil || r.Lang != "zh" {
		t.Fatalf("valid request refused or language not defaulted: %v %q", r.validate(), r.Lang)
	}
	long := strings.Repeat("字", maxReportLine+1)
	for name, mutate := range map[string]func(*VerificationReportRequest){
		"no verdict":      func(r *VerificationReportRequest) { r.Verdict = " " },
		"nothing checked": func(r *VerificationReportRequest) { r.Checked = "" },
		"language":        func(r *VerificationReportRequest) { r.Lang = "fr" },
		"long line":       func(r *VerificationReportRequest) { r.Explanation = long },
		"long text":       func(r *VerificationReportRequest) { r.Explanation = strings.Repeat("a\n", maxReportText) },
		"invalid utf-8":   func(r *VerificationReportRequest) { r.Verdict = "\xff" },
		"ragged row":      func(r *VerificationReportRequest) { r.Revisions.Rows = [][]string{{"1"}} },
		"too many rows": func(r *VerificationReportRequest) {
			r.Revisions.Rows = slices.Repeat([][]string{{"1", "a"}}, maxReportRows+1) // well-formed rows: only their number is wrong
		},
		"too many sections": func(r *VerificationReportRequest) { r.Signatures = make([]ReportSection, maxReportSections+1) },
		"too many pairs":    func(r *VerificationReportRequest) { r.Document.Pairs = make([][2]string, maxReportPairs+1) },
		"long value": func(r *VerificationReportRequest) {
			r.Signatures = []ReportSection{{Pairs: [][2]string{{"k", long}}}}
		},
	} {
		r := ok()
		mutate(&r)
		if err := r.validate(); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestVerificationReportLayout: the verdict leads, then what was checked,
// the document, each seal, the revision table and the steps, in order.
func TestVerificationReportLayout(t *testing.T) {
	r := VerificationReportRequest{Lang: "en", Verdict: "Trust it", Explanation: "Because.", Checked: "ABC",
		CheckedAt:  time.Date(2026, 11, 28, 4, 5, 6, 0, time.UTC),
		Document:   ReportSection{Pairs: [][2]string{{"No.", "1"}}},
		Signatures: []ReportSection{{Heading: "Seal 1", Pairs: [][2]string{{"Alg", "SM2"}}}},
		Revisions:  &ReportTable{Columns: []string{"#", "Changes"}, Rows: [][]string{{"1", "none"}}},
		NextSteps:  []string{"one", "two"}}
	d := r.document(time.FixedZone("CST", 8*3600))
	if d.Title != "Verification Report" || d.Lang != "en" || len(d.Blocks) != 6 || len(d.Notes) != 1 {
		t.Fatalf("document: %+v", d)
	}
	if p, ok := d.Blocks[0].(*render.Paragraph); !ok || p.Text != "Trust it\nBecause." || p.Heading != "Verdict" {
		t.Errorf("verdict block: %#v", d.Blocks[0])
	}
	if f, ok := d.Blocks[1].(*render.Fields); !ok || f.Pairs[1][1] != "2026-11-28 12:05:06 CST" {
		t.Errorf("checked block: %#v", d.Blocks[1])
	}
	if f, ok := d.Blocks[3].(*render.Fields); !ok || f.Heading != "Seal 1" {
		t.Errorf("seal block: %#v", d.Blocks[3])
	}
	if tb, ok := d.Blocks[4].(*render.Table); !ok || tb.Columns[1].Width <= tb.Columns[0].Width {
		t.Errorf("revision table: %#v", d.Blocks[4])
	}
	if p, ok := d.Blocks[5].(*render.Paragraph); !ok || p.Text != "1. one\n2. two" {
		t.Errorf("steps: %#v", d.Blocks[5])
	}
}
