package pdfstruct

import (
	"context"
	"os"
	"testing"
	"time"
)

// FuzzReader checks that Open and object resolution finish without a panic
// or a hang on any input. Seeds: every file of the PDF corpus.
func FuzzReader(f *testing.F) {
	for _, path := range corpusFiles(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > 256<<10 {
			continue // keep the seed set quick to replay
		}
		f.Add(data)
	}
	f.Add([]byte("%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		file, err := Open(ctx, data, Limits{MaxStreamDecoded: 1 << 20, MaxTotalDecoded: 4 << 20})
		if err != nil {
			return
		}
		budget := 20000
		walk(file, file.Trailer(), map[int]bool{}, &budget)
		for _, n := range file.ObjectNumbers() {
			if budget--; budget < 0 {
				break
			}
			if o, err := file.Object(n); err == nil {
				if s, ok := o.(*Stream); ok {
					_, _ = file.Decode(s)
				}
			}
		}
		for _, r := range file.Revisions() {
			file.IsRevisionEnd(r.End)
			for _, e := range r.Entries {
				if e.Kind == 1 {
					_, _, _ = file.InspectAt(e.Offset)
				}
			}
		}
		for _, h := range file.ObjectsIn(0, int64(len(data)), 1000) {
			_, _ = file.DuplicateKeys(h.Num)
			if _, ok := file.EntryOf(h.Num); !ok {
				continue
			}
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
