package main

import (
	"errors"
	"os"
	"strconv"
	"syscall"
)

// lowerPriority adds n to the nice value of every thread of the process.
// Linux keeps the nice value per thread (setpriority on the process ID
// changes only the calling thread), and a new thread inherits it from the
// thread that creates it, so every existing thread is changed.
func lowerPriority(n int) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		cur, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// The raw syscall returns 20 - nice.
		if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(19, 20-cur+n)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
