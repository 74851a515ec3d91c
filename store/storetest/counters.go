package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"sihub/store"
)

func testAllocateNumber(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	var a, b []int64
	for range 3 {
		n, err := s.AllocateNumber(c, "2026-110105-CERT")
		must(t, "AllocateNumber", err)
		a = append(a, n)
	}
	n, err := s.AllocateNumber(c, "2026-110105-RCPT")
	must(t, "AllocateNumber", err)
	b = append(b, n)
	n, err = s.AllocateNumber(c, "2026-110105-CERT")
	must(t, "AllocateNumber", err)
	a = append(a, n)
	if !slices.Equal(a, []int64{1, 2, 3, 4}) {
		t.Errorf("numbers of one series = %v, want [1 2 3 4]", a)
	}
	if !slices.Equal(b, []int64{1}) {
		t.Errorf("numbers of a second series = %v, want [1] (series are independent)", b)
	}
}

// testAllocateNumberConcurrent has every goroutine allocate from the same
// series at once: all numbers are distinct, and together they are 1..total.
func testAllocateNumberConcurrent(t *testing.T, s store.Store, o Options) {
	c := ctx(t)
	const series = "2026-110105-CERT"
	g, per := o.Goroutines, o.PerGoroutine
	got := make([][]int64, g)
	errs := make([]error, g)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range g {
		wg.Go(func() {
			<-start
			for range per {
				n, err := s.AllocateNumber(c, series)
				if err != nil {
					errs[w] = fmt.Errorf("goroutine %d: AllocateNumber: %w", w, err)
					return
				}
				got[w] = append(got[w], n)
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	seen := map[int64]int{}
	for w, ns := range got {
		for _, n := range ns {
			if prev, dup := seen[n]; dup {
				t.Errorf("number %d handed out twice (goroutines %d and %d)", n, prev, w)
			}
			seen[n] = w
		}
	}
	total := int64(g * per)
	for n := int64(1); n <= total; n++ {
		if _, ok := seen[n]; !ok && !t.Failed() {
			t.Errorf("%d goroutines × %d allocations: number %d missing from 1..%d", g, per, n, total)
		}
	}
	next, err := s.AllocateNumber(c, series)
	must(t, "AllocateNumber after the race", err)
	if next != total+1 {
		t.Errorf("AllocateNumber after %d allocations = %d, want %d", total, next, total+1)
	}
}
