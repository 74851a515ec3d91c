//go:build unix

package render

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the test process has used: on a shared
// machine it measures the work, where wall time measures the queue.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
