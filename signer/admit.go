package signer

import (
	"context"
	"fmt"
)

// Admission. Making a document — reading its records, rendering, sealing —
// is CPU work of a few milliseconds; storing it then waits on the disk
// (the store's group commit, an fsync shared by the documents that queued
// for it). When every caller computed at once, they all finished at about
// the same moment, all waited on the same commits while the processors
// idled, and were all released together again, in lockstep. With at most
// Config.Parallel callers (the processors) computing at once, documents
// are finished one after another, each caller waits on the disk while the
// next one computes, and the commits batch a steady stream instead.

// admit waits for one of the Service's computing slots, or for ctx. The
// returned release gives it back; calling it again does nothing.
func (s *Service) admit(ctx context.Context) (release func(), err error) {
	select {
	case s.cpu <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("signer: waiting to issue: %w", ctx.Err())
	}
	done := false
	return func() {
		if !done {
			done = true
			<-s.cpu
		}
	}, nil
}
