package verifier

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/signer/pades"
	"sihub/signer/render"
	"sihub/verifier/pdfstruct"
)

// longSealedDocument renders a document of at least pages pages (dense
// tables that continue from page to page) with one signature field per
// algorithm and seals it: the first seal in the base revision, each further
// one in its own incremental update over the whole file so far.
func longSealedDocument(t testing.TB, pages int, algs ...string) []byte {
	t.Helper()
	printed := testNow.In(time.FixedZone("CST", 8*3600))
	doc := &render.Document{
		Title: "参保人员缴费明细", Agency: "青岛市社会保险事业中心", Region: "山东省青岛市",
		Number: "SB3702-20260314-000124", Code: renderedCode, CodeGrouped: "K7Q2-M9XR-4TZ8-HW3C-5N6P",
		VerifyURL: "http://127.0.0.1:8080/v", QRText: "http://127.0.0.1:8080/v/" + renderedCode,
		PrintedAt: printed,
		Seal:      render.SealImage{Agency: "青岛市社会保险事业中心", Name: "业务专用章"},
	}
	cols := []render.Column{{Title: "序号", Width: 1, Align: render.Right}, {Title: "缴费年月", Width: 2, Align: render.Center},
		{Title: "缴费基数", Width: 2, Align: render.Right}, {Title: "个人缴费", Width: 2, Align: render.Right},
		{Title: "缴费单位", Width: 5}}
	var sigs []render.Signature
	var sealers []pades.Sealer
	for _, alg := range algs {
		pki := testPKI(t, alg)
		info := pades.SigInfo{Name: "业务专用章", Reason: "缴费明细", Location: "山东省青岛市", Time: testNow}
		sigs = append(sigs, render.Signature{Info: info})
		sealers = append(sealers, pades.Sealer{Key: pki.LeafKey, Certificate: pki.Leaf, Chain: pki.Chain(), Info: info})
	}
	for range 50 { // tables of 100 rows until the document is long enough
		tbl := &render.Table{Heading: fmt.Sprintf("第 %d 部分", len(doc.Blocks)+1), Columns: cols, Dense: true}
		for i := range 100 {
			tbl.Rows = append(tbl.Rows, []string{fmt.Sprint(i + 1), printed.AddDate(0, -i, 0).Format("2006-01"),
				"8123.45", "649.88", "青岛海纳智能科技有限公司"})
		}
		doc.Blocks = append(doc.Blocks, tbl)
		if len(doc.Blocks) < pages/3 { // a table of 100 rows fills about two pages
			continue
		}
		prep, err := testRenderer(t).Document(doc, render.Options{Signatures: sigs})
		if err != nil {
			t.Fatal(err)
		}
		n, err := pageCount(prep.PDF)
		if err != nil {
			t.Fatal(err)
		}
		if n < pages {
			continue
		}
		pdf, err := pades.Seal(prep, sealers)
		if err != nil {
			t.Fatal(err)
		}
		return pdf
	}
	t.Fatalf("no document of %d pages from %d tables", pages, len(doc.Blocks))
	return nil
}

// BenchmarkVerify50Pages5Signatures verifies a 50-page document carrying
// five seals (p256, sm2, p256, sm2, p256), four of them in incremental
// updates: structure, five signatures and chains, and the revision
// analysis of every update. Issue 5 asks for under 200 ms.
func BenchmarkVerify50Pages5Signatures(b *testing.B) {
	algs := []string{"p256", "sm2", "p256", "sm2", "p256"}
	pdf := longSealedDocument(b, 50, algs...)
	v := New(Options{Roots: []*smx509.Certificate{testPKI(b, "p256").Root, testPKI(b, "sm2").Root}, Now: func() time.Time { return testNow }})
	r := v.Verify(context.Background(), pdf)
	if !r.Valid || len(r.Signatures) != len(algs) {
		b.Fatalf("benchmark file: valid %v with %d signatures: %v", r.Valid, len(r.Signatures), reasons(r))
	}
	n, _ := pageCount(pdf)
	b.Logf("%d pages, %d bytes, %d signatures", n, len(pdf), len(r.Signatures))
	b.SetBytes(int64(len(pdf)))
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if r := v.Verify(context.Background(), pdf); !r.Valid {
			b.Fatal("not valid")
		}
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

// pageCount reads /Count of the document's page tree.
func pageCount(pdf []byte) (int, error) {
	f, err := pdfstruct.Open(context.Background(), pdf, pdfstruct.Limits{})
	if err != nil {
		return 0, err
	}
	cat, err := f.Catalog()
	if err != nil {
		return 0, err
	}
	pages, err := f.Resolve(cat["Pages"])
	if err != nil {
		return 0, err
	}
	d, ok := pages.(pdfstruct.Dict)
	if !ok {
		return 0, fmt.Errorf("page tree is %T", pages)
	}
	n, ok := d.Int("Count")
	if !ok {
		return 0, fmt.Errorf("page tree without /Count")
	}
	return int(n), nil
}
