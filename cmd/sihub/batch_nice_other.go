//go:build !linux

package main

// lowerPriority is not available here: the batch runs at normal priority.
func lowerPriority(int) error { return nil }
