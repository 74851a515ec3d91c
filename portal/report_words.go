package portal

// words are the texts of the verification pages and the verification
// report in one language. Every field has a value in both wordsZH and
// wordsEN (a test checks it). Fields ending in "F" are fmt formats.
type words struct {
	Lang string // "zh-CN" or "en", for the lang attribute

	TitleCode, TitleUpload, ReportTitle string

	// Verdict lines: the one line a clerk acts on.
	TrustedF         string // kind, agency
	TrustedRegistryF string // kind, agency: registry only, the seal was not checked
	ModifiedLine     string
	InvalidF         string // reason sentence
	SupersededF      string // date of the new document
	SupersededLine   string // when the new document is not known
	WithdrawnF       string // reason
	WithdrawnLine    string // when no reason was recorded
	ExpiredF         string // kind, date
	UnknownF         string // reason sentence
	NotFoundLine     string

	// Explanations under the verdict line.
	ExplainTrusted, ExplainTrustedRegistry, ExplainModified, ExplainInvalid string
	ExplainSuperseded, ExplainWithdrawn, ExplainExpired, ExplainUnknown     string
	ExplainNotFound                                                         string

	// What to do next, per verdict.
	NextTrusted, NextModified, NextInvalid, NextSuperseded []string
	NextWithdrawn, NextExpired, NextUnknown                []string

	ThisFile, ThisDocument string // stand-ins for the kind when it is not known
	UnknownSigner          string

	// Headings and labels.
	HeadingDocument, HeadingProblems, HeadingSignatures, HeadingRevisions, HeadingNext string
	HeadingToken                                                                       string
	SignatureF                                                                         string // index
	Kind, Number, Code, Holder, HolderID, IssuedAt, ValidUntil, Registry               string
	Checked, CheckedAt, FileSHA256, NoCode                                             string
	SealName, SealStatus, Algorithm, Signer, CertIssuer, Level, SignedAt               string
	Timestamp, Revocation                                                              string
	NoSignatures, Valid, Invalid, Dash                                                 string
	LabeledF                                                                           string // label, value
	WithReasonF                                                                        string // status, reason

	// Signature checks.
	IntegrityOK, IntegrityBad, WholeOK, WholeBad, UnmodifiedOK, UnmodifiedBad string
	ChainOK, ChainBad                                                         string
	WholeAllowed                                                              string
	CheckPass, CheckFail, CheckNote                                           string // labels of checks in the PDF

	// Timestamp and revocation states.
	TimestampAtF, TimestampNo, TimestampBad                            string // TimestampAtF: time, authority
	RevocationFromF                                                    string // state, source
	DocTimestampF                                                      string // index
	RevocationGood, RevocationRevoked, RevocationUnknown, RevocationNo string

	// Revisions.
	RevisionF                                     string // index, end offset
	RevisionSignedF                               string // signature numbers
	RevisionOriginal, RevisionNoChanges           string
	ChangeAllowed, ChangeNotAllowed, MoreChangesF string // MoreChangesF: count
	ObjectsF                                      string // count, lowest and highest object number
	SignaturesF                                   string // count

	// Actions.
	DownloadReport, CheckAnother, CheckByUpload, TryCodeAgain string

	// QR token check.
	TokenOff, TokenUnreadable, TokenForged, TokenMismatch, TokenOK string
	TokenFieldMismatchF                                            string // field name
	TokenCarries                                                   string
}

var wordsZH = words{
	Lang:      "zh-CN",
	TitleCode: "验证结果", TitleUpload: "文件验证结果", ReportTitle: "核验报告",

	TrustedF:         "可以信任：这份%s由%s签发，未被篡改，印章有效",
	TrustedRegistryF: "可以信任：这份%s由%s签发，登记状态有效",
	ModifiedLine:     "不要信任：文件在盖章后被修改",
	InvalidF:         "不要信任：%s",
	SupersededF:      "已被新证明取代（新证明于 %s 开具）",
	SupersededLine:   "已被新证明取代",
	WithdrawnF:       "已撤回（原因：%s）",
	WithdrawnLine:    "已撤回",
	ExpiredF:         "已过有效期：这份%s的有效期至 %s",
	UnknownF:         "无法核验：%s",
	NotFoundLine:     "无法核验：没有找到这个防伪码",

	ExplainTrusted:         "电子印章完好，文件自盖章后未被修改，签章证书可信，登记状态有效。",
	ExplainTrustedRegistry: "登记系统中有这份文书，状态有效。本页只核对了登记信息；如需检查电子印章本身，请上传 PDF 文件。",
	ExplainModified:        "这份文件与盖章时的内容不一致，可能被篡改过。",
	ExplainInvalid:         "电子印章或签章证书未通过检查，文件不能证明它出自经办机构。",
	ExplainSuperseded:      "经办机构已为持有人重新开具了这份文书，旧文书不再有效。",
	ExplainWithdrawn:       "经办机构已撤回这份文书，它不能再作为证明使用。",
	ExplainExpired:         "文书本身完好，但已超过有效期。",
	ExplainUnknown:         "系统无法得出结论，这并不说明文书是真的或假的。",
	ExplainNotFound:        "登记系统中没有与这个防伪码对应的文书。",

	NextTrusted: []string{"核对纸质或电子文书上的编号、持有人和日期与本页一致。",
		"需要存档时，下载核验报告（PDF），报告本身也加盖了电子印章，可以再次核验。"},
	NextModified: []string{"不要依据这份文件办理业务。",
		"请持有人从经办机构网站重新下载原件，或输入原件上的防伪码核验。",
		"如怀疑伪造，请联系经办机构。"},
	NextInvalid:    []string{"不要依据这份文件办理业务。", "请持有人重新开具文书后再核验；如有疑问，请联系经办机构。"},
	NextSuperseded: []string{"请持有人提供最新开具的文书，并重新核验。"},
	NextWithdrawn:  []string{"不要依据这份文书办理业务。", "如有疑问，请联系经办机构。"},
	NextExpired:    []string{"请持有人重新开具文书后再核验。"},
	NextUnknown: []string{"核对防伪码是否输入正确（以文书上印制的为准）。",
		"上传 PDF 文件核验，或联系经办机构。"},

	ThisFile: "文件", ThisDocument: "文书", UnknownSigner: "签章人",

	HeadingDocument: "文书信息", HeadingProblems: "发现的问题", HeadingSignatures: "电子印章",
	HeadingRevisions: "文件修订记录", HeadingNext: "下一步怎么做", HeadingToken: "二维码核对",
	SignatureF: "印章 %d",
	Kind:       "文书类型", Number: "文书编号", Code: "防伪码", Holder: "持有人", HolderID: "证件号码",
	IssuedAt: "开具时间", ValidUntil: "有效期至", Registry: "登记状态",
	Checked: "核验对象", CheckedAt: "核验时间", FileSHA256: "文件 SHA-256",
	NoCode:   "文件中没有本机构的防伪码，不是本机构开具的文书，或防伪信息已被破坏。",
	SealName: "印章名称", SealStatus: "印章状态", Algorithm: "算法", Signer: "签章人", CertIssuer: "证书签发者",
	Level: "签名级别", SignedAt: "签章时间", Timestamp: "时间戳", Revocation: "证书吊销状态",
	NoSignatures: "文件中没有找到电子印章。", Valid: "有效", Invalid: "无效", Dash: "—",
	LabeledF: "%s：%s", WithReasonF: "%s（%s）",

	IntegrityOK: "签名值正确，签名覆盖的内容未被改动", IntegrityBad: "签名值或内容摘要验证失败",
	WholeOK: "签名覆盖整个文件", WholeBad: "签名未覆盖整个文件",
	UnmodifiedOK: "盖章后文件未被修改", UnmodifiedBad: "盖章后文件被修改过",
	ChainOK: "签章证书由受信任的机构签发", ChainBad: "签章证书不受信任",
	WholeAllowed: "盖章之后只追加了允许的数据（长期验证数据或时间戳）",
	CheckPass:    "通过", CheckFail: "未通过", CheckNote: "说明",

	TimestampAtF: "可信时间戳证明签章时间为 %s（时间戳机构：%s）", TimestampNo: "无可信时间戳（签章时间取自签名本身）",
	TimestampBad: "时间戳无效，签章时间无法证明", RevocationFromF: "%s（依据：%s）", DocTimestampF: "文档时间戳 %d",
	RevocationGood: "未被吊销", RevocationRevoked: "已被吊销", RevocationUnknown: "无法确认", RevocationNo: "未在线查询",

	RevisionF: "第 %d 版（文件前 %d 字节）", RevisionSignedF: "印章 %s 在这一版盖上",
	RevisionOriginal: "原始文件", RevisionNoChanges: "没有改动",
	ChangeAllowed: "允许的改动", ChangeNotAllowed: "不允许的改动", MoreChangesF: "……另有 %d 项改动",
	ObjectsF: "%d 个对象（#%d 至 #%d）", SignaturesF: "电子印章（%d 个）",

	DownloadReport: "下载核验报告（PDF）", CheckAnother: "验证另一个文件", CheckByUpload: "上传 PDF 文件验证",
	TryCodeAgain: "重新输入防伪码",

	TokenOff:            "本站未启用二维码签名核对，请以上方登记信息为准。",
	TokenUnreadable:     "二维码内容无法识别，可能已被篡改。",
	TokenForged:         "二维码签名无效：该二维码不是本机构签发的，或已被篡改。",
	TokenMismatch:       "二维码签名有效，但其中的信息与登记信息不一致，文书可能被篡改。",
	TokenOK:             "二维码签名有效，印制的信息与登记信息一致。",
	TokenFieldMismatchF: "%s与登记信息不一致",
	TokenCarries:        "二维码中签名保护的信息（请与纸质文书核对）：",
}

var wordsEN = words{
	Lang:      "en",
	TitleCode: "Verification result", TitleUpload: "File verification result", ReportTitle: "Verification Report",

	TrustedF:         "Trust it: this %s was issued by %s, has not been altered, and its seal is valid",
	TrustedRegistryF: "Trust it: this %s was issued by %s and its registration is valid",
	ModifiedLine:     "Do not trust it: the file was changed after it was sealed",
	InvalidF:         "Do not trust it: %s",
	SupersededF:      "Replaced by a newer document (issued on %s)",
	SupersededLine:   "Replaced by a newer document",
	WithdrawnF:       "Withdrawn (reason: %s)",
	WithdrawnLine:    "Withdrawn",
	ExpiredF:         "Expired: this %s was valid until %s",
	UnknownF:         "Cannot be verified: %s",
	NotFoundLine:     "Cannot be verified: no document has this code",

	ExplainTrusted:         "The electronic seal is intact, the file has not been changed since it was sealed, the seal certificate is trusted, and the registration is valid.",
	ExplainTrustedRegistry: "The registry holds this document and it is valid. This page checked the registration only; upload the PDF file to check the electronic seal itself.",
	ExplainModified:        "The file differs from what was sealed; it may have been tampered with.",
	ExplainInvalid:         "The electronic seal or its certificate failed the checks; the file does not prove that it comes from the agency.",
	ExplainSuperseded:      "The agency issued this document again for its holder; the old one is no longer valid.",
	ExplainWithdrawn:       "The agency withdrew this document; it can no longer serve as proof.",
	ExplainExpired:         "The document itself is intact, but its validity period has ended.",
	ExplainUnknown:         "The system could not reach a conclusion; this does not mean the document is genuine or false.",
	ExplainNotFound:        "The registry has no document with this code.",

	NextTrusted: []string{"Check that the number, holder and dates on the paper or file match this page.",
		"To keep a record, download the verification report (PDF); it is sealed too and can itself be verified."},
	NextModified: []string{"Do not rely on this file.",
		"Ask the holder to download the original again from the agency's website, or enter the code printed on the original.",
		"If you suspect forgery, contact the agency."},
	NextInvalid:    []string{"Do not rely on this file.", "Ask the holder for a newly issued document and check it again; contact the agency with any doubt."},
	NextSuperseded: []string{"Ask the holder for the latest document and check it again."},
	NextWithdrawn:  []string{"Do not rely on this document.", "Contact the agency with any questions."},
	NextExpired:    []string{"Ask the holder for a newly issued document and check it again."},
	NextUnknown: []string{"Check that the code was entered correctly (as printed on the document).",
		"Upload the PDF file, or contact the agency."},

	ThisFile: "file", ThisDocument: "document", UnknownSigner: "the signer",

	HeadingDocument: "Document", HeadingProblems: "Problems found", HeadingSignatures: "Electronic seals",
	HeadingRevisions: "Revisions of the file", HeadingNext: "What to do next", HeadingToken: "QR code check",
	SignatureF: "Seal %d",
	Kind:       "Document type", Number: "Document number", Code: "Verification code", Holder: "Holder", HolderID: "ID number",
	IssuedAt: "Issued", ValidUntil: "Valid until", Registry: "Registry status",
	Checked: "Checked", CheckedAt: "Checked at", FileSHA256: "File SHA-256",
	NoCode:   "The file carries no verification code of this agency: it was not issued here, or its anti-forgery data was damaged.",
	SealName: "Seal name", SealStatus: "Seal status", Algorithm: "Algorithm", Signer: "Signer", CertIssuer: "Certificate issuer",
	Level: "Signature level", SignedAt: "Signed at", Timestamp: "Timestamp", Revocation: "Certificate revocation",
	NoSignatures: "No electronic seal was found in the file.", Valid: "Valid", Invalid: "Not valid", Dash: "—",
	LabeledF: "%s: %s", WithReasonF: "%s (%s)",

	IntegrityOK: "The signature is correct and the signed content is unchanged", IntegrityBad: "The signature value or content digest does not verify",
	WholeOK: "The signature covers the whole file", WholeBad: "The signature does not cover the whole file",
	UnmodifiedOK: "The file was not changed after sealing", UnmodifiedBad: "The file was changed after sealing",
	ChainOK: "The seal certificate was issued by a trusted authority", ChainBad: "The seal certificate is not trusted",
	WholeAllowed: "Only permitted data (long-term validation data or timestamps) were added after sealing",
	CheckPass:    "Passed", CheckFail: "Failed", CheckNote: "Note",

	TimestampAtF: "A trusted timestamp proves the signing time: %s (authority: %s)", TimestampNo: "No trusted timestamp (the signing time is the signer's own claim)",
	TimestampBad: "The timestamp is not valid; the signing time is not proven", RevocationFromF: "%s (from %s)", DocTimestampF: "Document timestamp %d",
	RevocationGood: "Not revoked", RevocationRevoked: "Revoked", RevocationUnknown: "Could not be established", RevocationNo: "Not checked online",

	RevisionF: "Revision %d (first %d bytes of the file)", RevisionSignedF: "Seal %s applied in this revision",
	RevisionOriginal: "Original file", RevisionNoChanges: "No changes",
	ChangeAllowed: "allowed change", ChangeNotAllowed: "change not allowed", MoreChangesF: "… and %d more changes",
	ObjectsF: "%d objects (#%d to #%d)", SignaturesF: "Electronic seals (%d)",

	DownloadReport: "Download the verification report (PDF)", CheckAnother: "Check another file", CheckByUpload: "Check the PDF file",
	TryCodeAgain: "Enter the code again",

	TokenOff:            "This site does not check QR signatures; rely on the registry data above.",
	TokenUnreadable:     "The QR code cannot be read; it may have been tampered with.",
	TokenForged:         "The QR signature is not valid: the QR code was not issued by this agency, or it was altered.",
	TokenMismatch:       "The QR signature is valid, but its data differ from the registry: the document may have been altered.",
	TokenOK:             "The QR signature is valid and the printed data match the registry.",
	TokenFieldMismatchF: "%s differs from the registry",
	TokenCarries:        "What the signed QR code says (compare it with the paper):",
}

// lang returns langZH or langEN.
func (w *words) lang() string {
	if w == &wordsEN {
		return langEN
	}
	return langZH
}
