package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"sihub/ident"
	"sihub/model"
	"sihub/store"
)

// Synthetic data: plausible names, areas and employers for load and batch
// tests. Every identifier passes its check algorithm.
var (
	synthSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	synthGiven    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华文辉建国玉梅志红林波斌宇浩凯鹏飞欣怡子涵若萱梓轩浩然晨曦佳琪嘉欣思远")
	synthAreas    = []string{"110101", "110105", "110108", "310104", "310115", "320505", "330106", "370202", "440106", "440305", "510107", "420111"}
	synthTrades   = []string{"科技", "贸易", "制造", "物流", "建设", "餐饮", "医药", "电子", "服装", "文化传媒"}
)

// SyntheticResult counts what SeedSynthetic added.
type SyntheticResult struct {
	Persons, Units, Contributions int
	Applications                  int
}

// synthItems are service items a synthetic person applies for, with their
// LD/T 01-2020 clause and materials.
var synthItems = []struct {
	item, clause string
	materials    []string
}{
	{"基本养老保险关系转移接续", "5.4.3 b)", []string{"居民身份证", "基本养老保险参保缴费凭证", "基本养老保险关系转移接续申请表"}},
	{"境外社会保险免缴证明申请", "5.4.3 c)", []string{"居民身份证", "派遣协议", "护照"}},
	{"社会保障卡挂失补换", "5.4.3 e)", []string{"居民身份证", "近期免冠照片"}},
	{"职工基本医疗保险异地就医备案", "5.3.1", []string{"居民身份证", "异地就医备案申请表"}},
}

// synthApplication makes the i-th person's application, received in the
// last month: most finished, some refused, some still under review.
func synthApplication(rng *rand.Rand, p model.Person, i int, now time.Time) model.Application {
	it := synthItems[rng.IntN(len(synthItems))]
	received := now.UTC().Add(-time.Duration(1+rng.IntN(30*24)) * time.Hour).Truncate(time.Minute)
	a := model.Application{ID: fmt.Sprintf("SY%08d", i), Item: it.item, Clause: it.clause, ProcessingType: model.ProcessCommitted,
		Applicant: p.ID, ApplicantName: p.Name, Channel: "网上服务大厅", Materials: it.materials,
		ReceivedAt: received, PromisedBy: received.AddDate(0, 0, 21), Status: model.AppReceived}
	decided := received.Add(time.Duration(1+rng.IntN(10*24)) * time.Hour)
	switch r := rng.IntN(10); {
	case decided.After(now):
	case r < 7:
		a.Status, a.DecidedAt, a.Result, a.Handler = model.AppFinished, &decided, "已按申请办结", "经办员"
	case r < 9:
		a.Status, a.DecidedAt, a.Reason, a.Handler = model.AppRefused, &decided, "申请材料不齐全，请补齐后重新申请。", "经办员"
	}
	return a
}

// syntheticBatch is how many persons SeedSynthetic writes per
// store.Bulk call: about 20,000 rows, one transaction on the embedded
// store.
const syntheticBatch = 50

// SeedSynthetic adds n insured persons with employers and contribution
// histories (up to ten years, ending last month), and an application for
// one person in ten, deterministically from seed. Persons are keyed by
// ID, so seeding again with the same seed replaces rather than
// duplicates. Records are written in batches of syntheticBatch persons
// (store.Bulk); the result counts what was written when an error stops
// it. Synthetic persons get no portal account (no password to hash).
func SeedSynthetic(ctx context.Context, st store.Store, n int, seed uint64, now time.Time) (SyntheticResult, error) {
	var res SyntheticResult
	if n <= 0 {
		return res, fmt.Errorf("app: seed: number of persons must be positive, got %d", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x51b0))
	nUnits := max(1, n/50)
	units := make([]model.Unit, nUnits)
	for i := range units {
		area := synthAreas[rng.IntN(len(synthAreas))]
		units[i] = model.Unit{
			CreditCode: ident.NewCreditCode('9', '1', area, int(seed%1000)*100000+i),
			Name:       fmt.Sprintf("示范%s%s有限公司", string(synthSurnames[rng.IntN(len(synthSurnames))]), synthTrades[rng.IntN(len(synthTrades))]),
			Region:     area, CreatedAt: now.UTC(),
		}
	}
	batch := model.RecordBatch{Units: units}
	flush := func() error {
		if err := st.PutRecords(ctx, batch); err != nil {
			return fmt.Errorf("app: seed: %w", err)
		}
		res.Units += len(batch.Units)
		res.Persons += len(batch.Persons)
		res.Contributions += len(batch.Contributions)
		res.Applications += len(batch.Applications)
		batch = model.RecordBatch{
			Persons:       batch.Persons[:0],
			Insurances:    batch.Insurances[:0],
			Contributions: batch.Contributions[:0],
			Applications:  batch.Applications[:0],
		}
		return nil
	}
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var id string
		var birth time.Time
		male := rng.IntN(2) == 0
		area := synthAreas[rng.IntN(len(synthAreas))]
		for {
			birth = time.Date(1960+rng.IntN(45), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
			id = ident.NewCitizenID(area, birth, rng.IntN(500), male)
			if !seen[id] {
				seen[id] = true
				break
			}
		}
		name := string(synthSurnames[rng.IntN(len(synthSurnames))]) + string(synthGiven[rng.IntN(len(synthGiven))])
		if rng.IntN(2) == 0 {
			name += string(synthGiven[rng.IntN(len(synthGiven))])
		}
		sex := "女"
		if male {
			sex = "男"
		}
		u := units[rng.IntN(len(units))]
		p := model.Person{ID: id, Name: name, Sex: sex, BirthDate: birth.Format("2006-01-02"), Region: area, UnitCode: u.CreditCode, CreatedAt: now.UTC()}
		batch.Persons = append(batch.Persons, p)
		start := birth.AddDate(22, 0, 0)
		if floor := last.AddDate(-10, 0, 0); start.Before(floor) {
			start = floor
		}
		start = time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
		if start.After(last) {
			start = last
		}
		for _, typ := range []string{model.InsPensionEnterprise, model.InsUnemployment, model.InsMedical, model.InsWorkInjury} {
			batch.Insurances = append(batch.Insurances, model.Insurance{PersonID: id, Type: typ, Status: model.InsStatusActive, Since: start.Format("2006-01"), UnitCode: u.CreditCode})
		}
		base := int64(400000 + rng.IntN(1600000))
		batch.Contributions = appendContributions(batch.Contributions, id, start, last, base, func(time.Time) string { return u.CreditCode })
		if i%10 == 0 { // one person in ten has applied for something
			batch.Applications = append(batch.Applications, synthApplication(rng, p, int(seed%1000)*100000+i, now))
		}
		if len(batch.Persons) == syntheticBatch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if len(batch.Persons) > 0 || len(batch.Units) > 0 {
		if err := flush(); err != nil {
			return res, err
		}
	}
	return res, nil
}
