package verifier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/model"
	"sihub/signer/pades"
	"sihub/signer/render"
)

// This file checks documents made by the real renderer and sealer.

var (
	rendererOnce sync.Once
	rendererVal  *render.Renderer
	rendererErr  error
)

func testRenderer(t testing.TB) *render.Renderer {
	t.Helper()
	rendererOnce.Do(func() {
		f, err := render.DefaultFont()
		if err != nil {
			rendererErr = err
			return
		}
		rendererVal = render.New(f)
	})
	if rendererErr != nil {
		t.Fatal(rendererErr)
	}
	return rendererVal
}

const renderedCode = "K7Q2M9XR4TZ8HW3C5N6P"

// renderedCertificate renders and seals an insurance certificate with one
// seal per algorithm.
func renderedCertificate(t testing.TB, algs ...string) []byte {
	t.Helper()
	prep, sealers := renderedPrepared(t, algs...)
	pdf, err := pades.Seal(prep, sealers)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// renderedPrepared renders an insurance certificate with one signature
// field per algorithm and returns it unsealed, with its sealers.
func renderedPrepared(t testing.TB, algs ...string) (*pades.Prepared, []pades.Sealer) {
	t.Helper()
	cst := time.FixedZone("CST", 8*3600)
	printed := testNow.In(cst)
	c := &render.InsuranceCertificate{
		Agency: "青岛市社会保险事业中心", Region: "山东省青岛市",
		Number: "SB3702-20260314-000123", Code: renderedCode, CodeGrouped: "K7Q2-M9XR-4TZ8-HW3C-5N6P",
		VerifyURL: "http://127.0.0.1:8080/v", QRText: "http://127.0.0.1:8080/v/" + renderedCode,
		PrintedAt: printed, ValidUntil: printed.AddDate(0, 3, 0),
		Name: "张伟", Sex: "男", PersonID: "110105199003071239", UnitName: "青岛海纳智能科技有限公司",
		Statuses: []render.InsuranceStatus{
			{Type: "110", TypeName: "企业职工基本养老保险", Status: "参保缴费", Since: "2012-07", UnitName: "青岛海纳智能科技有限公司"},
		},
		ConsecutiveMonths: 24,
		Seal:              render.SealImage{Agency: "青岛市社会保险事业中心", Name: "业务专用章"},
	}
	for i := 0; i < 24; i++ {
		c.Months = append(c.Months, render.MonthRow{
			Month:       printed.AddDate(0, i-24, 0).Format("2006-01"),
			PensionBase: 812345, PensionPersonal: 64987, Status: "已实缴", UnitName: "青岛海纳智能科技有限公司",
		})
	}
	var sigs []render.Signature
	var sealers []pades.Sealer
	for _, alg := range algs {
		pki := testPKI(t, alg)
		info := pades.SigInfo{Name: "业务专用章", Reason: "参保证明", Location: "山东省青岛市", Time: testNow}
		sigs = append(sigs, render.Signature{Info: info})
		sealers = append(sealers, pades.Sealer{Key: pki.LeafKey, Certificate: pki.Leaf, Chain: pki.Chain(), Info: info})
	}
	prep, err := testRenderer(t).InsuranceCertificate(c, render.Options{Signatures: sigs})
	if err != nil {
		t.Fatal(err)
	}
	return prep, sealers
}

// renderedRegistry is a registry holding the rendered certificate pdf.
func renderedRegistry(pdf []byte) mapRegistry {
	sum := sha256.Sum256(pdf)
	return mapRegistry{renderedCode: {Code: renderedCode, Number: "SB3702-20260314-000123", Kind: "insurance-certificate",
		Subject: "110105199003071239", SHA256: hex.EncodeToString(sum[:]), Status: model.DocValid}}
}

func TestRenderedAndSealed(t *testing.T) {
	for _, algs := range [][]string{{"sm2"}, {"p256"}, {"sm2", "p256"}} {
		name := algs[0]
		if len(algs) > 1 {
			name = "sm2+p256"
		}
		t.Run(name, func(t *testing.T) {
			pdf := renderedCertificate(t, algs...)
			reg := renderedRegistry(pdf)
			var roots []*smx509.Certificate
			for _, a := range algs {
				roots = append(roots, testPKI(t, a).Root)
			}
			v := newVerifier(t, reg, testNow.Add(time.Hour), roots...)
			r := v.Verify(context.Background(), pdf)
			if !r.Valid {
				t.Fatalf("not valid: %v\n%s", reasons(r), dump(r))
			}
			if len(r.Signatures) != len(algs) || r.Document.Code != renderedCode || r.Document.RegistryStatus != RegistryValid {
				t.Errorf("report:\n%s", dump(r))
			}
			// an appended update rewriting the document information
			// dictionary is caught, and the signed code still reported
			tampered := append(append([]byte(nil), pdf...), []byte("\n99 0 obj\n(x)\nendobj\n")...)
			r = expectInvalid(t, v, tampered, ReasonModifiedAfterSigning, ReasonNotWholeDocument)
			if r.Document.Code != renderedCode {
				t.Errorf("code %q", r.Document.Code)
			}
		})
	}
}
