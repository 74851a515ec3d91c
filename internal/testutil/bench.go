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

// Loop runs op until the benchmark is done and reports, besides ns/op,
// unit per wall second and per CPU second ("sig" gives sig/s and
// sig/cpu-s): CPU time counts all threads, so work a C library does in
// process is included.
func Loop(b *testing.B, unit string, op func() error) {
	b.Helper()
	start := ProcessCPU()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	cpu := ProcessCPU() - start
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), unit+"/cpu-s")
	}
}
