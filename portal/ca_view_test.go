package portal

import (
	"strings"
	"testing"
	"time"

	"sihub/model"
)

func TestSealHistory(t *testing.T) {
	at := func(h int) *time.Time { v := t0.Add(time.Duration(h) * time.Hour); return &v }
	requested := model.Seal{ID: "s", Status: model.SealRequested, CreatedAt: t0, RequestedBy: "a1", RequestNote: "新业务",
		StatusChangedAt: at(0), StatusChangedBy: "a1"}
	approved := requested
	approved.Status, approved.ApprovedBy, approved.ApprovedAt, approved.StatusChangedAt, approved.StatusChangedBy =
		model.SealActive, "a2", at(1), at(1), "a2"
	resumed := approved
	resumed.StatusChangedAt, resumed.StatusChangedBy = at(5), "a1"
	revoked := approved
	revoked.Status, revoked.StatusReason, revoked.StatusChangedAt, revoked.StatusChangedBy = model.SealRevoked, "keyCompromise", at(3), "a1"
	expired := approved
	expired.Status, expired.StatusChangedAt, expired.StatusChangedBy = model.SealExpired, at(9), ""
	setup := model.Seal{ID: "s", Status: model.SealActive, CreatedAt: t0}
	for _, c := range []struct {
		name string
		seal model.Seal
		want []string
	}{
		{"requested", requested, []string{"a1 提交申请 新业务"}},
		{"approved", approved, []string{"a1 提交申请 新业务", "a2 审批通过，印章启用 "}},
		{"resumed", resumed, []string{"a1 提交申请 新业务", "a2 审批通过，印章启用 ", "a1 恢复使用 "}},
		{"revoked", revoked, []string{"a1 提交申请 新业务", "a2 审批通过，印章启用 ", "a1 撤销印章 密钥泄露"}},
		{"expired", expired, []string{"a1 提交申请 新业务", "a2 审批通过，印章启用 ", "系统 印章到期 "}},
		{"made at setup", setup, []string{"系统 创建印章 "}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, e := range sealHistory(c.seal) {
				got = append(got, e.By+" "+e.What+" "+e.Note)
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Fatalf("history %q, want %q", got, c.want)
			}
		})
	}
}

func TestDaysLeftAndValidity(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		until      time.Duration
		days       int
		over, soon bool
	}{
		{30 * day, 30, false, false},
		{30*day - time.Second, 29, false, true},
		{time.Hour, 0, false, true},
		{0, 0, true, false},
		{-2*day - time.Hour, -2, true, false},
	} {
		v := validity(t0.Add(-day), t0.Add(c.until), t0)
		if !v.Has || v.DaysLeft != c.days || v.Over != c.over || v.Soon != c.soon {
			t.Errorf("until now%+v: %+v, want days %d over %v soon %v", c.until, v, c.days, c.over, c.soon)
		}
	}
	if v := validity(time.Time{}, time.Time{}, t0); v.Has {
		t.Error("a seal without validity has one")
	}
}

func TestCommonName(t *testing.T) {
	for dn, want := range map[string]string{
		"CN=sihub 开发根CA (SM2),O=示范市社会保险事业管理中心,C=CN": "sihub 开发根CA (SM2)",
		"O=示范,CN=印章 一": "印章 一",
		"O=示范,C=CN":    "O=示范,C=CN",
		`CN=a\,b,O=x`:  `CN=a\,b,O=x`,
		"":             "",
	} {
		if got := commonName(dn); got != want {
			t.Errorf("commonName(%q) = %q, want %q", dn, got, want)
		}
	}
}
