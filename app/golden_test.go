package app

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"sihub/internal/imgdiff"
	"sihub/internal/testutil"
	"sihub/signer"
	"sihub/signer/render"
)

// Golden images: every kind is issued from the demo data with a fixed
// clock and a fixed random source, rendered with pdftoppm at 50 dpi, and
// its first and last pages compared with the references in
// testdata/golden. SIHUB_UPDATE_GOLDEN=1 rewrites the references; a
// failing comparison leaves the rendering and a diff image (differences
// red, masked area blue) in a directory it names.

// goldenDPI keeps the reference images small (30–60 KB a page).
const goldenDPI = 50

// seededReader is a deterministic byte stream: SHA-256 of a seed and a
// block counter. reset starts it over for the next document, so each
// document's code and file identifier depend only on its own seed,
// however many bytes the previous one's signatures drew.
type seededReader struct {
	seed [32]byte
	ctr  uint64
	buf  []byte
}

func (r *seededReader) reset(seed string) {
	r.seed, r.ctr, r.buf = sha256.Sum256([]byte(seed)), 0, nil
}

func (r *seededReader) Read(p []byte) (int, error) {
	for n := 0; n < len(p); {
		if len(r.buf) == 0 {
			var blk [40]byte
			copy(blk[:], r.seed[:])
			binary.BigEndian.PutUint64(blk[32:], r.ctr)
			r.ctr++
			s := sha256.Sum256(blk[:])
			r.buf = s[:]
		}
		c := copy(p[n:], r.buf)
		r.buf, n = r.buf[c:], n+c
	}
	return len(p), nil
}

// qrMask is the area of page 1 that holds the QR code, in pixels at
// goldenDPI: the QR carries a token signed with the instance's freshly
// generated seal key, so it differs on every run. The layout puts the
// 30 mm code against the right margin under the title's rule, which a
// subtitle moves down by 17 pt; the rectangle covers both positions with
// 3 pt to spare.
func qrMask() image.Rectangle {
	const (
		marginX = 56.69 // render's side margin
		qr      = 30 / 25.4 * 72
		top     = 48 + 18 + 12 + 8 // page margin, title, rule gap, gap to the QR
		sub     = 17               // a subtitle's extra height
		pad     = 3
	)
	px := func(pt float64) int { return int(pt * goldenDPI / 72) }
	return image.Rect(px(render.PageWidth-marginX-qr-pad), px(top-pad), px(render.PageWidth-marginX+pad)+1, px(top+sub+qr+pad)+1)
}

type goldenCase struct {
	name string
	req  signer.IssueRequest
}

var goldenCases = []goldenCase{
	{"insurance-certificate-zh", signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID}},
	{"insurance-certificate-en", signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Lang: "en"}},
	{"insurance-certificate-zh-en", signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Lang: "zh,en"}},
	{"unit-insurance-certificate", signer.IssueRequest{Kind: signer.KindUnitInsuranceCertificate, Subject: DemoUnitCode}},
	{"receipt", signer.IssueRequest{Kind: signer.KindReceipt, Application: DemoApplicationReceived}},
	{"result-notice-finished", signer.IssueRequest{Kind: signer.KindResultNotice, Application: DemoApplicationFinished}},
	{"result-notice-refused", signer.IssueRequest{Kind: signer.KindResultNotice, Application: DemoApplicationRefused}},
	{"transfer-voucher", signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: DemoPersonID}},
	{"rights-record", signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: DemoPersonID, Year: 2025}},
	{"benefit-details", signer.IssueRequest{Kind: signer.KindBenefitDetails, Subject: DemoRetireeID, Year: 2025}},
	{"overseas-exemption", signer.IssueRequest{Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "DE", PostedFrom: "2027-01-01"}},
	// The documents people take abroad, in the other languages they are
	// written in (appended: numbers are allocated in this order).
	{"overseas-exemption-zh-en", signer.IssueRequest{Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "ES", PostedFrom: "2027-01-01", Lang: "zh,en"}},
	{"transfer-voucher-en", signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: DemoPersonID, Lang: "en"}},
}

// TestGoldenImages compares the first and last page of every kind with
// its reference rendering.
func TestGoldenImages(t *testing.T) {
	testutil.NeedTool(t, "pdftoppm")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = clock })
	defer a.Close()
	font, err := render.DefaultFont()
	if err != nil {
		t.Fatal(err)
	}
	// A Service of its own over the app's store and PKI: the app's Issuer
	// draws its randomness from crypto/rand. Without LTV services it seals
	// at B-B, which changes nothing that is drawn.
	rnd := &seededReader{}
	svc, err := signer.NewService(signer.Config{
		Agency: a.Config.Agency, Region: a.Config.Region, RegionName: a.Config.RegionName, PublicURL: a.Config.PublicURL,
		Validity: a.Config.Validity, Now: clock, Rand: rnd,
	}, a.Store, a.Store, a.Store, a.PKI, render.New(font))
	if err != nil {
		t.Fatal(err)
	}

	// Issue everything first, in a fixed order: document numbers come from
	// per-kind counters, so running one case alone must not change them.
	ctx := context.Background()
	pdfs := make([][]byte, len(goldenCases))
	for i, gc := range goldenCases {
		rnd.reset(gc.name)
		iss, err := svc.Issue(ctx, gc.req)
		if err != nil {
			t.Fatalf("%s: %v", gc.name, err)
		}
		pdfs[i] = iss.PDF
	}

	update := os.Getenv("SIHUB_UPDATE_GOLDEN") == "1"
	dir := filepath.Join("testdata", "golden")
	var outDir string // renderings and diffs of failed comparisons
	for i, gc := range goldenCases {
		t.Run(gc.name, func(t *testing.T) {
			pages := renderPages(t, pdfs[i])
			checkQRMasked(t, pages[0])
			got := map[string][]byte{gc.name + "-p1.png": pages[0]}
			if n := len(pages); n > 1 {
				got[fmt.Sprintf("%s-p%d.png", gc.name, n)] = pages[n-1]
			}
			refs, _ := filepath.Glob(filepath.Join(dir, gc.name+"-p*.png"))
			var changed []string
			for _, file := range sortedKeys(got) {
				opts := imgdiff.Options{}
				if strings.HasSuffix(file, "-p1.png") {
					opts.Masks = []image.Rectangle{qrMask()}
				}
				if update {
					strict := opts
					strict.MaxFraction = -1 // an update rewrites a page that changed at all
					if compareGolden(t, filepath.Join(dir, file), got[file], strict) != "" {
						changed = append(changed, file)
					}
				}
				msg := compareGolden(t, filepath.Join(dir, file), got[file], opts)
				if msg != "" && !update {
					if outDir == "" {
						outDir, _ = os.MkdirTemp("", "sihub-golden-")
					}
					t.Errorf("%s: %s", file, msg+"; "+keepFailure(t, outDir, file, got[file], filepath.Join(dir, file), opts))
				}
			}
			switch {
			case update && (len(changed) > 0 || len(refs) != len(got)):
				// Only pages that changed are rewritten: a reference that
				// still matches keeps its bytes (its QR code differs).
				writeGolden(t, dir, gc.name, got, changed)
			case !update && len(refs) != len(got):
				t.Errorf("%d pages rendered for %d references %v: the page count changed (SIHUB_UPDATE_GOLDEN=1 rewrites them)", len(pages), len(refs), refs)
			}
		})
	}
}

// TestGoldenToleranceCatchesAnotherDocument checks the comparison is
// strict enough to tell two documents apart: the English certificate
// does not pass for the Chinese one, nor the refused notice for the
// finished one, though they share the layout and most of the data.
func TestGoldenToleranceCatchesAnotherDocument(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	for _, pair := range [][2]string{
		{"insurance-certificate-zh-p1.png", "insurance-certificate-en-p1.png"},
		{"result-notice-finished-p1.png", "result-notice-refused-p1.png"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, pair[1]))
		if err != nil {
			t.Fatal(err)
		}
		if msg := compareGolden(t, filepath.Join(dir, pair[0]), b, imgdiff.Options{Masks: []image.Rectangle{qrMask()}}); msg == "" {
			t.Errorf("%s passes for %s", pair[1], pair[0])
		}
	}
}

// checkQRMasked fails unless the QR mask holds the QR code: about half
// of a QR's modules are dark, and nothing else is drawn there.
func checkQRMasked(t *testing.T, page1 []byte) {
	t.Helper()
	img, err := imgdiff.Decode(page1)
	if err != nil {
		t.Fatal(err)
	}
	m := qrMask()
	dark := 0
	for y := m.Min.Y; y < m.Max.Y; y++ {
		for x := m.Min.X; x < m.Max.X; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r+g+b < 3*0x8000 {
				dark++
			}
		}
	}
	// The 30 mm code is 59 pixels square at 50 dpi: 3,481 pixels, about
	// 40 % of the mask.
	if n := m.Dx() * m.Dy(); dark < n/8 || dark > n/2 {
		t.Errorf("the QR mask %v holds %d dark pixels of %d: it has lost the QR code", m, dark, n)
	}
}

// renderPages renders every page of pdf at goldenDPI and returns the
// PNG files in page order.
func renderPages(t *testing.T, pdf []byte) [][]byte {
	t.Helper()
	tmp := t.TempDir()
	in := testutil.WriteFile(t, tmp, "doc.pdf", pdf)
	if out, err := testutil.Run(t, "pdftoppm", "-r", fmt.Sprint(goldenDPI), "-png", in, filepath.Join(tmp, "page")); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(tmp, "page-*.png"))
	sort.Strings(files) // pdftoppm pads the numbers to the same width
	if len(files) == 0 {
		t.Fatal("pdftoppm wrote no page")
	}
	var pages [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, b)
	}
	return pages
}

// compareGolden returns why got does not match the reference file, or "".
func compareGolden(t *testing.T, ref string, got []byte, opts imgdiff.Options) string {
	t.Helper()
	wantB, err := os.ReadFile(ref)
	if err != nil {
		return fmt.Sprintf("no reference (%v); SIHUB_UPDATE_GOLDEN=1 writes it", err)
	}
	want, err := imgdiff.Decode(wantB)
	if err != nil {
		t.Fatalf("reference %s: %v", ref, err)
	}
	img, err := imgdiff.Decode(got)
	if err != nil {
		t.Fatalf("rendering: %v", err)
	}
	res, err := imgdiff.Compare(want, img, opts)
	if err != nil {
		return err.Error()
	}
	if !res.Match {
		return res.String()
	}
	return ""
}

// keepFailure writes the rendering and, when the sizes agree, the diff
// image to dir and says where they are.
func keepFailure(t *testing.T, dir, file string, got []byte, ref string, opts imgdiff.Options) string {
	t.Helper()
	base := strings.TrimSuffix(file, ".png")
	gotPath := filepath.Join(dir, base+".got.png")
	if err := os.WriteFile(gotPath, got, 0o600); err != nil {
		return "cannot keep the rendering: " + err.Error()
	}
	msg := "rendering " + gotPath
	wantB, err1 := os.ReadFile(ref)
	want, err2 := imgdiff.Decode(wantB)
	img, err3 := imgdiff.Decode(got)
	if err1 != nil || err2 != nil || err3 != nil {
		return msg
	}
	d, err := imgdiff.Diff(want, img, opts)
	if err != nil {
		return msg
	}
	b, err := imgdiff.EncodePNG(d)
	if err != nil {
		return msg
	}
	diffPath := filepath.Join(dir, base+".diff.png")
	if err := os.WriteFile(diffPath, b, 0o600); err != nil {
		return msg
	}
	return msg + ", diff " + diffPath
}

// writeGolden writes the changed (or new) pages of name and removes
// references of pages the document no longer has.
func writeGolden(t *testing.T, dir, name string, got map[string][]byte, changed []string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, name+"-p*.png"))
	removed := 0
	for _, f := range old {
		if _, keep := got[filepath.Base(f)]; keep {
			continue
		}
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
		removed++
	}
	for _, f := range changed {
		if err := os.WriteFile(filepath.Join(dir, f), got[f], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%s: wrote %v, removed %d stale pages", name, changed, removed)
}

func sortedKeys(m map[string][]byte) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
