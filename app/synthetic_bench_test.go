package app

import (
	"context"
	"testing"
	"time"

	"sihub/store"
)

// BenchmarkSeedSynthetic measures SeedSynthetic on the embedded store:
// each iteration seeds 500 persons (with their units, enrolments,
// contribution histories and applications) into a fresh database, and
// the result is reported as persons per second.
func BenchmarkSeedSynthetic(b *testing.B) {
	const persons = 500
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := store.Open(ctx, store.Config{DataDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := SeedSynthetic(ctx, st, persons, uint64(i), now); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(persons*b.N)/elapsed.Seconds(), "persons/s")
}
