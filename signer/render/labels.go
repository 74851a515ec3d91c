package render

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// labels are the words the layout itself prints, per language.
type labels struct {
	printed, number, code, hint, verifyAt, region string
	scan, continued, notes                        string
	page                                          func(n, of int) string
	valid                                         func(t time.Time) string
	verify                                        func(t time.Time) string
	date                                          func(t time.Time) string

	textOnce sync.Once
	all      []string // text(), made once
}

var labelSets = map[string]*labels{
	"zh": {
		printed: "打印日期：", number: "证明编号：", code: "校验码：", hint: "凭此校验码，全国可上网确认真伪",
		verifyAt: "验证网址：", region: "参保地：", scan: "扫码验证真伪", continued: "（续）", notes: "备注",
		page:   func(n, of int) string { return "第 " + strconv.Itoa(n) + " 页，共 " + strconv.Itoa(of) + " 页" },
		valid:  func(t time.Time) string { return "本证明有效期至 " + ymd(t) + "。" },
		verify: func(t time.Time) string { return "本文书可于 " + ymd(t) + " 前凭校验码在线核验。" },
		date:   ymd,
	},
	"en": {
		printed: "Printed: ", number: "Document No.: ", code: "Verification code: ",
		hint: "Check this code online, from anywhere in China", verifyAt: "Verify at: ", region: "Insured in: ",
		scan: "Scan to verify", continued: " (continued)", notes: "Notes",
		page:   func(n, of int) string { return "Page " + strconv.Itoa(n) + " of " + strconv.Itoa(of) },
		valid:  func(t time.Time) string { return "This document is valid until " + dmy(t) + "." },
		verify: func(t time.Time) string { return "It can be verified online with its code until " + dmy(t) + "." },
		date:   dmy,
	},
}

func init() { labelSets["zh,en"] = bilingual(labelSets["zh"], labelSets["en"]) }

// bilingual puts the Chinese and the English labels side by side: labels
// and dates as "中文 English", sentences one after the other.
func bilingual(zh, en *labels) *labels {
	both := func(a, b string) string { return a + " " + b }
	return &labels{
		printed: zh.printed + en.printed, number: zh.number + en.number, code: zh.code + en.code,
		hint: both(zh.hint, en.hint), verifyAt: zh.verifyAt + en.verifyAt, region: zh.region + en.region,
		scan: zh.scan + " " + en.scan, continued: zh.continued + en.continued, notes: both(zh.notes, en.notes),
		page:   func(n, of int) string { return zh.page(n, of) + " / " + en.page(n, of) },
		valid:  func(t time.Time) string { return both(zh.valid(t), en.valid(t)) },
		verify: func(t time.Time) string { return both(zh.verify(t), en.verify(t)) },
		date:   func(t time.Time) string { return zh.date(t) + " / " + en.date(t) },
	}
}

// labelsFor returns the label set of lang ("" is Chinese).
func labelsFor(lang string) (*labels, error) {
	if lang == "" {
		lang = "zh"
	}
	l, ok := labelSets[lang]
	if !ok {
		return nil, fmt.Errorf("%w: language %q (want zh, en or zh,en)", ErrInvalidInput, lang)
	}
	return l, nil
}

// text returns every string the labels can print, for the coverage check
// and the font template. It is made on the first call; the result must
// not be modified.
func (l *labels) text() []string {
	l.textOnce.Do(func() {
		sample := time.Date(2026, 12, 30, 0, 0, 0, 0, time.UTC)
		l.all = []string{l.printed, l.number, l.code, l.hint, l.verifyAt, l.region, l.scan, l.continued, l.notes,
			l.page(1234567890, 1234567890), l.valid(sample), l.verify(sample), l.date(sample), "0123456789"}
	})
	return l.all
}

// ymd formats a date the Chinese way.
func ymd(t time.Time) string {
	return fmt.Sprintf("%04d年%02d月%02d日", t.Year(), int(t.Month()), t.Day())
}

// dmy formats a date in English.
func dmy(t time.Time) string { return t.Format("2 January 2006") }
