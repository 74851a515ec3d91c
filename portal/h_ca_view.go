package portal

import (
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"sihub/certs/seal"
	"sihub/model"
)

// What the CA administrator pages show: Chinese names of statuses,
// algorithms, roles and reasons, and the rows the templates range over.

// tone is how a status is coloured: "ok", "warn", "bad" or "pending".
type caStatus struct {
	Text string
	Tone string
}

var sealStatuses = map[string]caStatus{
	model.SealRequested: {"待审批", "pending"},
	model.SealRejected:  {"已驳回", "bad"},
	model.SealActive:    {"启用", "ok"},
	model.SealSuspended: {"已暂停", "warn"},
	model.SealRevoked:   {"已撤销", "bad"},
	model.SealExpired:   {"已过期", "warn"},
	model.SealReplaced:  {"已被替换", "warn"},
}

// sealStatusOrder is the lifecycle order the overview counts in.
var sealStatusOrder = []string{model.SealRequested, model.SealActive, model.SealSuspended,
	model.SealRevoked, model.SealExpired, model.SealReplaced, model.SealRejected}

func sealStatus(st string) caStatus {
	if v, ok := sealStatuses[st]; ok {
		return v
	}
	return caStatus{st, "pending"}
}

func certStatus(st string) caStatus {
	switch st {
	case "good":
		return caStatus{"有效", "ok"}
	case "revoked":
		return caStatus{"已吊销", "bad"}
	}
	return caStatus{st, "pending"}
}

func algName(alg string) string {
	switch alg {
	case "sm2":
		return "SM2 / SM3"
	case "p256":
		return "ECDSA P-256"
	}
	return alg
}

// roleOCSP is the role of the OCSP responder's certificate.
const roleOCSP = "ocsp"

var certRoleNames = map[string]string{
	model.RoleRoot: "根 CA", model.RoleIssuing: "签发 CA", model.RoleSeal: "印章",
	roleOCSP: "OCSP 签名", "tsa": "时间戳",
}

func certRoleName(role string) string {
	if n, ok := certRoleNames[role]; ok {
		return n
	}
	return role
}

// reasonNames are the Chinese names of the RFC 5280 CRLReason values, by
// name and by code.
var reasonNames = map[string]string{
	"unspecified": "未说明", "keyCompromise": "密钥泄露", "cACompromise": "CA 密钥泄露",
	"affiliationChanged": "隶属关系变更", "superseded": "已被取代",
	"cessationOfOperation": "停止使用", "certificateHold": "暂停（证书冻结）",
	"privilegeWithdrawn": "权限撤回",
}

var reasonCodes = map[int]string{0: "unspecified", 1: "keyCompromise", 2: "cACompromise",
	3: "affiliationChanged", 4: "superseded", 5: "cessationOfOperation", 6: "certificateHold", 9: "privilegeWithdrawn"}

// revocationReasonText is the Chinese name of a revocation reason, or the text
// itself (a free-text rejection or suspension reason).
func revocationReasonText(name string) string {
	if n, ok := reasonNames[name]; ok {
		return n
	}
	return name
}

type caReasonOption struct{ Name, Text string }

func revocationOptions() []caReasonOption {
	out := make([]caReasonOption, 0, len(RevocationReasons))
	for _, r := range RevocationReasons {
		out = append(out, caReasonOption{r.Name, revocationReasonText(r.Name)})
	}
	return out
}

// daysLeft is the whole days from now until t, negative once past.
func daysLeft(t, now time.Time) int {
	return int(t.Sub(now) / (24 * time.Hour))
}

// caValidity is a validity period as the pages show it.
type caValidity struct {
	Has      bool // a requested seal has none yet
	From     time.Time
	Until    time.Time
	DaysLeft int
	Over     bool // Until has passed
	Soon     bool // within caExpiryWarning
}

func validity(from, until, now time.Time) caValidity {
	if until.IsZero() {
		return caValidity{}
	}
	return caValidity{Has: true, From: from, Until: until, DaysLeft: daysLeft(until, now),
		Over: !now.Before(until), Soon: now.Before(until) && until.Sub(now) < caExpiryWarning}
}

// caSealRow is one seal as the lists and the detail page show it.
type caSealRow struct {
	model.Seal
	State    caStatus
	AlgText  string
	Validity caValidity
	Reason   string // StatusReason in Chinese where it is a reason name
}

func sealRow(sl model.Seal, now time.Time) caSealRow {
	v := validity(sl.ValidFrom, sl.ValidUntil, now)
	if sl.Status == model.SealRequested || sl.Status == model.SealRejected {
		v.Soon = false
	}
	return caSealRow{Seal: sl, State: sealStatus(sl.Status), AlgText: algName(sl.Alg),
		Validity: v, Reason: revocationReasonText(sl.StatusReason)}
}

// caCertRow is one certificate of the hierarchy.
type caCertRow struct {
	model.Certificate
	State      caStatus
	AlgText    string
	RoleText   string
	Validity   caValidity
	ReasonText string // revocation reason of a revoked certificate
	Name       string // the subject's common name, or the whole subject
}

// commonName is the CN of a subject written "CN=…,O=…", or the subject
// when it has none.
func commonName(dn string) string {
	for _, part := range strings.Split(dn, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "CN="); ok && v != "" && !strings.HasSuffix(v, `\`) {
			return v
		}
	}
	return dn
}

func certRow(c model.Certificate, now time.Time) caCertRow {
	row := caCertRow{Certificate: c, State: certStatus(c.Status), AlgText: algName(c.Alg),
		RoleText: certRoleName(c.Role), Validity: validity(c.NotBefore, c.NotAfter, now), Name: commonName(c.Subject)}
	// A revoked certificate warns no more; the OCSP signer's lives 30 days
	// and is renewed automatically (as the expiry metric counts).
	if c.Status != "good" || c.Role == roleOCSP {
		row.Validity.Soon = false
	}
	if c.Status == "revoked" {
		name, ok := reasonCodes[c.RevocationReason]
		if !ok {
			name = "unspecified"
		}
		row.ReasonText = revocationReasonText(name)
	}
	return row
}

// caEvent is one step of a seal's lifecycle as its fields record it.
type caEvent struct {
	At   time.Time
	By   string
	What string
	Note string
}

// sealHistory reads the lifecycle from the seal's fields: the request,
// the approval, and the last status change.
func sealHistory(sl model.Seal) []caEvent {
	var ev []caEvent
	if sl.RequestedBy != "" {
		ev = append(ev, caEvent{At: sl.CreatedAt, By: sl.RequestedBy, What: "提交申请", Note: sl.RequestNote})
	} else if !sl.CreatedAt.IsZero() {
		ev = append(ev, caEvent{At: sl.CreatedAt, By: "系统", What: "创建印章"})
	}
	if sl.ApprovedAt != nil {
		ev = append(ev, caEvent{At: *sl.ApprovedAt, By: sl.ApprovedBy, What: "审批通过，印章启用"})
	}
	// The request and the approval are listed already; a status change
	// that is one of them is not listed twice.
	if sl.StatusChangedAt != nil && sl.Status != model.SealRequested {
		what := map[string]string{
			model.SealRejected: "驳回申请", model.SealSuspended: "暂停使用", model.SealRevoked: "撤销印章",
			model.SealExpired: "印章到期", model.SealReplaced: "被新印章替换", model.SealActive: "恢复使用",
		}[sl.Status]
		if what == "" {
			what = "状态变为" + sealStatus(sl.Status).Text
		}
		if sl.ApprovedAt == nil || !sl.StatusChangedAt.Equal(*sl.ApprovedAt) || sl.Status != model.SealActive {
			by := sl.StatusChangedBy
			if by == "" {
				by = "系统"
			}
			ev = append(ev, caEvent{At: *sl.StatusChangedAt, By: by, What: what, Note: revocationReasonText(sl.StatusReason)})
		}
	}
	slices.SortStableFunc(ev, func(a, b caEvent) int { return a.At.Compare(b.At) })
	return ev
}

// caSESeal is what the detail page shows of a seal's GB/T 38540 SESeal.
type caSESeal struct {
	DigestSM3 string // hex, as signatures name it
	ESID      string
	Version   int
	Picture   string // "SVG", "PNG" …
	WidthMM   int
	HeightMM  int
	Size      int
	Error     string // the stored SESeal does not parse
	Shown     bool   // the picture is a type the page shows
	WidthPx   int    // the picture's width on the page, about its size
}

// sesealInfo parses a stored SESeal (capped by the parser) for display.
func sesealInfo(der []byte) *caSESeal {
	if len(der) == 0 {
		return nil
	}
	sl, err := seal.Parse(der)
	if err != nil {
		return &caSESeal{Size: len(der), Error: "印章数据无法解析"}
	}
	d, err := sl.Digest()
	if err != nil {
		return &caSESeal{Size: len(der), Error: "印章数据无法解析"}
	}
	p := sl.Info.Picture
	_, shown := pictureTypes[p.Type]
	return &caSESeal{DigestSM3: hex.EncodeToString(d), ESID: sl.Info.ESID, Version: sl.Info.Header.Version,
		Picture: p.Type, WidthMM: p.Width, HeightMM: p.Height, Size: len(der),
		Shown: shown && p.Width > 0, WidthPx: min(max(p.Width, 10), 80) * 4}
}

// caNavItem is a link of the CA pages' own navigation.
type caNavItem struct {
	Href, Text string
	Current    bool
	Count      int // shown as a badge when positive (unread messages)
}

func caNav(current string, unread int) []caNavItem {
	items := []caNavItem{{Href: "/ca", Text: "概览"}, {Href: "/ca/seals", Text: "印章"},
		{Href: "/ca/seals/new", Text: "申请新印章"}, {Href: "/ca/certificates", Text: "证书"},
		{Href: "/ca/messages", Text: "消息", Count: unread}}
	for i := range items {
		items[i].Current = items[i].Href == current
	}
	return items
}
