package hsm

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxPINFile bounds a PIN or password file named by a URI's pin-source.
const MaxPINFile = 1024

// ErrPINSource: a pin-source is not a readable file of a PIN.
var ErrPINSource = errors.New("hsm: bad pin-source")

// ReadPINSource reads the PIN (or access password) from the file a URI's
// pin-source names ("file:/path" or "/path", RFC 7512), without its line
// ending. The PIN itself never appears in an error.
func ReadPINSource(source string) (string, error) {
	p := strings.TrimPrefix(source, "file:")
	if strings.Contains(p, ":") && !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%w: pin-source must be a file", ErrPINSource)
	}
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPINSource, err)
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, MaxPINFile+1))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPINSource, err)
	}
	if len(buf) > MaxPINFile {
		return "", fmt.Errorf("%w: file larger than %d bytes", ErrPINSource, MaxPINFile)
	}
	return strings.TrimRight(string(buf), "\r\n"), nil
}
