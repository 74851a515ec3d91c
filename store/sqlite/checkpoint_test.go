package sqlite

import (
	"testing"
	"time"

	"sihub/model"
)

// Group-committed writes start a background checkpoint every
// checkpointEvery of them; fewer start none; Close stops the
// checkpointer.
func TestBackgroundCheckpoint(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan struct{}, 8)
	s.gc.checkpoints.ran = func() { ran <- struct{}{} }
	put := func(i int) {
		t.Helper()
		d := groupDoc(i, "")
		if err := s.PutIssued(t.Context(), model.Issuance{Document: d, PDF: []byte("%PDF-1.7"),
			Audit: model.AuditEntry{Time: time.Now(), Action: "document.issue", Object: d.Code}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range checkpointEvery - 1 {
		put(i)
	}
	if n := s.gc.checkpoints.runs.Load(); n != 0 || len(ran) != 0 {
		t.Fatalf("%d checkpoints after %d writes, want none", n, checkpointEvery-1)
	}
	put(checkpointEvery)
	<-ran
	if n := s.gc.checkpoints.runs.Load(); n != 1 {
		t.Fatalf("%d successful checkpoints after %d writes, want 1", n, checkpointEvery)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.gc.checkpoints.done:
	default:
		t.Fatal("the checkpointer still runs after Close")
	}
}
