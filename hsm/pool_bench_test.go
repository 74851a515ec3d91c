package hsm

import (
	"context"
	"testing"
)

// BenchmarkPoolDo measures the pool's own cost around a call that does
// nothing: the hand-off to the session's goroutine (default) and Inline
// (the caller's goroutine, under the reused watchdog timer).
func BenchmarkPoolDo(b *testing.B) {
	for _, inline := range []bool{false, true} {
		name := "handoff"
		if inline {
			name = "inline"
		}
		b.Run(name, func(b *testing.B) {
			p := NewPool[int](&fakeSessions{}, PoolOptions{Inline: inline})
			defer p.Close()
			for b.Loop() {
				if err := p.Do(context.Background(), func(int) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
