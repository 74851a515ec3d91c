package storetest

import (
	"bytes"
	"fmt"
	"time"

	"sihub/model"
)

// t0 is the suite's reference time. Times are whole milliseconds, the
// precision every backend (BSON dates included) keeps.
var t0 = time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)

// beijing is UTC+8, to check that times survive as instants.
var beijing = time.FixedZone("CST", 8*3600)

func at(d time.Duration) time.Time { return t0.Add(d) }

func person(id string) model.Person {
	return model.Person{
		ID:        id,
		Name:      "张三" + id[len(id)-2:],
		Sex:       "男",
		BirthDate: "1990-03-07",
		Region:    "110105",
		UnitCode:  "91110105MA01ABCD2X",
		Phone:     "13800000000",
		Address:   "北京市朝阳区某街道1号",
		CreatedAt: at(time.Hour).In(beijing),
	}
}

// document is the i-th test document of a subject.
func document(subject string, i int) model.Document {
	return model.Document{
		Code:        fmt.Sprintf("C%s%04d", subject, i),
		Number:      fmt.Sprintf("N-%s-%04d", subject, i),
		Kind:        "insurance-certificate",
		Subject:     subject,
		SubjectName: "张三",
		Lang:        "zh",
		Algorithms:  []string{"sm2", "p256"},
		SealIDs:     []string{"seal-1"},
		SHA256:      fmt.Sprintf("%064x", i),
		Size:        int64(pdfSize(i)),
		IssuedAt:    at(time.Duration(i) * time.Minute),
		ValidUntil:  at(time.Duration(i)*time.Minute + 90*24*time.Hour),
		Status:      model.DocValid,
	}
}

func pdfSize(i int) int { return 1000 + i%7 }

// pdfOf is deterministic content for the i-th document, so a reader can
// tell one PDF from another.
func pdfOf(code string, size int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n% " + code + "\n")
	for b.Len() < size {
		b.WriteString(code)
		b.WriteByte(byte(b.Len()))
	}
	return b.Bytes()[:size]
}
