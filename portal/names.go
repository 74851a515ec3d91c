package portal

import (
	"time"

	"sihub/model"
	"sihub/signer"
)

// kindNames are the Chinese names of the document kinds (DOMAIN.md §5).
var kindNames = map[string]string{
	signer.KindInsuranceCertificate:     "参保证明",
	signer.KindUnitInsuranceCertificate: "单位参保证明",
	signer.KindReceipt:                  "受理通知单",
	signer.KindResultNotice:             "结果告知单",
	signer.KindTransferVoucher:          "基本养老保险参保缴费凭证",
	signer.KindRightsRecord:             "个人权益记录单",
	signer.KindBenefitDetails:           "待遇享受明细",
	signer.KindOverseasExemption:        "境外社会保险免缴证明",
}

// KindName returns the Chinese name of a document kind, or the kind itself
// when it is unknown.
func KindName(kind string) string {
	if n, ok := kindNames[kind]; ok {
		return n
	}
	return kind
}

// verdict is a document's status as a verifier sees it.
type verdict struct {
	Key  string // "valid", "expired", "superseded", "withdrawn", "notfound"
	Text string // 有效, 已过有效期, 已被替代, 已撤回, 未找到
	OK   bool
}

// documentVerdict combines the registry status with the validity period.
func documentVerdict(d model.Document, now time.Time) verdict {
	switch d.Status {
	case model.DocValid:
		if !d.ValidUntil.IsZero() && now.After(d.ValidUntil) {
			return verdict{"expired", "已过有效期", false}
		}
		return verdict{"valid", "有效", true}
	case model.DocSuperseded:
		return verdict{"superseded", "已被替代", false}
	case model.DocWithdrawn:
		return verdict{"withdrawn", "已撤回", false}
	default:
		return verdict{"unknown", "状态未知", false}
	}
}

var notFoundVerdict = verdict{"notfound", "未找到", false}

// StatusName returns the Chinese name of a registry status.
func StatusName(st model.DocumentStatus) string {
	switch st {
	case model.DocValid:
		return "有效"
	case model.DocSuperseded:
		return "已被替代"
	case model.DocWithdrawn:
		return "已撤回"
	}
	return string(st)
}

// chinaTime is the zone dates are shown in (UTC+8, no daylight saving).
var chinaTime = time.FixedZone("CST", 8*3600)

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(chinaTime).Format("2006-01-02")
}

func fmtDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}
