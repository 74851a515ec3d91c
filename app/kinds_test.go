package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sihub/internal/testutil"
	"sihub/model"
	"sihub/signer"
)

// TestIssueEveryKind issues each document kind from the demo data, checks
// the registry entry follows the kind's validity and verification window,
// verifies the PDF, checks its structure with qpdf and reads its text
// back with pdftotext.
func TestIssueEveryKind(t *testing.T) {
	testutil.NeedTool(t, "pdftotext")
	testutil.NeedTool(t, "qpdf")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	// The Suzhou unit owes two months for its employee.
	const suzhou = "91320594088254610W"
	var owed []model.Contribution
	for _, m := range []string{"2026-09", "2026-10"} {
		owed = append(owed, model.Contribution{PersonID: DemoPerson2ID, Month: m, Type: model.InsPensionEnterprise,
			Base: 700000, Employer: 112000, Personal: 56000, UnitCode: suzhou})
	}
	if err := a.Store.PutContributions(ctx, owed); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		req    signer.IssueRequest
		prefix string
		want   []string
		not    []string
		until  string // YYYY-MM-DD: the document ends before its kind's validity
	}{
		{"person certificate, bilingual", signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Lang: "en,zh"},
			"CBZM-", []string{"社会保险个人参保证明", "Social Insurance Certificate (Individual)", "Name", DemoPersonName, "/ Page 1 of"}, nil, ""},
		{"unit certificate, paying", signer.IssueRequest{Kind: signer.KindUnitInsuranceCertificate, Subject: DemoUnitCode},
			"DWCB-", []string{"社会保险单位参保证明", DemoUnitName, DemoUnitCode, "正常缴费", "参保缴费职工共 1 人", "无欠费"}, []string{"欠费金额合计"}, ""},
		{"unit certificate, in arrears", signer.IssueRequest{Kind: signer.KindUnitInsuranceCertificate, Subject: suzhou},
			"DWCB-", []string{"苏州示范制造有限公司", "欠费", "有 2 个月存在欠费", "欠费金额合计", "3360.00"}, nil, ""},
		{"receipt", signer.IssueRequest{Kind: signer.KindReceipt, Application: DemoApplicationReceived},
			"SLTZ-", []string{"社会保险业务受理通知单", DemoApplicationReceived, "基本养老保险关系转移接续", "LD/T 01-2020 5.4.3 b)",
				"基本养老保险关系转移接续申请表", "承诺办结日期", "2026年12月17日", DemoPersonName}, nil, ""},
		{"result notice, finished", signer.IssueRequest{Kind: signer.KindResultNotice, Subject: DemoPersonID, Application: DemoApplicationFinished},
			"JGGZ-", []string{"社会保险业务结果告知单", "已办结", "已出具境外社会保险免缴证明", "经办员 王敏"}, []string{"不予办理理由"}, ""},
		{"result notice, refused", signer.IssueRequest{Kind: signer.KindResultNotice, Application: DemoApplicationRefused},
			"JGGZ-", []string{"不予办理", "不予办理理由", "营业执照副本与统一社会信用代码不一致", DemoUnitName, "行政复议"}, nil, ""},
		{"transfer voucher", signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: DemoPersonID},
			"ZYPZ-", []string{"基本养老保险参保缴费凭证", "江苏（320594）", "北京（110108）", "2013-07", "2021-02", "2021-03",
				"个人账户累计储存额", "2025年12月31日", "92", "68", "160"}, nil, ""},
		{"transfer voucher, English", signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: DemoPersonID, Lang: "en"},
			"ZYPZ-", []string{"Basic Pension Insurance Contribution Voucher", "Account balance", "Insured periods by region", DemoPersonName, "31 December 2025", "Page 1 of"},
			[]string{"个人账户累计储存额", "第 1 页"}, ""},
		{"benefit details", signer.IssueRequest{Kind: signer.KindBenefitDetails, Subject: DemoRetireeID},
			"DYMX-", []string{"社会保险待遇享受明细", DemoRetireeName, "基础养老金", "个人账户养老金", "2025-12", "2026-11", "享受月数"}, []string{"2025-11"}, ""},
		{"benefit details of a year", signer.IssueRequest{Kind: signer.KindBenefitDetails, Subject: DemoRetireeID, Year: 2025},
			"DYMX-", []string{"2025-01", "2025-12", "2025年01月至2025年12月"}, []string{"2026-01"}, ""},
		{"exemption, Germany", signer.IssueRequest{Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "DE", PostedFrom: "2027-01-01"},
			"JWMJ-", []string{"境外社会保险免缴证明", "德国", "企业职工基本养老保险", "失业保险", "2027年01月01日", "2030年12月31日", "社会保险协定", DemoUnitName},
			[]string{"职工基本医疗保险"}, "2030-12-31"},
		{"exemption, Korea, English", signer.IssueRequest{Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "korea", Lang: "en"},
			"JWMJ-", []string{"Certificate of Coverage", "Korea", "Basic pension (employees)", DemoPersonName, DemoUnitName},
			[]string{"Unemployment", "境外社会保险免缴证明"}, ""},
		{"exemption, Spain, bilingual", signer.IssueRequest{Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "西班牙", Lang: "zh,en", PostedTo: "2027-06-30"},
			"JWMJ-", []string{"境外社会保险免缴证明", "Certificate of Coverage", "西班牙 Spain", "失业保险 Unemployment insurance", "Country of posting", "2027年06月30日", "30 June 2027", "110105199003071239", "91110108MA01ABCD5T"}, nil, "2027-06-30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iss, err := a.Issuer.Issue(ctx, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			d := iss.Document
			if !strings.HasPrefix(d.Number, tc.prefix+"2026-") || d.Kind != tc.req.Kind || d.Status != model.DocValid {
				t.Errorf("document %s of kind %s, status %s", d.Number, d.Kind, d.Status)
			}
			kc, _ := a.Issuer.KindConfig(tc.req.Kind)
			cst := time.FixedZone("CST", 8*3600)
			want := endOfDayIn(now.Add(kc.Validity), cst)
			if tc.until != "" {
				end, _ := time.ParseInLocation("2006-01-02", tc.until, cst)
				want = endOfDayIn(end, cst)
			}
			if !d.ValidUntil.Equal(want) {
				t.Errorf("valid until %s, want %s (validity %s)", d.ValidUntil, want, kc.Validity)
			}
			if want := endOfDayIn(now.Add(kc.VerifyWindow), cst); !d.VerifyUntil.Equal(want) {
				t.Errorf("verifiable until %s, want %s (window %s)", d.VerifyUntil, want, kc.VerifyWindow)
			}
			stored, err := a.Store.DocumentByCode(ctx, d.Code)
			if err != nil || !stored.VerifyUntil.Equal(d.VerifyUntil) || stored.Subject != d.Subject {
				t.Errorf("registry entry %+v: %v", stored, err)
			}
			if r := a.Verifier.Verify(ctx, iss.PDF); !r.Valid {
				t.Fatalf("fresh %s not valid: %+v", tc.req.Kind, r.Errors)
			}
			file := testutil.WriteFile(t, t.TempDir(), "doc.pdf", iss.PDF)
			if out, err := testutil.Run(t, "qpdf", "--check", file); err != nil {
				t.Errorf("qpdf --check: %v\n%s", err, out)
			}
			txt, err := testutil.Run(t, "pdftotext", "-layout", file, "-")
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			for _, w := range append(tc.want, d.Number) {
				if !strings.Contains(txt, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(txt, w) {
					t.Errorf("text has %q", w)
				}
			}
			if t.Failed() {
				t.Logf("text:\n%s", txt)
			}
		})
	}
}

func endOfDayIn(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 23, 59, 59, 0, loc)
}

// TestIssueKindsRefuse checks each kind refuses what it cannot certify,
// storing nothing.
func TestIssueKindsRefuse(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	for name, req := range map[string]signer.IssueRequest{
		"receipt in English":                        {Kind: signer.KindReceipt, Application: DemoApplicationReceived, Lang: "en"},
		"receipt without application":               {Kind: signer.KindReceipt, Subject: DemoPersonID},
		"receipt of an unknown application":         {Kind: signer.KindReceipt, Application: "SL99999999"},
		"receipt of another's application":          {Kind: signer.KindReceipt, Subject: DemoPerson2ID, Application: DemoApplicationReceived},
		"result of an application in review":        {Kind: signer.KindResultNotice, Application: DemoApplicationReceived},
		"exemption without country":                 {Kind: signer.KindOverseasExemption, Subject: DemoPersonID},
		"exemption for a country without agreement": {Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "US"},
		"exemption longer than Germany allows":      {Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "DE", PostedFrom: "2027-01-01", PostedTo: "2031-01-01"},
		"exemption ending before it begins":         {Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "DE", PostedFrom: "2027-01-01", PostedTo: "2026-12-01"},
		"exemption for a retiree":                   {Kind: signer.KindOverseasExemption, Subject: DemoRetireeID, Country: "JP"},
		"benefits of a person without any":          {Kind: signer.KindBenefitDetails, Subject: DemoPersonID},
		"unit certificate of a person":              {Kind: signer.KindUnitInsuranceCertificate, Subject: DemoPersonID},
		"transfer voucher of a retiree":             {Kind: signer.KindTransferVoucher, Subject: DemoRetireeID},
		"language of no kind":                       {Kind: signer.KindTransferVoucher, Subject: DemoPersonID, Lang: "zh,fr"},
	} {
		if _, err := a.Issuer.Issue(ctx, req); !errors.Is(err, signer.ErrBadRequest) {
			t.Errorf("%s: err = %v, want ErrBadRequest", name, err)
		}
	}
	for _, s := range []string{DemoPersonID, DemoPerson2ID, DemoRetireeID, DemoUnitCode} {
		if docs, err := a.Store.DocumentsBySubject(ctx, s); err != nil || len(docs) != 0 {
			t.Errorf("refused requests stored %d documents of %s: %v", len(docs), s, err)
		}
	}
}

// TestReissueRepeatsTheInputs reissues an exemption certificate: the new
// one names the same country and period.
func TestReissueRepeatsTheInputs(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	ctx := context.Background()
	first, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "FI", PostedTo: time.Now().AddDate(1, 0, 0).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	again, err := a.Issuer.Reissue(ctx, a.Store, first.Document.Code, "test")
	if err != nil {
		t.Fatal(err)
	}
	if again.Document.Params["country"] != "FI" || again.Document.Params["posted_to"] != first.Document.Params["posted_to"] {
		t.Errorf("reissued with params %v, first %v", again.Document.Params, first.Document.Params)
	}
}

// TestSyntheticApplicationsAreIssuable seeds synthetic persons and issues
// the acceptance notice of one of their applications.
func TestSyntheticApplicationsAreIssuable(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	res, err := SeedSynthetic(ctx, a.Store, 30, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applications != 3 {
		t.Fatalf("%d applications for 30 persons, want one in ten", res.Applications)
	}
	app, err := a.Store.Application(ctx, "SY00700000")
	if err != nil {
		t.Fatal(err)
	}
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindReceipt, Application: app.ID})
	if err != nil {
		t.Fatal(err)
	}
	if iss.Document.Subject != app.Applicant || iss.Document.SubjectName != app.ApplicantName {
		t.Errorf("receipt filed under %s %s, want the applicant %s %s", iss.Document.Subject, iss.Document.SubjectName, app.Applicant, app.ApplicantName)
	}
	if r := a.Verifier.Verify(ctx, iss.PDF); !r.Valid {
		t.Fatalf("receipt not valid: %+v", r.Errors)
	}
}
