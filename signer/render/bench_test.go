package render

import (
	"strconv"
	"sync/atomic"
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
	benchRender(b, func() (int, error) {
		p, err := r.InsuranceCertificate(c, o)
		if err != nil {
			return 0, err
		}
		return len(p.PDF), nil
	})
}

// BenchmarkRender renders what the issuing benchmarks of the app render:
// the one-page certificate (24 months, one signature field) and the
// four-page yearly statement (13 years of history, one signature field).
func BenchmarkRender(b *testing.B) {
	r := renderer(b)
	o := sampleOptions(1)
	o.Rand = nil
	b.Run("certificate", func(b *testing.B) {
		c := sampleCertificate(24)
		benchRender(b, func() (int, error) {
			p, err := r.InsuranceCertificate(c, o)
			if err != nil {
				return 0, err
			}
			return len(p.PDF), nil
		})
	})
	// As the issuing service would with Recycle: the file's memory
	// handed back once it is sealed (here, at once).
	b.Run("certificate-recycled", func(b *testing.B) {
		c := sampleCertificate(24)
		benchRender(b, func() (int, error) {
			p, err := r.InsuranceCertificate(c, o)
			if err != nil {
				return 0, err
			}
			n := len(p.PDF)
			r.Recycle(p)
			return n, nil
		})
	})
	// Every certificate with a title of its own: text taken for template
	// that changes per document, so each one builds a font template.
	b.Run("certificate-own-template", func(b *testing.B) {
		c := sampleCertificate(24)
		var n atomic.Int64
		benchRender(b, func() (int, error) {
			d, err := c.Document()
			if err != nil {
				return 0, err
			}
			d.Title = "参保证明" + strconv.FormatInt(n.Add(1), 36)
			p, err := r.Document(d, o)
			if err != nil {
				return 0, err
			}
			return len(p.PDF), nil
		})
	})
	b.Run("statement", func(b *testing.B) {
		s := sampleStatement(13, "zh")
		benchRender(b, func() (int, error) {
			p, err := r.RightsStatement(s, o)
			if err != nil {
				return 0, err
			}
			return len(p.PDF), nil
		})
	})
}

// benchRender runs render on all cores and reports the file size it
// returns, the process CPU per document and the allocations. The warm-up
// builds the font template, as in a running service.
func benchRender(b *testing.B, render func() (int, error)) {
	size, err := render()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := testutil.StartCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := render(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	cpu.Report(b, 2)
	b.ReportMetric(float64(size), "bytes/doc")
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
