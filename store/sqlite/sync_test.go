package sqlite

import (
	"runtime"
	"testing"

	sqlitedriver "modernc.org/sqlite"
)

// TestCommitsSyncDataOnly: once a store is open, SQLite's commits sync
// with fdatasync where the platform has it (Linux here).
func TestCommitsSyncDataOnly(t *testing.T) {
	openInternal(t)
	if runtime.GOOS == "linux" && !sqlitedriver.FdatasyncEnabled() {
		t.Error("commits sync with fsync after Open, want fdatasync")
	}
}
