package verifier

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// TestCodeComesFromTheSignedRevision checks that the anti-forgery code is
// read from the revision the signature signed, not from a later /Info,
// both when the revision analysis has read that revision already and when
// it has not (too many revisions to analyse).
func TestCodeComesFromTheSignedRevision(t *testing.T) {
	signed := renderedCertificate(t, "sm2")
	l := readLayout(t, signed)
	forged := appendRevision(t, signed, map[int]string{l.info: "<< /SihubCode (AAAABBBBCCCCDDDDEEEE) >>"})
	v := New(Options{Roots: []*smx509.Certificate{testPKI(t, "sm2").Root}, Now: func() time.Time { return testNow }})
	if got := v.Verify(context.Background(), forged).Document.Code; got != renderedCode {
		t.Errorf("code %q, want the signed revision's %q", got, renderedCode)
	}
	many := forged
	for i := 0; i < maxAnalyzedRevisions; i++ {
		many = appendRevision(t, many, map[int]string{l.info: "<< /SihubCode (AAAABBBBCCCCDDDDEEEE) >>"})
	}
	r := v.Verify(context.Background(), many)
	if !slices.Contains(reasons(r), ReasonTooLarge) {
		t.Fatalf("%d revisions were analysed; the test needs the analysis skipped", r.Document.Revisions)
	}
	if got := r.Document.Code; got != renderedCode {
		t.Errorf("without the analysis: code %q, want %q", got, renderedCode)
	}
}
