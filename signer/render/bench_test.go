package render

import (
	"testing"

	"sihub/internal/testutil"
)

// BenchmarkRenderInsuranceCertificate renders the 24-month certificate
// with two signature fields on all cores; bytes/doc is the file size and
// cpu-µs/op the process CPU time per document (GC included), which stays
// meaningful when other work shares the machine.
func BenchmarkRenderInsuranceCertificate(b *testing.B) {
	r := renderer(b)
	c := sampleCertificate(24)
	o := sampleOptions(2)
	o.Rand = nil
	p, err := r.InsuranceCertificate(c, o)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := testutil.StartCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.InsuranceCertificate(c, o); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	cpu.Report(b, 2)
	b.ReportMetric(float64(len(p.PDF)), "bytes/doc")
}

// BenchmarkLoadFont is the one-time cost of parsing the embedded font
// (DefaultFont pays it once per process).
func BenchmarkLoadFont(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := NewFont(wqyMicroHei); err != nil {
			b.Fatal(err)
		}
	}
}
