package sqlite_test

import (
	"fmt"
	"sync"
	"testing"

	"sihub/model"
	"sihub/store/sqlite"
)

// TestTwoStoresOneFile opens the same file twice — two independent pools
// locking the file as two processes would — and has both allocate numbers
// and store documents at once: no lock error surfaces, no number repeats.
func TestTwoStoresOneFile(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	var stores [2]*sqlite.Store
	for i := range stores {
		s, err := sqlite.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	const perStore, goroutines, each = 2, 4, 30
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for si, s := range stores {
		for g := range goroutines {
			wg.Go(func() {
				for i := range each {
					n, err := s.AllocateNumber(ctx, "S")
					if err != nil {
						t.Errorf("store %d: AllocateNumber: %v", si, err)
						return
					}
					mu.Lock()
					if seen[n] {
						t.Errorf("number %d handed out twice", n)
					}
					seen[n] = true
					mu.Unlock()
					d := model.Document{Code: fmt.Sprintf("C%d-%d-%d", si, g, i), Number: fmt.Sprint(n), Subject: "S", Status: model.DocValid}
					if err := s.PutDocument(ctx, d, []byte("%PDF "+d.Code)); err != nil {
						t.Errorf("store %d: PutDocument: %v", si, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	if want := perStore * goroutines * each; len(seen) != want {
		t.Errorf("%d distinct numbers, want %d", len(seen), want)
	}
	docs, err := stores[1].DocumentsBySubject(ctx, "S")
	if err != nil || len(docs) != len(seen) {
		t.Errorf("the second store sees %d documents (%v), want %d", len(docs), err, len(seen))
	}
}
