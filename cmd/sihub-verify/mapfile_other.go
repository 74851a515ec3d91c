//go:build !unix

package main

import "sihub/internal/clifile"

// readMapped reads the file at path as clifile.ReadCapped does (memory
// mapping is used on unix systems only); changed is always nil.
func readMapped(path string, max int64) (data []byte, changed func() bool, err error) {
	b, err := clifile.ReadCapped(path, max)
	return b, nil, err
}
