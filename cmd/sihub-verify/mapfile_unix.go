//go:build unix

package main

import (
	"syscall"

	"sihub/internal/clifile"
)

// readMapped returns the bytes of the file at path, mapped copy-on-write
// into memory when it is a non-empty regular file of at most max bytes,
// else as clifile.ReadCapped reads it (same content, same errors). A
// mapping costs one page fault per 64 KiB of file already in the page
// cache, where reading costs a fault per 4 KiB of fresh heap plus the
// copy; for a process that checks one file and exits that is a few
// hundred microseconds. The mapping is never unmapped: the caller checks
// one file and exits.
//
// A mapping, unlike a copy, shows what another process writes to the
// file meanwhile. For a mapped file changed is not nil: it reports
// whether the file's size, modification or change time differ from when
// it was mapped (and closes the file); a caller that gets true must not
// trust what it read. Touching a page past the end of a file truncated
// meanwhile raises SIGBUS, which verifyBytes turns into a panic it
// recovers from (debug.SetPanicOnFault).
func readMapped(path string, max int64) (data []byte, changed func() bool, err error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return readCapped(path, max)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Size <= 0 || st.Size > max || int64(int(st.Size)) != st.Size {
		syscall.Close(fd)
		return readCapped(path, max)
	}
	b, err := syscall.Mmap(fd, 0, int(st.Size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		syscall.Close(fd)
		return readCapped(path, max)
	}
	return b, func() bool {
		if fd < 0 {
			return false
		}
		var now syscall.Stat_t
		err := syscall.Fstat(fd, &now)
		syscall.Close(fd)
		fd = -1
		return err != nil || now.Size != st.Size || now.Mtim != st.Mtim || now.Ctim != st.Ctim
	}, nil
}

func readCapped(path string, max int64) ([]byte, func() bool, error) {
	b, err := clifile.ReadCapped(path, max)
	return b, nil, err
}
