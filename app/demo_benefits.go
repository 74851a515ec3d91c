package app

import (
	"context"
	"fmt"
	"time"

	"sihub/model"
	"sihub/store"
)

// seedDemoBenefits adds the retired demo person with the pension paid to
// her in the last two years, and the demo applications.
func seedDemoBenefits(ctx context.Context, st store.Store, now time.Time) error {
	created := now.UTC()
	if err := st.PutPerson(ctx, model.Person{ID: DemoRetireeID, Name: DemoRetireeName, Sex: "女", BirthDate: "1949-12-31",
		Region: "110105", Address: "北京市朝阳区示范街道12号", CreatedAt: created}); err != nil {
		return fmt.Errorf("app: seeding person: %w", err)
	}
	for _, in := range []model.Insurance{
		{PersonID: DemoRetireeID, Type: model.InsPensionEnterprise, Status: model.InsStatusTerminated, Since: "1975-03"},
		{PersonID: DemoRetireeID, Type: model.InsMedical, Status: model.InsStatusActive, Since: "2001-01"},
	} {
		if err := st.PutInsurance(ctx, in); err != nil {
			return fmt.Errorf("app: seeding insurance: %w", err)
		}
	}
	if err := st.PutBenefitPayments(ctx, DemoPension(DemoRetireeID, now)); err != nil {
		return fmt.Errorf("app: seeding benefit payments: %w", err)
	}
	for _, a := range DemoApplications(now) {
		if err := st.PutApplication(ctx, a); err != nil {
			return fmt.Errorf("app: seeding application: %w", err)
		}
	}
	return nil
}

// DemoPension is the monthly pension of the 24 months up to now's month:
// the basic, personal account and transitional pensions, raised 2 % each
// January and paid on the 15th (this month's only once the 15th is past).
func DemoPension(personID string, now time.Time) []model.BenefitPayment {
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	var out []model.BenefitPayment
	for m := this.AddDate(0, -23, 0); !m.After(this); m = m.AddDate(0, 1, 0) {
		paid := m.Format("2006-01") + "-15"
		if m.Equal(this) && now.Day() < 15 {
			paid = ""
		}
		for _, it := range []struct {
			item string
			base int64 // fen, in the year 2020
		}{{"基础养老金", 235000}, {"个人账户养老金", 81240}, {"过渡性养老金", 112000}} {
			amount := it.base
			for y := 2020; y < m.Year(); y++ {
				amount = amount * 102 / 100
			}
			out = append(out, model.BenefitPayment{PersonID: personID, Month: m.Format("2006-01"), Type: model.InsPensionEnterprise,
				Item: it.item, Amount: amount, PaidOn: paid})
		}
	}
	return out
}

// DemoApplications are three applications received in the days before
// now: a transfer under review, an exemption certificate issued, and a
// unit's change refused.
func DemoApplications(now time.Time) []model.Application {
	day := func(d, h int) time.Time {
		t := now.UTC().AddDate(0, 0, d)
		return time.Date(t.Year(), t.Month(), t.Day(), h, 15, 0, 0, time.UTC)
	}
	finished, refused := day(-3, 7), day(-1, 8)
	return []model.Application{
		{ID: DemoApplicationReceived, Item: "基本养老保险关系转移接续", Clause: "5.4.3 b)", ProcessingType: model.ProcessCommitted,
			Applicant: DemoPersonID, ApplicantName: DemoPersonName, Channel: "网上服务大厅",
			Materials:  []string{"居民身份证", "基本养老保险参保缴费凭证", "基本养老保险关系转移接续申请表"},
			ReceivedAt: day(-2, 2), PromisedBy: day(19, 0), Status: model.AppReceived},
		{ID: DemoApplicationFinished, Item: "境外社会保险免缴证明申请", Clause: "5.4.3 c)", ProcessingType: model.ProcessCommitted,
			Applicant: DemoPersonID, ApplicantName: DemoPersonName, Channel: "网上服务大厅",
			Materials:  []string{"居民身份证", "派遣协议", "护照"},
			ReceivedAt: day(-10, 1), PromisedBy: day(5, 0), Status: model.AppFinished, DecidedAt: &finished,
			Result: "已出具境外社会保险免缴证明（派往德国）", Handler: "经办员 王敏"},
		{ID: DemoApplicationRefused, Item: "参保单位信息变更", Clause: "5.3.1", ProcessingType: model.ProcessCommitted,
			Applicant: DemoUnitCode, ApplicantName: DemoUnitName, Channel: "网上服务大厅",
			Materials:  []string{"营业执照副本", "参保单位信息变更登记表"},
			ReceivedAt: day(-4, 3), PromisedBy: day(6, 0), Status: model.AppRefused, DecidedAt: &refused,
			Reason: "提交的营业执照副本与统一社会信用代码不一致，请核对后重新申请。", Handler: "经办员 王敏"},
	}
}
