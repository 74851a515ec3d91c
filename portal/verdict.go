package portal

import (
	"fmt"
	"strings"
	"time"

	"sihub/model"
	"sihub/verifier"
)

// reasonSentences say in plain words, Chinese then English, what each
// verifier reason means for the person holding the file. A test checks
// that every Reason constant of package verifier is here, in both
// languages.
var reasonSentences = map[verifier.Reason][2]string{
	verifier.ReasonMalformedPDF: {"文件不是有效的 PDF，或文件结构已损坏。", "The file is not a valid PDF, or its structure is damaged."},
	verifier.ReasonTooLarge:     {"文件过大或结构过于复杂，无法完成检查。", "The file is too large or too complex to be checked."},
	verifier.ReasonNoSignatures: {"文件中没有电子印章（数字签名）。", "The file has no electronic seal (digital signature)."},
	verifier.ReasonByteRangeInvalid: {"签名覆盖的范围异常，文件可能被篡改。",
		"The range the signature covers is irregular; the file may have been tampered with."},
	verifier.ReasonContentsInvalid:      {"签名数据的格式不正确。", "The signature data are malformed."},
	verifier.ReasonDigestMismatch:       {"盖章后文件内容被修改过（摘要不一致）。", "The content was changed after sealing (the digest differs)."},
	verifier.ReasonSignatureInvalid:     {"签名值验证失败，印章可能是伪造的。", "The signature value does not verify; the seal may be forged."},
	verifier.ReasonUnsupportedAlgorithm: {"签名使用了不被接受的算法。", "The signature uses an algorithm that is not accepted."},
	verifier.ReasonSignerNotFound:       {"签名中缺少签章人的证书。", "The signer's certificate is missing from the signature."},
	verifier.ReasonChainUntrusted:       {"签章证书不是由受信任的机构签发的。", "The seal certificate was not issued by a trusted authority."},
	verifier.ReasonCertExpired:          {"签章证书在签章时已过期。", "The seal certificate had expired when the file was sealed."},
	verifier.ReasonCertNotYetValid:      {"签章证书在签章时尚未生效。", "The seal certificate was not yet valid when the file was sealed."},
	verifier.ReasonKeyUsageInvalid:      {"签章证书不允许用于签章。", "The seal certificate may not be used for sealing."},
	verifier.ReasonModifiedAfterSigning: {"盖章后文件又被修改过。", "The file was changed after it was sealed."},
	verifier.ReasonNotWholeDocument:     {"文件末尾有未被印章覆盖的内容。", "The end of the file holds content no seal covers."},
	verifier.ReasonCodeUnknown:          {"登记系统中没有该文书的防伪码。", "The registry does not know the document's code."},
	verifier.ReasonDocumentSuperseded:   {"该文书已被重新开具的文书替代。", "The document was replaced by a newly issued one."},
	verifier.ReasonDocumentWithdrawn:    {"该文书已被经办机构撤回。", "The agency withdrew the document."},
	verifier.ReasonDocumentExpired: {"该文书已超出在线核验期限，登记系统不再为其作答。",
		"The document is past its verification window; the registry no longer answers for it."},
	verifier.ReasonRegistryDigestMismatch: {"文件与登记的原始文件不一致。",
		"The file differs from the original the registry holds."},
	verifier.ReasonRegistryUnavailable: {"暂时无法查询登记系统，请稍后再试。", "The registry cannot be reached now; try again later."},
	verifier.ReasonSealUnknown:         {"印章不在本机构的印章登记中。", "The seal is not in the agency's seal register."},
	verifier.ReasonSealNotActive: {"印章已被暂停、吊销或过期，不能再用于盖章。",
		"The seal was suspended, revoked or has expired, and may no longer be used."},
	verifier.ReasonUnsignedSignatureDict: {"文件中有未完成或无归属的签名域。", "The file holds an unfinished or orphaned signature field."},
	verifier.ReasonTimestampInvalid: {"签名时间戳无效，签章时间无法证明。",
		"The signature timestamp is not valid; the signing time cannot be proven."},
	verifier.ReasonCertRevoked: {"签章证书在签章时已被吊销。", "The seal certificate had been revoked when the file was sealed."},
	verifier.ReasonByteRangeOverlap: {"签名覆盖的范围相互重叠或顺序错乱，文件可能被篡改。",
		"The signed ranges overlap or are out of order; the file may have been tampered with."},
	verifier.ReasonByteRangeContentsMismatch: {"签名数据被挪动了位置（签名包装攻击）。",
		"The signed data were moved within the file (signature wrapping)."},
	verifier.ReasonSignatureOutsideRange: {"签名信息本身不在签名保护的范围内。",
		"The signature's own data lie outside what the signature protects."},
	verifier.ReasonDuplicateContents: {"签名中有重复的数据项，不同软件会读出不同结果。",
		"A signature holds duplicate entries that different programs read differently."},
	verifier.ReasonDuplicateObject: {"文件中同一对象被定义了两次，不同软件会显示不同内容。",
		"The file defines one object twice, so different programs may show different content."},
	verifier.ReasonXrefIntoGap: {"文件的索引指向签名数据内部，可能藏有未受保护的内容。",
		"The file's index points into the signature data, where unprotected content can hide."},
	verifier.ReasonXrefInconsistent: {"文件的修订链条不连续，后来的修订替换了已盖章的部分。",
		"The file's revision chain is broken: a later revision replaces sealed parts."},
	verifier.ReasonObjStmShadow: {"盖章后的修订悄悄替换了已盖章的内容。",
		"A revision after sealing quietly replaces sealed content."},
	verifier.ReasonCertificationNotFirst: {"认证签名不是文件的第一个签名，用法不正确。",
		"A certification signature is not the file's first signature."},
	verifier.ReasonDocMDPViolation: {"盖章后的改动超出了认证签名允许的范围。",
		"Changes after sealing go beyond what the certification signature permits."},
}

// modifiedReasons mean the file is not what was sealed: the verdict is
// "modified" rather than "invalid".
var modifiedReasons = map[verifier.Reason]bool{
	verifier.ReasonDigestMismatch: true, verifier.ReasonModifiedAfterSigning: true,
	verifier.ReasonNotWholeDocument: true, verifier.ReasonByteRangeInvalid: true,
	verifier.ReasonRegistryDigestMismatch: true, verifier.ReasonByteRangeOverlap: true,
	verifier.ReasonByteRangeContentsMismatch: true, verifier.ReasonSignatureOutsideRange: true,
	verifier.ReasonDuplicateContents: true, verifier.ReasonDuplicateObject: true,
	verifier.ReasonXrefIntoGap: true, verifier.ReasonXrefInconsistent: true,
	verifier.ReasonObjStmShadow: true, verifier.ReasonDocMDPViolation: true,
	verifier.ReasonCertificationNotFirst: true,
}

// cannotCheckReasons mean no conclusion was reached: the verdict is
// "unknown".
var cannotCheckReasons = map[verifier.Reason]bool{
	verifier.ReasonMalformedPDF: true, verifier.ReasonTooLarge: true, verifier.ReasonRegistryUnavailable: true,
}

// ReasonText returns the Chinese explanation of a verifier reason, or ""
// for a reason this portal does not know.
func ReasonText(code verifier.Reason) string {
	return reasonSentences[code][0]
}

// reasonSentence returns the sentence for code in lang, or a generic one
// naming the code.
func reasonSentence(code verifier.Reason, lang string) string {
	i := 0
	if lang == langEN {
		i = 1
	}
	if s := reasonSentences[code][i]; s != "" {
		return s
	}
	if lang == langEN {
		return "Check failed: " + string(code)
	}
	return "检查未通过：" + string(code)
}

// reasonSentencesOf returns the sentences of ps, each reason once.
func reasonSentencesOf(ps []verifier.Problem, lang string) []string {
	var out []string
	seen := map[verifier.Reason]bool{}
	for _, p := range ps {
		if !seen[p.Code] {
			seen[p.Code] = true
			out = append(out, reasonSentence(p.Code, lang))
		}
	}
	return out
}

// clause turns a sentence into a clause that can follow "不要信任：" or
// "Do not trust it:": no closing stop, and in English a lower-case first
// word unless it is an acronym ("PDF").
func clause(s string) string {
	s = strings.TrimRight(s, "。.")
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z' {
		s = string(s[0]-'A'+'a') + s[1:]
	}
	return s
}

// changeKindNames name what a revision changed (verifier Change*
// constants), Chinese then English. A test checks every constant is here.
var changeKindNames = map[string][2]string{
	verifier.ChangeSignature:      {"签名", "signature"},
	verifier.ChangeDocTimestamp:   {"文档时间戳", "document timestamp"},
	verifier.ChangeSignatureField: {"签名域", "signature field"},
	verifier.ChangeAppearance:     {"签名外观", "signature appearance"},
	verifier.ChangeDSS:            {"长期验证数据（DSS）", "long-term validation data (DSS)"},
	verifier.ChangeXrefStream:     {"索引流", "cross-reference stream"},
	verifier.ChangeObjectStream:   {"对象流", "object stream"},
	verifier.ChangeCatalog:        {"文档目录", "document catalog"},
	verifier.ChangeAcroForm:       {"表单", "form"},
	verifier.ChangePages:          {"页面树", "page tree"},
	verifier.ChangePage:           {"页面", "page"},
	verifier.ChangePageContent:    {"页面内容", "page content"},
	verifier.ChangeAnnotation:     {"批注", "annotation"},
	verifier.ChangeFormField:      {"表单字段", "form field"},
	verifier.ChangeFont:           {"字体", "font"},
	verifier.ChangeXObject:        {"图像或图形", "image or graphic"},
	verifier.ChangeInfo:           {"文档属性", "document properties"},
	verifier.ChangeMetadata:       {"元数据", "metadata"},
	verifier.ChangeTrailer:        {"文件尾", "trailer"},
	verifier.ChangeObject:         {"其他对象", "other object"},
}

// changeActionNames name what happened to an object.
var changeActionNames = map[string][2]string{
	"added":     {"新增", "added"},
	"modified":  {"修改", "modified"},
	"freed":     {"删除", "deleted"},
	"unchanged": {"原样重写", "rewritten unchanged"},
}

// registryStatusNames name registry statuses (verifier Registry*).
var registryStatusNames = map[string][2]string{
	verifier.RegistryValid:      {"有效", "Valid"},
	verifier.RegistrySuperseded: {"已被替代", "Superseded"},
	verifier.RegistryWithdrawn:  {"已撤回", "Withdrawn"},
	verifier.RegistryExpired:    {"已超出核验期限", "Past its verification window"},
	verifier.RegistryUnknown:    {"未登记", "Not registered"},
	verifier.RegistryNotChecked: {"未核对", "Not checked"},
}

// sealStatusNames name the seal lifecycle statuses (model.Seal*).
var sealStatusNames = map[string][2]string{
	model.SealRequested: {"待审批", "Requested"},
	model.SealRejected:  {"已驳回", "Rejected"},
	model.SealActive:    {"有效", "Active"},
	model.SealSuspended: {"已暂停", "Suspended"},
	model.SealRevoked:   {"已吊销", "Revoked"},
	model.SealExpired:   {"已过期", "Expired"},
	model.SealReplaced:  {"已更换", "Replaced"},
}

// revocationSourceNames say where a revocation answer came from
// (verifier RevocationSource*).
var revocationSourceNames = map[string][2]string{
	verifier.RevocationSourceDSSOCSP:    {"文件内的 OCSP 应答", "OCSP response in the file"},
	verifier.RevocationSourceDSSCRL:     {"文件内的证书吊销列表", "CRL in the file"},
	verifier.RevocationSourceRegistry:   {"本机构的证书登记", "the agency's certificate registry"},
	verifier.RevocationSourceOnlineOCSP: {"在线 OCSP 查询", "online OCSP"},
	verifier.RevocationSourceOnlineCRL:  {"在线证书吊销列表", "online CRL"},
}

// algorithmNames name the signature algorithms the verifier reports.
var algorithmNames = map[string][2]string{
	"SM2-SM3":           {"SM2 / SM3（国密算法）", "SM2 / SM3 (Chinese national algorithms)"},
	"ECDSA-P256-SHA256": {"ECDSA P-256 / SHA-256", "ECDSA P-256 / SHA-256"},
}

// levelNames explain the PAdES levels.
var levelNames = map[string][2]string{
	"B-B":   {"PAdES B-B（基础签名）", "PAdES B-B (basic signature)"},
	"B-T":   {"PAdES B-T（带可信时间戳）", "PAdES B-T (with a trusted timestamp)"},
	"B-LT":  {"PAdES B-LT（含长期验证数据）", "PAdES B-LT (with long-term validation data)"},
	"B-LTA": {"PAdES B-LTA（长期归档）", "PAdES B-LTA (long-term archive)"},
}

// named returns the name of key in lang from a two-language table, or
// key itself when the table lacks it.
func named(table map[string][2]string, key, lang string) string {
	n, ok := table[key]
	if !ok {
		return key
	}
	if lang == langEN {
		return n[1]
	}
	return n[0]
}

// windowLines refuse a document past its verification window, Chinese
// then English: kind, then the window's last day.
var windowLines = [2]string{
	"已超出在线核验期限：这份%s可在线核验至 %s，登记系统不再为其作答，请持有人重新开具",
	"Past its verification window: this %s could be checked online until %s; the registry no longer answers for it, ask the holder for a new one",
}

// outsideWindow returns the verdict line refusing the document when it
// is past its verification window and nothing else is wrong with it
// (problems holds only verifier.ReasonDocumentExpired, or nothing).
func outsideWindow(in reportInput, kind string, problems []verifier.Problem) (string, bool) {
	for _, p := range problems {
		if p.Code != verifier.ReasonDocumentExpired {
			return "", false
		}
	}
	var end time.Time // set when the window ended before now
	switch {
	case in.doc != nil:
		if verifier.PastWindow(*in.doc, in.now) {
			end = verifier.VerifyWindowEnd(*in.doc)
		}
	case in.rep != nil && in.rep.Document.VerifyUntil != nil && in.now.After(*in.rep.Document.VerifyUntil):
		end = *in.rep.Document.VerifyUntil
	}
	if end.IsZero() {
		return "", false
	}
	i := 0
	if in.lang == langEN {
		i = 1
	}
	return fmt.Sprintf(windowLines[i], kind, fmtDateLang(end, in.lang)), true
}
