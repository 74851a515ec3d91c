package verifier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
	"sihub/model"
)

var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// pkis caches one throwaway hierarchy per algorithm for the package's tests.
var (
	pkiMu sync.Mutex
	pkis  = map[string]*cmstest.PKI{}
)

func testPKI(t testing.TB, alg string) *cmstest.PKI {
	t.Helper()
	pkiMu.Lock()
	defer pkiMu.Unlock()
	if p, ok := pkis[alg]; ok {
		return p
	}
	p, err := cmstest.New(alg, testNow)
	if err != nil {
		t.Fatal(err)
	}
	pkis[alg] = p
	return p
}

func leafSigner(p *cmstest.PKI) signer {
	return signer{key: p.LeafKey, cert: p.Leaf, chain: p.Chain()}
}

// mapRegistry is a Registry over a map.
type mapRegistry map[string]model.Document

func (m mapRegistry) DocumentByCode(_ context.Context, code string) (model.Document, error) {
	d, ok := m[code]
	if !ok {
		return model.Document{}, fmt.Errorf("registry: code %s: %w", code, model.ErrNotFound)
	}
	return d, nil
}

const (
	testCode   = "K7PM-Q2RX-9WTB-HC4N-3"
	testNumber = "CBZM-2026-000123"
)

// sealed returns a whole-document sealed PDF signed by alg's leaf.
func sealed(t testing.TB, alg string) []byte {
	t.Helper()
	p := buildUnsigned(t, testDoc{code: testCode, number: testNumber}, testNow)
	return fill(t, p, leafSigner(testPKI(t, alg)), testNow)
}

func registryFor(pdf []byte, status model.DocumentStatus) mapRegistry {
	sum := sha256.Sum256(pdf)
	return mapRegistry{CanonicalCode(testCode): {
		Code: CanonicalCode(testCode), Number: testNumber, Kind: "insurance-certificate",
		Subject: "110105199003071239", SHA256: hex.EncodeToString(sum[:]), Status: status,
	}}
}

func newVerifier(t testing.TB, reg Registry, now time.Time, roots ...*smx509.Certificate) *Verifier {
	return New(Options{Roots: roots, Registry: reg, Now: func() time.Time { return now }})
}

// reasons lists every code in a report, document first.
func reasons(r *Report) []Reason {
	var out []Reason
	for _, p := range r.Errors {
		out = append(out, p.Code)
	}
	for _, s := range r.Signatures {
		for _, p := range s.Errors {
			out = append(out, p.Code)
		}
	}
	return out
}

func dump(r *Report) string {
	b, _ := json.MarshalIndent(r, "", "  ")
	return string(b)
}

func TestVerifySealed(t *testing.T) {
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			pki := testPKI(t, alg)
			pdf := sealed(t, alg)
			v := newVerifier(t, registryFor(pdf, model.DocValid), testNow.Add(time.Minute), pki.Root)
			r := v.Verify(context.Background(), pdf)
			if !r.Valid {
				t.Fatalf("sealed file not valid: %v\n%s", reasons(r), dump(r))
			}
			if len(r.Signatures) != 1 {
				t.Fatalf("%d signatures", len(r.Signatures))
			}
			s := r.Signatures[0]
			want := map[string]string{"sm2": "SM2-SM3", "p256": "ECDSA-P256-SHA256"}[alg]
			if s.Algorithm != want || s.Field != "Seal1" || !s.CoversWholeDocument || !s.ChainTrusted || !s.IntegrityValid ||
				s.ModifiedAfterSigning || s.Revocation != RevocationNotChecked || s.Level != "B-B" || s.Signer != pki.Leaf.Subject.CommonName {
				t.Errorf("unexpected signature report:\n%s", dump(r))
			}
			if s.SignedAt == nil || !s.SignedAt.Equal(testNow) || s.SignedAtSource != "signing_time" {
				t.Errorf("signed_at = %v (%s), want %v", s.SignedAt, s.SignedAtSource, testNow)
			}
			if len(s.Chain) != 3 {
				t.Errorf("chain has %d certificates, want 3", len(s.Chain))
			}
			if r.Document.Code != CanonicalCode(testCode) || r.Document.Number != testNumber || r.Document.RegistryStatus != RegistryValid ||
				r.Document.SubjectMasked != "110105********1239" || r.Document.Kind != "insurance-certificate" {
				t.Errorf("unexpected document report: %+v", r.Document)
			}
			// a second run is served from the chain cache and agrees
			if r2 := v.Verify(context.Background(), pdf); !r2.Valid {
				t.Errorf("second verification not valid: %v", reasons(r2))
			}
		})
	}
}

// expectInvalid verifies pdf and requires every code in want.
func expectInvalid(t *testing.T, v *Verifier, pdf []byte, want ...Reason) *Report {
	t.Helper()
	r := v.Verify(context.Background(), pdf)
	if r.Valid {
		t.Fatalf("valid, want not valid with %v\n%s", want, dump(r))
	}
	for _, w := range want {
		if !r.HasReason(w) {
			t.Errorf("reasons %v lack %s", reasons(r), w)
		}
	}
	return r
}

func TestFlippedByte(t *testing.T) {
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			pdf := sealed(t, alg)
			i := strings.Index(string(pdf), "Insurance certificate")
			pdf[i] ^= 0x20 // "insurance certificate": still a well-formed PDF
			v := newVerifier(t, nil, testNow, testPKI(t, alg).Root)
			r := expectInvalid(t, v, pdf, ReasonDigestMismatch)
			if r.Signatures[0].IntegrityValid {
				t.Error("integrity_valid is true")
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	pdf := sealed(t, "sm2")
	v := newVerifier(t, nil, testNow, testPKI(t, "sm2").Root)
	for _, cut := range []int{1, 30, len(pdf) / 2} {
		r := expectInvalid(t, v, pdf[:len(pdf)-cut])
		if !r.HasReason(ReasonMalformedPDF) && !r.HasReason(ReasonByteRangeInvalid) {
			t.Errorf("cut %d: reasons %v, want malformed_pdf or byte_range_invalid", cut, reasons(r))
		}
	}
}

func TestAppendedBytes(t *testing.T) {
	pdf := sealed(t, "p256")
	pdf = append(pdf, []byte("% a note added after signing\n")...)
	v := newVerifier(t, nil, testNow, testPKI(t, "p256").Root)
	r := expectInvalid(t, v, pdf, ReasonModifiedAfterSigning, ReasonNotWholeDocument)
	s := r.Signatures[0]
	if s.CoversWholeDocument || !s.ModifiedAfterSigning || !s.IntegrityValid {
		t.Errorf("unexpected signature report:\n%s", dump(r))
	}
}

func TestIncrementalUpdateAfterSigning(t *testing.T) {
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			p := buildUnsigned(t, testDoc{code: testCode, number: testNumber}, testNow)
			signed := fill(t, p, leafSigner(testPKI(t, alg)), testNow)
			// the update swaps the anti-forgery code in /Info
			updated := addRevision(signed, p.xref, 7, "<< /Producer (sihub) /SihubCode (AAAA-BBBB-CCCC-DDDD-E) /SihubNumber (X) >>")
			v := newVerifier(t, registryFor(signed, model.DocValid), testNow, testPKI(t, alg).Root)
			r := expectInvalid(t, v, updated, ReasonModifiedAfterSigning, ReasonNotWholeDocument, ReasonRegistryDigestMismatch)
			s := r.Signatures[0]
			if s.CoversWholeDocument || !s.ModifiedAfterSigning || !s.IntegrityValid {
				t.Errorf("unexpected signature report:\n%s", dump(r))
			}
			if fmt.Sprint(s.ChangedObjects) != "[7]" {
				t.Errorf("changed_objects = %v, want [7]", s.ChangedObjects)
			}
			if r.Document.Code != CanonicalCode(testCode) || r.Document.Number != testNumber {
				t.Errorf("code %q number %q: not read from the signed revision", r.Document.Code, r.Document.Number)
			}
			if r.Document.Revisions != 2 {
				t.Errorf("revisions = %d, want 2", r.Document.Revisions)
			}
		})
	}
}

func TestTwoSeals(t *testing.T) {
	sm2, p256 := testPKI(t, "sm2"), testPKI(t, "p256")
	p := buildUnsigned(t, testDoc{code: testCode, number: testNumber, spare: true}, testNow)
	first := fill(t, p, leafSigner(sm2), testNow)
	p2 := addSignatureRevision(t, first, p.xref, testNow, nil)
	both := fill(t, p2, leafSigner(p256), testNow)
	v := newVerifier(t, registryFor(both, model.DocValid), testNow, sm2.Root, p256.Root)
	r := v.Verify(context.Background(), both)
	if !r.Valid {
		t.Fatalf("two seals not valid: %v\n%s", reasons(r), dump(r))
	}
	if len(r.Signatures) != 2 || r.Signatures[0].Field != "Seal1" || r.Signatures[1].Field != "Seal2" {
		t.Fatalf("signatures:\n%s", dump(r))
	}
	if r.Signatures[0].CoversWholeDocument || !r.Signatures[1].CoversWholeDocument || r.Signatures[0].ModifiedAfterSigning {
		t.Errorf("coverage:\n%s", dump(r))
	}
	if fmt.Sprint(r.Signatures[0].ChangedObjects) != "[8 9]" {
		t.Errorf("changed_objects = %v, want [8 9]", r.Signatures[0].ChangedObjects)
	}

	// a second signature whose revision also rewrites the page content
	p3 := addSignatureRevision(t, first, p.xref, testNow, map[int]string{4: "<< /Length 2 >>\nstream\nBT\nendstream"})
	tampered := fill(t, p3, leafSigner(p256), testNow)
	r = expectInvalid(t, v, tampered, ReasonModifiedAfterSigning, ReasonRegistryDigestMismatch)
	if !r.Signatures[0].ModifiedAfterSigning || r.Signatures[1].ModifiedAfterSigning || !r.Signatures[1].Valid {
		t.Errorf("modification not pinned on the first signature:\n%s", dump(r))
	}
	if fmt.Sprint(r.Signatures[0].ChangedObjects) != "[4 8 9]" {
		t.Errorf("changed_objects = %v, want [4 8 9]", r.Signatures[0].ChangedObjects)
	}

	// a second signature dictionary stored over the page content object
	p4 := addSignatureRevisionAt(t, first, p.xref, testNow, nil, 4)
	overwritten := fill(t, p4, leafSigner(p256), testNow)
	r = expectInvalid(t, v, overwritten, ReasonModifiedAfterSigning)
	if !r.Signatures[0].ModifiedAfterSigning || !r.Signatures[1].Valid {
		t.Errorf("a reused object number passed as a new signature:\n%s", dump(r))
	}
}

func TestNoSignatures(t *testing.T) {
	v := newVerifier(t, nil, testNow, testPKI(t, "sm2").Root)
	p := buildUnsigned(t, testDoc{noField: true}, testNow)
	r := expectInvalid(t, v, p.pdf, ReasonNoSignatures)
	if len(r.Signatures) != 0 {
		t.Errorf("%d signatures found", len(r.Signatures))
	}
	// a placeholder never filled
	p = buildUnsigned(t, testDoc{}, testNow)
	expectInvalid(t, v, p.pdf, ReasonUnsignedSignatureDict)
}

func TestOrphanSignatureDictionary(t *testing.T) {
	pki := testPKI(t, "sm2")
	pdf := fill(t, buildUnsigned(t, testDoc{orphan: true}, testNow), leafSigner(pki), testNow)
	r := expectInvalid(t, newVerifier(t, nil, testNow, pki.Root), pdf, ReasonUnsignedSignatureDict)
	if len(r.Signatures) != 1 || !r.Signatures[0].Valid {
		t.Errorf("the field's signature should be found and valid:\n%s", dump(r))
	}
}

func TestByteRangeNotTheContents(t *testing.T) {
	pki := testPKI(t, "p256")
	p := buildUnsigned(t, testDoc{}, testNow)
	pdf := fill(t, p, leafSigner(pki), testNow)
	gapEnd := p.ph.Contents + p.ph.ContentsLen
	cases := map[string]string{
		"gap ends early": fmt.Sprintf("[0 %d %d %d]", p.ph.Contents, gapEnd-2, len(pdf)-gapEnd+2),
		"not from 0":     fmt.Sprintf("[1 %d %d %d]", p.ph.Contents-1, gapEnd, len(pdf)-gapEnd),
		"past the end":   fmt.Sprintf("[0 %d %d %d]", p.ph.Contents, gapEnd, len(pdf)-gapEnd+1),
		"not a revision": fmt.Sprintf("[0 %d %d %d]", p.ph.Contents, gapEnd, len(pdf)-gapEnd-3),
		"three numbers":  fmt.Sprintf("[0 %d %d]", p.ph.Contents, gapEnd),
	}
	v := newVerifier(t, nil, testNow, pki.Root)
	for name, br := range cases {
		t.Run(name, func(t *testing.T) {
			bad := append([]byte(nil), pdf...)
			br = br[:len(br)-1] + strings.Repeat(" ", p.ph.ByteRangeLen-len(br)) + "]"
			copy(bad[p.ph.ByteRange:], br)
			expectInvalid(t, v, bad, ReasonByteRangeInvalid)
		})
	}
}

func TestUnsupportedSubFilter(t *testing.T) {
	pki := testPKI(t, "p256")
	p := buildUnsigned(t, testDoc{}, testNow)
	// same length, so the placeholder offsets stay right
	p.pdf = []byte(strings.Replace(string(p.pdf), "/ETSI.CAdES.detached", "/adbe.x509.rsa_sha1 ", 1))
	pdf := fill(t, p, leafSigner(pki), testNow)
	r := expectInvalid(t, newVerifier(t, nil, testNow, pki.Root), pdf, ReasonUnsupportedAlgorithm)
	if r.Signatures[0].SubFilter != "adbe.x509.rsa_sha1" {
		t.Errorf("sub_filter %q", r.Signatures[0].SubFilter)
	}
}

func TestOtherCA(t *testing.T) {
	other, err := cmstest.New("sm2", testNow)
	if err != nil {
		t.Fatal(err)
	}
	p := buildUnsigned(t, testDoc{}, testNow)
	pdf := fill(t, p, leafSigner(other), testNow)
	v := newVerifier(t, nil, testNow, testPKI(t, "sm2").Root)
	r := expectInvalid(t, v, pdf, ReasonChainUntrusted)
	if s := r.Signatures[0]; s.ChainTrusted || !s.IntegrityValid {
		t.Errorf("unexpected signature report:\n%s", dump(r))
	}
	if got := reasons(r); len(got) != 1 {
		t.Errorf("reasons %v, want only chain_untrusted", got)
	}
}

func TestExpiredSealCertificate(t *testing.T) {
	pki := testPKI(t, "sm2")
	pdf := sealed(t, "sm2")
	later := pki.Leaf.NotAfter.Add(24 * time.Hour)
	v := newVerifier(t, nil, later, pki.Root)
	r := expectInvalid(t, v, pdf, ReasonCertExpired)
	if s := r.Signatures[0]; !s.ChainTrusted || !s.IntegrityValid {
		t.Errorf("unexpected signature report:\n%s", dump(r))
	}
	// signed before the certificate began
	early := fill(t, buildUnsigned(t, testDoc{}, testNow), leafSigner(pki), pki.Leaf.NotBefore.Add(-time.Hour))
	expectInvalid(t, newVerifier(t, nil, testNow, pki.Root), early, ReasonCertNotYetValid)
}

func TestRegistry(t *testing.T) {
	pki := testPKI(t, "p256")
	pdf := sealed(t, "p256")
	cases := []struct {
		name   string
		reg    mapRegistry
		want   Reason
		status string
	}{
		{"unknown", mapRegistry{}, ReasonCodeUnknown, RegistryUnknown},
		{"superseded", registryFor(pdf, model.DocSuperseded), ReasonDocumentSuperseded, RegistrySuperseded},
		{"withdrawn", registryFor(pdf, model.DocWithdrawn), ReasonDocumentWithdrawn, RegistryWithdrawn},
		{"digest", registryFor([]byte("another file"), model.DocValid), ReasonRegistryDigestMismatch, RegistryValid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := expectInvalid(t, newVerifier(t, c.reg, testNow, pki.Root), pdf, c.want)
			if r.Document.RegistryStatus != c.status {
				t.Errorf("registry_status = %q, want %q", r.Document.RegistryStatus, c.status)
			}
			if !r.Signatures[0].Valid {
				t.Errorf("the signature itself should stay valid: %v", r.Signatures[0].Errors)
			}
		})
	}
	// no code in the file: nothing to look up, no registry error
	plain := fill(t, buildUnsigned(t, testDoc{}, testNow), leafSigner(pki), testNow)
	r := newVerifier(t, mapRegistry{}, testNow, pki.Root).Verify(context.Background(), plain)
	if !r.Valid || r.Document.Code != "" || r.Document.RegistryStatus != RegistryNotChecked {
		t.Errorf("third-party style file: valid=%v code=%q status=%q %v", r.Valid, r.Document.Code, r.Document.RegistryStatus, reasons(r))
	}
}

func TestReportJSONShape(t *testing.T) {
	pdf := sealed(t, "sm2")
	r := newVerifier(t, nil, testNow, testPKI(t, "sm2").Root).Verify(context.Background(), pdf)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"valid", "signatures", "document", "errors", "checked_at", "revisions"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	sig := m["signatures"].([]any)[0].(map[string]any)
	for _, k := range []string{"field", "algorithm", "signer", "covers_whole_document", "chain_trusted", "revocation", "modified_after_signing", "signed_at", "level", "errors"} {
		if _, ok := sig[k]; !ok {
			t.Errorf("signature lacks %q", k)
		}
	}
	doc := m["document"].(map[string]any)
	for _, k := range []string{"code", "registry_status", "sha256"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("document lacks %q", k)
		}
	}
	rev := m["revisions"].([]any)
	if len(rev) != 1 {
		t.Fatalf("revisions: %v", rev)
	}
	for _, k := range []string{"index", "end_offset", "signatures", "changes"} {
		if _, ok := rev[0].(map[string]any)[k]; !ok {
			t.Errorf("revision lacks %q", k)
		}
	}
	if string(b[:1]) != "{" || strings.Contains(string(b), `"errors":null`) || strings.Contains(string(b), `"changes":null`) {
		t.Errorf("errors must encode as []: %s", b)
	}
}

func TestTooLarge(t *testing.T) {
	pdf := sealed(t, "sm2")
	v := New(Options{MaxSize: int64(len(pdf) - 1)})
	expectInvalid(t, v, pdf, ReasonTooLarge)
}

// TestConcurrentVerify shares one Verifier (and its chain cache) between
// goroutines; run with -race to check the sharing.
func TestConcurrentVerify(t *testing.T) {
	sm2, p256 := testPKI(t, "sm2"), testPKI(t, "p256")
	files := [][]byte{sealed(t, "sm2"), sealed(t, "p256")}
	v := New(Options{Roots: []*smx509.Certificate{sm2.Root, p256.Root}, Now: func() time.Time { return testNow }, ChainCacheSize: 1})
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				if r := v.Verify(context.Background(), files[(g+i)%2]); !r.Valid {
					errs <- fmt.Sprint(reasons(r))
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
