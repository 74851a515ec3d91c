package storetest

import (
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func testApplications(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	_, err := s.Application(c, "SL2026000001")
	wantNotFound(t, "Application of a missing id", err)

	a := model.Application{ID: "SL2026000001", Item: "基本养老保险关系转移接续", Clause: "5.3.1",
		ProcessingType: model.ProcessCommitted, Applicant: "110105199003071239", ApplicantName: "张三",
		Channel: "网上服务大厅", Materials: []string{"居民身份证", "基本养老保险参保缴费凭证"},
		ReceivedAt: at(time.Hour).In(beijing), PromisedBy: at(15 * 24 * time.Hour), Status: model.AppReceived}
	must(t, "PutApplication", s.PutApplication(c, a))
	got, err := s.Application(c, a.ID)
	must(t, "Application", err)
	wantSame(t, "Application after PutApplication", got, a)

	decided := at(48 * time.Hour)
	a.Status, a.DecidedAt, a.Reason, a.Handler = model.AppRefused, &decided, "材料不全", "clerk"
	must(t, "PutApplication (replace)", s.PutApplication(c, a))
	got, err = s.Application(c, a.ID)
	must(t, "Application", err)
	wantSame(t, "Application after replacing", got, a)
}

func testBenefitPayments(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	got, err := s.BenefitPayments(c, "11010519491231002X", "2000-01", "2099-12")
	must(t, "BenefitPayments on an empty store", err)
	if len(got) != 0 {
		t.Errorf("BenefitPayments on an empty store = %+v", got)
	}
	pay := func(id, month, item string, amount int64) model.BenefitPayment {
		return model.BenefitPayment{PersonID: id, Month: month, Type: model.InsPensionEnterprise, Item: item, Amount: amount, PaidOn: month + "-15"}
	}
	const p1, p2 = "11010519491231002X", "110105199003071239"
	// Out of order, across two persons.
	must(t, "PutBenefitPayments", s.PutBenefitPayments(c, []model.BenefitPayment{
		pay(p1, "2026-03", "基础养老金", 300000), pay(p1, "2026-01", "个人账户养老金", 100000),
		pay(p1, "2026-01", "基础养老金", 290000), pay(p2, "2026-02", "基础养老金", 1),
		pay(p1, "2026-02", "基础养老金", 290000),
	}))
	// Replacing one keeps the count.
	must(t, "PutBenefitPayments (replace)", s.PutBenefitPayments(c, []model.BenefitPayment{pay(p1, "2026-02", "基础养老金", 295000)}))
	got, err = s.BenefitPayments(c, p1, "2026-01", "2026-02")
	must(t, "BenefitPayments", err)
	want := []model.BenefitPayment{pay(p1, "2026-01", "个人账户养老金", 100000), pay(p1, "2026-01", "基础养老金", 290000), pay(p1, "2026-02", "基础养老金", 295000)}
	wantSame(t, "BenefitPayments ordered by month then item, within the range", got, want)
	if err := s.PutBenefitPayments(c, []model.BenefitPayment{{PersonID: p1, Month: "2026-04"}}); err == nil {
		t.Error("PutBenefitPayments of a payment without item succeeded")
	}
}

func testUnitRecords(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	const u1, u2 = "91110108MA01ABCD5T", "91320594088254610W"
	const p1, p2, p3 = "110105199003071239", "310115198506120042", "440306200002290033"
	for _, in := range []model.Insurance{
		{PersonID: p2, Type: model.InsMedical, Status: model.InsStatusActive, Since: "2020-01", UnitCode: u1},
		{PersonID: p1, Type: model.InsPensionEnterprise, Status: model.InsStatusActive, Since: "2020-01", UnitCode: u1},
		{PersonID: p1, Type: model.InsMedical, Status: model.InsStatusSuspended, Since: "2020-01", UnitCode: u1},
		{PersonID: p3, Type: model.InsPensionEnterprise, Status: model.InsStatusActive, Since: "2020-01", UnitCode: u2},
	} {
		must(t, "PutInsurance", s.PutInsurance(c, in))
	}
	got, err := s.InsurancesOfUnit(c, u1)
	must(t, "InsurancesOfUnit", err)
	var keys []string
	for _, in := range got {
		keys = append(keys, in.PersonID+"/"+in.Type)
	}
	wantSame(t, "InsurancesOfUnit: the unit's enrolments by person then type", keys,
		[]string{p1 + "/" + model.InsPensionEnterprise, p1 + "/" + model.InsMedical, p2 + "/" + model.InsMedical})

	con := func(id, month, typ, unit string, paid bool) model.Contribution {
		return model.Contribution{PersonID: id, Month: month, Type: typ, Base: 500000, Employer: 80000, Personal: 40000, Paid: paid, UnitCode: unit}
	}
	must(t, "PutContributions", s.PutContributions(c, []model.Contribution{
		con(p2, "2026-02", model.InsMedical, u1, false), con(p1, "2026-02", model.InsPensionEnterprise, u1, false),
		con(p1, "2026-01", model.InsPensionEnterprise, u1, true), con(p1, "2025-12", model.InsPensionEnterprise, u1, false),
		con(p3, "2026-02", model.InsPensionEnterprise, u2, false), con(p1, "2026-03", model.InsPensionEnterprise, u1, false),
	}))
	unpaid, err := s.UnpaidContributionsOfUnit(c, u1, "2026-01", "2026-02")
	must(t, "UnpaidContributionsOfUnit", err)
	wantSame(t, "UnpaidContributionsOfUnit: the unit's unpaid months in range by month, person, type", unpaid,
		[]model.Contribution{con(p1, "2026-02", model.InsPensionEnterprise, u1, false), con(p2, "2026-02", model.InsMedical, u1, false)})
	none, err := s.InsurancesOfUnit(c, "121000004000102404")
	must(t, "InsurancesOfUnit of a unit without staff", err)
	if len(none) != 0 {
		t.Errorf("InsurancesOfUnit of a unit without staff = %+v", none)
	}
}

func testDocumentParams(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	d := document("110105199003071239", 1)
	d.Kind = "overseas-exemption"
	d.VerifyUntil = d.ValidUntil.Add(365 * 24 * time.Hour)
	d.Params = map[string]string{"country": "DE", "posted_from": "2027-01-01", "posted_to": "2030-12-31"}
	must(t, "PutDocument", s.PutDocument(c, d, pdfOf(d.Code, pdfSize(1))))
	got, err := s.DocumentByCode(c, d.Code)
	must(t, "DocumentByCode", err)
	wantSame(t, "a document's params and verification window after PutDocument", got, d)
}
