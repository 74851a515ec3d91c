package testutil

import (
	"testing"
	"time"
)

// CPUMeter reports a benchmark's CPU cost per operation next to its wall
// time: start it after setup, call Report when the loop is done.
type CPUMeter struct{ start time.Duration }

// StartCPU starts a meter.
func StartCPU() CPUMeter { return CPUMeter{start: ProcessCPU()} }

// Report adds "cpu-µs/op" and, for a machine with cores free cores,
// "ops/s@Ncores" — what the measured CPU cost allows when nothing else
// runs.
func (m CPUMeter) Report(b *testing.B, cores int) {
	cpu := ProcessCPU() - m.start
	if cpu <= 0 || b.N == 0 {
		return
	}
	per := float64(cpu.Microseconds()) / float64(b.N)
	b.ReportMetric(per, "cpu-µs/op")
	if cores > 0 && per > 0 {
		b.ReportMetric(float64(cores)*1e6/per, "ops/s-at-full-cores")
	}
}
