package render

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sihub/signer/pades"
)

var (
	testRendererOnce sync.Once
	testRenderer     *Renderer
)

func renderer(t testing.TB) *Renderer {
	t.Helper()
	testRendererOnce.Do(func() {
		f, err := DefaultFont()
		if err != nil {
			panic(err)
		}
		testRenderer = New(f)
	})
	return testRenderer
}

var cst = time.FixedZone("CST", 8*3600)

// sampleCertificate is a realistic certificate with n months.
func sampleCertificate(n int) *InsuranceCertificate {
	printed := time.Date(2026, 11, 28, 10, 30, 0, 0, cst)
	c := &InsuranceCertificate{
		Agency:      "青岛市社会保险事业中心",
		Region:      "山东省青岛市",
		Number:      "SB3702-20261128-000123",
		Code:        "K7Q2M9XR4TZ8HW3C5N6P",
		CodeGrouped: "K7Q2-M9XR-4TZ8-HW3C-5N6P",
		VerifyURL:   "http://127.0.0.1:8080/v",
		QRText: "http://127.0.0.1:8080/v/K7Q2M9XR4TZ8HW3C5N6P?t=eyJrIjoiSzdRMk05WFI0VFo4SFczQzVONlAiLCJuIjoiU0IzNzAyLTIwMjYxMTI4LTAwMDEyMyIsImUiOjE3OTYwMDAwMDB9." +
			"MEUCIQDx3mYk0aJ8fQ2r7L1nqV9wXcZtB5sH6gUeKpNy4oRjAiB2",
		PrintedAt:  printed,
		ValidUntil: printed.AddDate(0, 3, 0),
		Name:       "张伟",
		Sex:        "男",
		PersonID:   "110105199003071239",
		UnitName:   "青岛海纳智能科技有限公司",
		Statuses: []InsuranceStatus{
			{Type: "110", TypeName: "企业职工基本养老保险", Status: "参保缴费", Since: "2012-07", UnitName: "青岛海纳智能科技有限公司"},
			{Type: "310", TypeName: "职工基本医疗保险", Status: "参保缴费", Since: "2012-07", UnitName: "青岛海纳智能科技有限公司"},
			{Type: "210", TypeName: "失业保险", Status: "参保缴费", Since: "2012-07", UnitName: "青岛海纳智能科技有限公司"},
			{Type: "410", TypeName: "工伤保险", Status: "参保缴费", Since: "2015-03", UnitName: "青岛海纳智能科技有限公司"},
		},
		ConsecutiveMonths: 41,
		Notes: []string{
			"本证明仅证明参保人在本统筹区的参保缴费情况，涂改无效。",
			"缴费状态“已实缴”表示该月费用已足额到账；“欠缴”表示该月尚未缴费。",
			"如对本证明有疑问，请携带本人身份证件到参保地社会保险经办机构咨询。",
		},
		Seal: SealImage{Agency: "青岛市社会保险事业中心", Name: "业务专用章"},
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, cst).AddDate(0, -n, 0)
	for i := 0; i < n; i++ {
		base := int64(812345 + 1000*(i/12))
		c.Months = append(c.Months, MonthRow{
			Month:       start.AddDate(0, i, 0).Format("2006-01"),
			PensionBase: base, PensionPersonal: base * 8 / 100,
			MedicalBase: base, MedicalPersonal: base * 2 / 100,
			UnemploymentBase: base, UnemploymentPersonal: base * 5 / 1000,
			Status: "已实缴", UnitName: "青岛海纳智能科技有限公司",
		})
	}
	return c
}

func sampleOptions(n int) Options {
	o := Options{Rand: bytes.NewReader(make([]byte, 16))}
	for i := 0; i < n; i++ {
		o.Signatures = append(o.Signatures, Signature{Info: pades.SigInfo{
			Name: "业务专用章", Reason: "参保证明", Location: "山东省青岛市",
			Time: time.Date(2026, 11, 28, 10, 30, 0, 0, cst),
		}})
	}
	return o
}

// tool returns the path of an external program; outside CI a missing one
// skips the test.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(tool(t, name), args...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v\n%s%s", name, args, err, out, msg)
	}
	return out
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWriteSample writes a sample certificate and its PNG preview to
// $SIHUB_SAMPLE_DIR when set, for looking at the layout.
func TestWriteSample(t *testing.T) {
	dir := os.Getenv("SIHUB_SAMPLE_DIR")
	if dir == "" {
		t.Skip("SIHUB_SAMPLE_DIR not set")
	}
	for _, n := range []int{24, 60, -24} {
		c := sampleCertificate(max(n, -n))
		if n < 0 {
			c.Lang = "en"
			c.Name, c.Sex, c.Agency = "ZHANG Wei", "Male", "Qingdao Social Insurance Center"
		}
		p, err := renderer(t).InsuranceCertificate(c, sampleOptions(2))
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprintf("sample%d.pdf", n))
		os.WriteFile(f, p.PDF, 0o644)
		run(t, "pdftoppm", "-r", "60", "-png", f, filepath.Join(dir, fmt.Sprintf("sample%d", n)))
	}
}
