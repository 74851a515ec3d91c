package hsm

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"sihub/internal/testutil"
)

// BenchmarkPoolDo measures the pool's own cost around a device call, in
// wall time and in CPU time per call (cpu-µs/op, all threads of the
// process): the hand-off to the session's goroutine, inline (the caller's
// goroutine under the reused watchdog timer) and the default ModeAuto.
// The call does nothing (call=0) or keeps its thread busy for 90 µs like
// a local token's P-256 signature (call=90us): then the caller's thread
// falls asleep while it waits, and the CPU difference between hand-off
// and inline is what waking threads costs on this machine.
func BenchmarkPoolDo(b *testing.B) {
	for _, work := range []time.Duration{0, 90 * time.Microsecond} {
		for _, mode := range []CallMode{ModeHandOff, ModeInline, ModeAuto} {
			b.Run(fmt.Sprintf("call=%v/mode=%v", work, mode), func(b *testing.B) {
				benchPoolDo(b, mode, work)
			})
		}
	}
}

func benchPoolDo(b *testing.B, mode CallMode, work time.Duration) {
	p := NewPool[int](&fakeSessions{}, PoolOptions{Mode: mode})
	defer p.Close()
	call := func(int) error {
		for start := time.Now(); time.Since(start) < work; {
		}
		return nil
	}
	m := testutil.StartCPU()
	for b.Loop() {
		if err := p.Do(context.Background(), call); err != nil {
			b.Fatal(err)
		}
	}
	m.Report(b, runtime.GOMAXPROCS(0))
}
