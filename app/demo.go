package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"sihub/model"
	"sihub/portal/auth"
	"sihub/store"
)

// Demo accounts, listed in the README. They exist only where the demo data
// was seeded (SIHUB_DEMO, on by default for `make run`).
const (
	DemoPersonID       = "110105199003071239"
	DemoPersonName     = "张小三"
	DemoPersonPassword = "Demo@2026"
	DemoPerson2ID      = "310115198506120042"
	DemoUnitCode       = "91110108MA01ABCD5T"
	DemoUnitName       = "示范科技有限公司"
	DemoUnitPassword   = "Unit@2026"
	DemoClerk          = "clerk"
	DemoClerkPassword  = "Clerk@2026"
	DemoCAAdmin        = "caadmin"
	DemoCAPassword     = "CaAdmin@2026"
	DemoCAAdmin2       = "caadmin2" // a second CA administrator: approves what caadmin requests
	DemoCAPassword2    = "CaAdmin2@2026"
	DemoBankKeyID      = "bank-demo"
	DemoBankKeySecret  = "demo-bank-secret-2026"
	// DemoRetireeID is a retired demo person drawing a pension (the
	// benefit details).
	DemoRetireeID   = "11010519491231002X"
	DemoRetireeName = "王桂兰"
	// Demo applications: one received (its acceptance notice), one
	// finished and one refused (their result notices).
	DemoApplicationReceived = "SL00000001"
	DemoApplicationFinished = "SL00000002"
	DemoApplicationRefused  = "SL00000003"
)

// SeedDemo adds the demo unit, persons with contribution histories and
// accounts. It is idempotent: records are keyed and replaced.
func SeedDemo(ctx context.Context, st store.Store, now time.Time) error {
	created := now.UTC()
	units := []model.Unit{
		{CreditCode: DemoUnitCode, Name: DemoUnitName, Region: "110108", Address: "北京市海淀区示范路1号", CreatedAt: created},
		{CreditCode: "91320594088254610W", Name: "苏州示范制造有限公司", Region: "320594", Address: "江苏省苏州市工业园区示范大道8号", CreatedAt: created},
	}
	for _, u := range units {
		if err := st.PutUnit(ctx, u); err != nil {
			return fmt.Errorf("app: seeding unit: %w", err)
		}
	}
	persons := []struct {
		p     model.Person
		since time.Time
		base  int64
		unit  string
		prev  string // earlier employer, before the current one
		moved time.Time
	}{
		{model.Person{ID: DemoPersonID, Name: DemoPersonName, Sex: "男", BirthDate: "1990-03-07", Region: "110105",
			UnitCode: DemoUnitCode, Address: "北京市朝阳区示范街道10号", CreatedAt: created},
			time.Date(2013, 7, 1, 0, 0, 0, 0, time.UTC), 650000, DemoUnitCode, "91320594088254610W", time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)},
		{model.Person{ID: DemoPerson2ID, Name: "李秀英", Sex: "女", BirthDate: "1985-06-12", Region: "310115",
			UnitCode: "91320594088254610W", CreatedAt: created},
			time.Date(2008, 9, 1, 0, 0, 0, 0, time.UTC), 520000, "91320594088254610W", "", time.Time{}},
	}
	lastMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	for _, d := range persons {
		if err := st.PutPerson(ctx, d.p); err != nil {
			return fmt.Errorf("app: seeding person: %w", err)
		}
		for _, typ := range []string{model.InsPensionEnterprise, model.InsUnemployment, model.InsMedical, model.InsWorkInjury, model.InsMaternity} {
			if err := st.PutInsurance(ctx, model.Insurance{PersonID: d.p.ID, Type: typ, Status: model.InsStatusActive,
				Since: d.since.Format("2006-01"), UnitCode: d.unit}); err != nil {
				return fmt.Errorf("app: seeding insurance: %w", err)
			}
		}
		cs := DemoContributions(d.p.ID, d.since, lastMonth, d.base, func(m time.Time) string {
			if d.prev != "" && m.Before(d.moved) {
				return d.prev
			}
			return d.unit
		})
		if err := st.PutContributions(ctx, cs); err != nil {
			return fmt.Errorf("app: seeding contributions: %w", err)
		}
	}
	accounts := []struct {
		a        model.Account
		password string
	}{
		{model.Account{Login: DemoPersonID, Role: model.AccountCitizen, DisplayName: DemoPersonName, PersonID: DemoPersonID}, DemoPersonPassword},
		{model.Account{Login: DemoPerson2ID, Role: model.AccountCitizen, DisplayName: "李秀英", PersonID: DemoPerson2ID}, DemoPersonPassword},
		{model.Account{Login: DemoUnitCode, Role: model.AccountUnit, DisplayName: DemoUnitName, UnitCode: DemoUnitCode}, DemoUnitPassword},
		{model.Account{Login: DemoClerk, Role: model.AccountClerk, DisplayName: "经办员 王敏"}, DemoClerkPassword},
		{model.Account{Login: DemoCAAdmin, Role: model.AccountCAAdmin, DisplayName: "制章管理员 赵刚"}, DemoCAPassword},
		{model.Account{Login: DemoCAAdmin2, Role: model.AccountCAAdmin, DisplayName: "制章管理员 孙丽"}, DemoCAPassword2},
	}
	for _, x := range accounts {
		h, err := auth.HashPassword(x.password)
		if err != nil {
			return err
		}
		x.a.PasswordHash, x.a.CreatedAt = h, created
		if err := st.PutAccount(ctx, x.a); err != nil {
			return fmt.Errorf("app: seeding account: %w", err)
		}
	}
	if err := seedDemoBenefits(ctx, st, now); err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(DemoBankKeySecret))
	if err := st.PutAPIKey(ctx, model.APIKey{ID: DemoBankKeyID, Institution: "示范银行股份有限公司",
		SecretHash: hex.EncodeToString(sum[:]), Scopes: []string{"verify", "verify:bulk", "verify:pdf"}, CreatedAt: created}); err != nil {
		return fmt.Errorf("app: seeding API key: %w", err)
	}
	return nil
}

// DemoContributions makes a plausible monthly history from since to last:
// a base that rises 6 % a year, and the usual Beijing rates (pension 16 % +
// 8 %, medical 9.8 % + 2 %, unemployment 0.5 % + 0.5 %, work injury 0.4 %).
func DemoContributions(personID string, since, last time.Time, base int64, unitAt func(time.Time) string) []model.Contribution {
	return appendContributions(nil, personID, since, last, base, unitAt)
}

// appendContributions appends DemoContributions' months to out.
func appendContributions(out []model.Contribution, personID string, since, last time.Time, base int64, unitAt func(time.Time) string) []model.Contribution {
	for m := since; !m.After(last); m = m.AddDate(0, 1, 0) {
		b := base
		for y := since.Year(); y < m.Year(); y++ {
			b = b * 106 / 100
		}
		b = b / 100 * 100
		unit := unitAt(m)
		month := m.Format("2006-01")
		add := func(typ string, employer, personal int64) {
			out = append(out, model.Contribution{PersonID: personID, Month: month, Type: typ,
				Base: b, Employer: b * employer / 1000, Personal: b * personal / 1000, Paid: true, UnitCode: unit})
		}
		add(model.InsPensionEnterprise, 160, 80)
		add(model.InsMedical, 98, 20)
		add(model.InsUnemployment, 5, 5)
		add(model.InsWorkInjury, 4, 0)
	}
	return out
}
