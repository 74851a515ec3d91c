//go:build unix

package testutil

import (
	"syscall"
	"time"
)

// ProcessCPU is the user+system CPU time the process has used, all threads
// included. On a shared machine it measures the work a benchmark did,
// where wall time also measures the queue for the cores.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
