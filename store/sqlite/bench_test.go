package sqlite_test

import (
	"crypto/rand"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"sihub/internal/testutil"
	"sihub/model"
	"sihub/store/sqlite"
)

// benchPDF is a PDF-sized blob of incompressible bytes.
func benchPDF(b *testing.B, size int) []byte {
	pdf := make([]byte, size)
	rand.Read(pdf)
	return pdf
}

func benchDoc(i int64) model.Document {
	return model.Document{
		Code:           fmt.Sprintf("B%019d", i),
		Number:         fmt.Sprintf("2026-110105-%08d", i),
		Kind:           "insurance-certificate",
		Subject:        fmt.Sprintf("1101051990%08d", i%5000),
		SubjectName:    "张三",
		Lang:           "zh",
		Algorithms:     []string{"sm2"},
		SealIDs:        []string{"seal-1"},
		SHA256:         fmt.Sprintf("%064x", i),
		Size:           60 << 10,
		IssuedAt:       time.Unix(1772000000+i, 0),
		ValidUntil:     time.Unix(1772000000+i+90*86400, 0),
		Status:         model.DocValid,
		IdempotencyKey: fmt.Sprintf("req-%d", i),
	}
}

// BenchmarkPutDocument issues 60 KB documents from parallel writers.
func BenchmarkPutDocument(b *testing.B) {
	s, err := sqlite.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	pdf := benchPDF(b, 60<<10)
	var next atomic.Int64
	b.SetBytes(int64(len(pdf)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.PutDocument(b.Context(), benchDoc(next.Add(1)), pdf); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkDocumentByCode looks documents up by code from parallel readers
// in a registry of 1,000 documents (small PDFs: the lookup does not read
// them, and the setup runs again for every round of b.N).
func BenchmarkDocumentByCode(b *testing.B) {
	s, err := sqlite.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 1000
	pdf := benchPDF(b, 1<<10)
	for i := range int64(n) {
		if err := s.PutDocument(b.Context(), benchDoc(i), pdf); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) % n
			d, err := s.DocumentByCode(b.Context(), benchDoc(i).Code)
			if err != nil || d.Number != benchDoc(i).Number {
				b.Errorf("DocumentByCode: %+v, %v", d, err)
				return
			}
		}
	})
}

// BenchmarkPutIssued stores 70 KB documents with their audit entries and
// notices from four writers per core, as the issuing path does; cpu-µs/op
// is the process's CPU per document.
func BenchmarkPutIssued(b *testing.B) {
	s, err := sqlite.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	pdf := benchPDF(b, 70<<10)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	cpu := testutil.StartCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			d := benchDoc(next.Add(1))
			is := model.Issuance{Document: d, PDF: pdf,
				Audit: model.AuditEntry{Time: d.IssuedAt, Actor: "bench", Action: "document.issue", Object: d.Code, Outcome: "ok",
					Detail: "kind=insurance-certificate number=" + d.Number + " algs=sm2"},
				Messages: []model.Message{{Recipient: d.Subject, Kind: "document.issued", Subject: "参保证明已出具",
					Body: "张*，您的参保证明已出具，请在“我的证明”中查看和下载。", Link: "/me/documents/" + d.Code,
					DedupKey: "document.issued:" + d.Code, CreatedAt: d.IssuedAt}}}
			if err := s.PutIssued(b.Context(), is); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	cpu.Report(b, 2)
}
