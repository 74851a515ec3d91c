package portal

import (
	"time"

	"sihub/verifier"
)

// reasonText says in plain Chinese what each verifier reason means for the
// person holding the file.
var reasonText = map[verifier.Reason]string{
	verifier.ReasonMalformedPDF:           "文件不是有效的 PDF，或文件结构已损坏。",
	verifier.ReasonTooLarge:               "文件过大或结构过于复杂，无法完成检查。",
	verifier.ReasonNoSignatures:           "文件中没有电子印章（数字签名）。",
	verifier.ReasonByteRangeInvalid:       "签名覆盖的范围异常，文件可能被篡改。",
	verifier.ReasonContentsInvalid:        "签名数据的格式不正确。",
	verifier.ReasonDigestMismatch:         "盖章后文件内容被修改过（摘要不一致）。",
	verifier.ReasonSignatureInvalid:       "签名值验证失败，印章可能是伪造的。",
	verifier.ReasonUnsupportedAlgorithm:   "签名使用了不被接受的算法。",
	verifier.ReasonSignerNotFound:         "签名中缺少签章人的证书。",
	verifier.ReasonChainUntrusted:         "签章证书不是由受信任的机构签发的。",
	verifier.ReasonCertExpired:            "签章证书在签章时已过期。",
	verifier.ReasonCertNotYetValid:        "签章证书在签章时尚未生效。",
	verifier.ReasonKeyUsageInvalid:        "签章证书不允许用于签章。",
	verifier.ReasonModifiedAfterSigning:   "盖章后文件又被修改过。",
	verifier.ReasonNotWholeDocument:       "文件末尾有未被印章覆盖的内容。",
	verifier.ReasonCodeUnknown:            "登记系统中没有该文书的防伪码。",
	verifier.ReasonDocumentSuperseded:     "该文书已被重新开具的文书替代。",
	verifier.ReasonDocumentWithdrawn:      "该文书已被经办机构撤回。",
	verifier.ReasonRegistryDigestMismatch: "文件与登记的原始文件不一致。",
	verifier.ReasonRegistryUnavailable:    "暂时无法查询登记系统，请稍后再试。",
	verifier.ReasonUnsignedSignatureDict:  "文件中有未完成或无归属的签名域。",
}

// ReasonText returns the Chinese explanation of a verifier reason, or ""
// for a reason this portal does not know.
func ReasonText(code verifier.Reason) string {
	return reasonText[code]
}

type reasonView struct {
	Code string
	Text string
}

func reasonViews(ps []verifier.Problem) []reasonView {
	var out []reasonView
	seen := map[verifier.Reason]bool{}
	for _, p := range ps {
		if seen[p.Code] {
			continue
		}
		seen[p.Code] = true
		t := reasonText[p.Code]
		if t == "" {
			t = "检查未通过：" + string(p.Code)
		}
		out = append(out, reasonView{Code: string(p.Code), Text: t})
	}
	return out
}

type check struct {
	Class string // pass, fail, info
	Text  string
}

type signatureView struct {
	Index     int
	Valid     bool
	Algorithm string
	Signer    string
	Issuer    string
	SignedAt  string
	Level     string
	Checks    []check
	Reasons   []reasonView
}

type uploadResult struct {
	Trusted    bool
	Verdict    verdict
	Headline   string
	Reasons    []reasonView
	Signatures []signatureView
	Code       string
	Number     string
	Kind       string
	Registry   string
	Subject    string
	ValidUntil string
	SHA256     string
}

var algorithmNames = map[string]string{
	"SM2-SM3":           "SM2 / SM3（国密算法）",
	"ECDSA-P256-SHA256": "ECDSA P-256 / SHA-256",
}

var registryNames = map[string]string{
	verifier.RegistryValid:      "有效",
	verifier.RegistrySuperseded: "已被替代",
	verifier.RegistryWithdrawn:  "已撤回",
	verifier.RegistryUnknown:    "未登记",
	verifier.RegistryNotChecked: "未核对",
}

func pass(ok bool, yes, no string) check {
	if ok {
		return check{"pass", yes}
	}
	return check{"fail", no}
}

// newUploadResult turns a report into the verdict page: one line, the
// document's registry data, then each signature's checks.
func newUploadResult(rep *verifier.Report, now time.Time) uploadResult {
	res := uploadResult{
		Trusted:  rep.Valid,
		Reasons:  reasonViews(rep.Errors),
		Code:     rep.Document.Code,
		Number:   rep.Document.Number,
		Kind:     rep.Document.Kind,
		Subject:  rep.Document.SubjectMasked,
		Registry: registryNames[rep.Document.RegistryStatus],
		SHA256:   rep.Document.SHA256,
	}
	if res.Registry == "" {
		res.Registry = rep.Document.RegistryStatus
	}
	if rep.Document.ValidUntil != nil {
		res.ValidUntil = fmtDate(*rep.Document.ValidUntil)
		if rep.Valid && now.After(*rep.Document.ValidUntil) {
			res.Headline = "印章与文件完好，但该文书已超过有效期。"
		}
	}
	if rep.Valid {
		res.Verdict = verdict{"trusted", "可以信任", true}
		if res.Headline == "" {
			res.Headline = "电子印章完好，文件自盖章后未被修改，签章证书可信，登记状态有效。"
		}
	} else {
		res.Verdict = verdict{"untrusted", "不可信任", false}
		all := reasonViews(allProblems(rep))
		if len(all) > 0 {
			res.Headline = all[0].Text
		} else {
			res.Headline = "文件未通过验证。"
		}
	}
	for i, s := range rep.Signatures {
		sv := signatureView{
			Index: i + 1, Valid: s.Valid, Signer: s.Signer, Issuer: s.Issuer, Level: s.Level,
			Algorithm: algorithmNames[s.Algorithm], Reasons: reasonViews(s.Errors),
		}
		if sv.Algorithm == "" {
			sv.Algorithm = s.Algorithm
		}
		if s.SignedAt != nil {
			sv.SignedAt = fmtDateTime(*s.SignedAt)
		}
		sv.Checks = []check{
			pass(s.IntegrityValid, "签名值正确，签名覆盖的内容未被改动", "签名值或内容摘要验证失败"),
			pass(s.CoversWholeDocument, "签名覆盖整个文件", "签名未覆盖整个文件"),
			pass(!s.ModifiedAfterSigning, "盖章后文件未被修改", "盖章后文件被修改过"),
			pass(s.ChainTrusted, "签章证书由受信任的机构签发", "签章证书不受信任"),
		}
		switch s.Revocation {
		case "", verifier.RevocationNotChecked:
			sv.Checks = append(sv.Checks, check{"info", "证书吊销状态：未在线查询"})
		case "good":
			sv.Checks = append(sv.Checks, check{"pass", "证书未被吊销"})
		default:
			sv.Checks = append(sv.Checks, check{"fail", "证书吊销状态：" + s.Revocation})
		}
		res.Signatures = append(res.Signatures, sv)
	}
	return res
}
