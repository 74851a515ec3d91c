package signer

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"sihub/model"
)

// pensionMonths makes paid enterprise pension months of one base (fen) at
// 16 % + 8 %, skipping the months listed as unpaid (they stay, unpaid).
func pensionMonths(year, from, to int, base int64, unpaid ...int) []model.Contribution {
	skip := map[int]bool{}
	for _, m := range unpaid {
		skip[m] = true
	}
	var out []model.Contribution
	for m := from; m <= to; m++ {
		out = append(out, model.Contribution{Month: fmt.Sprintf("%04d-%02d", year, m), Type: model.InsPensionEnterprise,
			Base: base, Employer: base * 16 / 100, Personal: base * 8 / 100, Paid: !skip[m], UnitCode: "U"},
			model.Contribution{Month: fmt.Sprintf("%04d-%02d", year, m), Type: model.InsMedical,
				Base: base, Employer: base / 10, Personal: base / 50, Paid: true, UnitCode: "U"})
	}
	return out
}

// TestAccountYears checks the yearly account against amounts worked out
// by hand (decimal arithmetic, rounded half up to the fen):
//
//	2022: Jul–Dec at 10 000.00, 8 % → 4 800.00 credited; 5 % rate:
//	      4 800.00 × 0.05 × 1.083 / 2 = 129.96; balance 4 929.96
//	2023: 11 of 12 months paid at 12 000.00 → 10 560.00; 3.97 %:
//	      4 929.96 × 0.0397 + 10 560.00 × 0.0397 × 0.5415 = 422.73354 → 422.73;
//	      balance 15 912.69
//	2024: nothing paid; 2.62 %: 15 912.69 × 0.0262 = 416.9125 → 416.91;
//	      balance 16 329.60
func TestAccountYears(t *testing.T) {
	cs := append(pensionMonths(2022, 7, 12, 1_000_000), pensionMonths(2023, 1, 12, 1_200_000, 5)...)
	rates := InterestRates{ByYear: map[int]int64{2022: 500, 2023: 397, 2024: 262}, Default: 100}
	got := accountYears(cs, 2024, rates)
	want := []AccountYear{
		{Year: 2022, First: "2022-07", Last: "2022-12", Months: 6, AverageBase: 1_000_000, EmployerBP: 1600, PersonalBP: 800, AccountBP: 800,
			RateBP: 500, Credited: 480_000, CreditedPers: 480_000, Interest: 12_996, InterestPers: 12_996, Balance: 492_996, BalancePers: 492_996},
		{Year: 2023, First: "2023-01", Last: "2023-12", Months: 11, AverageBase: 1_200_000, EmployerBP: 1600, PersonalBP: 800, AccountBP: 800,
			RateBP: 397, Credited: 1_056_000, CreditedPers: 1_056_000, Interest: 42_273, InterestPers: 42_273, Balance: 1_591_269, BalancePers: 1_591_269},
		{Year: 2024, RateBP: 262, Interest: 41_691, InterestPers: 41_691, Balance: 1_632_960, BalancePers: 1_632_960},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d years, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("year %d:\n got %+v\nwant %+v", want[i].Year, got[i], want[i])
		}
	}
	// The table stops at the requested year.
	if ys := accountYears(cs, 2022, rates); len(ys) != 1 || ys[0].Balance != 492_996 {
		t.Errorf("up to 2022: %+v", ys)
	}
	if ys := accountYears(cs, 2021, rates); ys != nil {
		t.Errorf("before the first payment: %+v", ys)
	}
}

func TestToAccountTakesThePersonalPartFirst(t *testing.T) {
	for _, tc := range []struct {
		base, personal, total, pers int64
	}{
		{1_000_000, 80_000, 80_000, 80_000},  // 8 %: all personal
		{1_000_000, 200_000, 80_000, 80_000}, // flexible worker paying 20 %: 8 % to the account
		{1_000_000, 40_000, 80_000, 40_000},  // before 2006: the employer made up the rest
		{333_333, 26_667, 26_667, 26_667},    // rounded half up to the fen
	} {
		total, pers := toAccount(model.Contribution{Base: tc.base, Personal: tc.personal})
		if total != tc.total || pers != tc.pers {
			t.Errorf("toAccount(base %d, personal %d) = %d, %d; want %d, %d", tc.base, tc.personal, total, pers, tc.total, tc.pers)
		}
	}
}

func TestInterestRatesDefault(t *testing.T) {
	for y, want := range map[int]int64{2016: 831, 2018: 829, 2023: 397, 2024: 262, 2010: DefaultInterestRates.Default} {
		if got := DefaultInterestRates.Rate(y); got != want {
			t.Errorf("rate of %d = %d bp, want %d", y, got, want)
		}
	}
}

// statementRecords is a person with the given contributions.
type statementRecords struct {
	monthsRecords
}

func (statementRecords) Person(_ context.Context, id string) (model.Person, error) {
	if id != "110105199003071239" {
		return model.Person{}, model.ErrNotFound
	}
	return model.Person{ID: id, Name: "张三", Sex: "男", UnitCode: "U"}, nil
}

func (statementRecords) Unit(_ context.Context, code string) (model.Unit, error) {
	if code != "U" {
		return model.Unit{}, model.ErrNotFound
	}
	return model.Unit{CreditCode: code, Name: "示范单位"}, nil
}

func (statementRecords) Insurances(context.Context, string) ([]model.Insurance, error) {
	return []model.Insurance{{Type: model.InsPensionEnterprise, Status: model.InsStatusActive}}, nil
}

func TestStatementData(t *testing.T) {
	cs := append(pensionMonths(2022, 7, 12, 1_000_000), pensionMonths(2023, 1, 12, 1_200_000, 5)...)
	s := &Service{records: &statementRecords{monthsRecords{cs: cs}}, cfg: Config{InterestRates: DefaultInterestRates}}
	ctx := context.Background()
	now := time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)
	d, err := s.statementData(ctx, "110105199003071239", "zh", 0, now) // 0: last year
	if err != nil {
		t.Fatal(err)
	}
	if d.Year != 2023 || len(d.Years) != 2 || len(d.Months) != 12 || len(d.History) != 18 {
		t.Fatalf("year %d with %d account years, %d months, %d history months", d.Year, len(d.Years), len(d.Months), len(d.History))
	}
	if d.FirstMonth != "2022-07" || d.PaidMonths != 17 || d.UnitName != "示范单位" {
		t.Errorf("first %s, paid %d, unit %q", d.FirstMonth, d.PaidMonths, d.UnitName)
	}
	if m := d.Months[4]; m.Month != "2023-05" || m.Status != "欠费" || m.ToAccount != 0 {
		t.Errorf("unpaid May: %+v", m)
	}
	if m := d.Months[0]; m.Status != "已缴费" || m.ToAccount != 96_000 || m.UnitName != "示范单位" {
		t.Errorf("January: %+v", m)
	}
	if len(d.Insurances) != 2 || d.Insurances[0].Months != 11 || d.Insurances[0].Personal != 11*96_000 {
		t.Errorf("insurances of the year: %+v", d.Insurances)
	}

	for name, year := range map[string]int{"before the first payment": 2021, "in the future": 2025, "absurd": 1066} {
		if _, err := s.statementData(ctx, "110105199003071239", "zh", year, now); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s (%d): %v, want ErrBadRequest", name, year, err)
		}
	}
	if _, err := s.statementData(ctx, "110105199003071239", "fr", 2023, now); !errors.Is(err, ErrBadRequest) {
		t.Errorf("language fr: %v", err)
	}
	if _, err := s.statementData(ctx, "11010519900307123X", "zh", 2023, now); !errors.Is(err, ErrBadRequest) {
		t.Errorf("unknown person: %v", err)
	}
}
