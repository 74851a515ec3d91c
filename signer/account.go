package signer

import (
	"sort"

	"sihub/model"
	"sihub/signer/render"
)

// InterestRates are the yearly credited interest rates (记账利率) of the
// personal pension account, in basis points (8.31 % = 831). Years missing
// from ByYear use Default.
type InterestRates struct {
	ByYear  map[int]int64
	Default int64
}

// DefaultInterestRates holds the published national rates known to the
// agency: 2016 8.31 %, 2018 8.29 %, 2023 3.97 %, 2024 2.62 %. Every other
// year uses 3.00 % until the agency configures the year's published rate
// (Config.InterestRates).
var DefaultInterestRates = InterestRates{
	ByYear:  map[int]int64{2016: 831, 2018: 829, 2023: 397, 2024: 262},
	Default: 300,
}

// Rate returns the rate of year in basis points.
func (r InterestRates) Rate(year int) int64 {
	if v, ok := r.ByYear[year]; ok {
		return v
	}
	return r.Default
}

// accountRateBP is the share of the contribution base credited to the
// personal account (8 %, all of it from the employee's part since 2006).
const accountRateBP = 800

// AccountYear is one year of a personal pension account (the rows of the
// statement's account table). Amounts are in fen; rates in basis points.
type AccountYear = render.StatementYear

// toAccount is the part of one month's contribution credited to the
// personal account, and how much of it came from the employee: base × 8 %,
// taken from the personal part first and from the employer's part for the
// rest (as before 2006).
func toAccount(c model.Contribution) (total, personal int64) {
	total = (c.Base*accountRateBP + 5000) / 10000
	personal = min(c.Personal, total)
	return total, personal
}

// interest is the year's credited interest on an account (劳办发〔1997〕116号):
//
//	opening × r + credited × r × 1.083 × 1/2
//
// where 1.083 × 1/2 stands for the months a contribution paid during the
// year stays in the account on average. r is in basis points; the result
// is rounded half up to the fen.
func interest(opening, credited, rateBP int64) int64 {
	// opening×r/10⁴ + credited×r×1083/(2×10⁷), over the common denominator 2×10⁷.
	num := opening*rateBP*2000 + credited*rateBP*1083
	const den = 2 * 10_000 * 1000
	if num < 0 {
		return -((-num + den/2) / den)
	}
	return (num + den/2) / den
}

// accountYears builds the yearly account table from the paid enterprise
// pension months, from the first year with a paid month to last (rows for
// years without payments carry the balance and its interest). cs may hold
// other types and unpaid months; they are skipped.
func accountYears(cs []model.Contribution, last int, rates InterestRates) []AccountYear {
	type acc struct {
		first, lastM             string
		months                   int
		base, employer, personal int64
		credited, creditedPers   int64
	}
	byYear := map[int]*acc{}
	for _, c := range cs {
		if c.Type != model.InsPensionEnterprise || !c.Paid || len(c.Month) != 7 {
			continue
		}
		y := atoi4(c.Month)
		if y <= 0 || y > last {
			continue
		}
		a := byYear[y]
		if a == nil {
			a = &acc{first: c.Month, lastM: c.Month}
			byYear[y] = a
		}
		a.first, a.lastM = min(a.first, c.Month), max(a.lastM, c.Month)
		a.months++
		a.base += c.Base
		a.employer += c.Employer
		a.personal += c.Personal
		t, p := toAccount(c)
		a.credited += t
		a.creditedPers += p
	}
	if len(byYear) == 0 {
		return nil
	}
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	sort.Ints(years)
	var out []AccountYear
	var bal, balPers int64
	for y := years[0]; y <= last; y++ {
		r := AccountYear{Year: y, RateBP: rates.Rate(y)}
		if a := byYear[y]; a != nil {
			r.First, r.Last, r.Months = a.first, a.lastM, a.months
			r.AverageBase = (a.base + int64(a.months)/2) / int64(a.months)
			if a.base > 0 {
				r.EmployerBP = (a.employer*10000 + a.base/2) / a.base
				r.PersonalBP = (a.personal*10000 + a.base/2) / a.base
				r.AccountBP = (a.credited*10000 + a.base/2) / a.base
			}
			r.Credited, r.CreditedPers = a.credited, a.creditedPers
		}
		r.Interest = interest(bal, r.Credited, r.RateBP)
		r.InterestPers = interest(balPers, r.CreditedPers, r.RateBP)
		bal += r.Credited + r.Interest
		balPers += r.CreditedPers + r.InterestPers
		r.Balance, r.BalancePers = bal, balPers
		out = append(out, r)
	}
	return out
}

// atoi4 parses the year of "YYYY-MM"; -1 when it is not digits.
func atoi4(s string) int {
	n := 0
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
