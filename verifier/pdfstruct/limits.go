package pdfstruct

import "errors"

// Sentinel error kinds, checked with errors.Is.
var (
	// ErrMalformed: the bytes are not a PDF this reader can make sense of.
	ErrMalformed = errors.New("pdfstruct: malformed PDF")
	// ErrTooLarge: the file is larger than Limits.MaxFileSize.
	ErrTooLarge = errors.New("pdfstruct: file too large")
	// ErrLimit: a structural cap (objects, depth, decoded size, ratio,
	// sections, time) was reached.
	ErrLimit = errors.New("pdfstruct: limit exceeded")
	// ErrUnsupported: a feature this reader does not implement (a stream
	// filter other than FlateDecode, an unknown predictor).
	ErrUnsupported = errors.New("pdfstruct: unsupported")
)

// Limits caps the work Open and object resolution may do. A zero field
// takes the default shown.
type Limits struct {
	MaxFileSize      int64 // 32 MiB
	MaxObjects       int   // highest object number accepted: 1,000,000
	MaxDepth         int   // nesting of arrays and dictionaries: 64
	MaxStreamDecoded int64 // decoded bytes of one stream: 16 MiB
	MaxTotalDecoded  int64 // decoded bytes over the whole file: 64 MiB
	MaxRatio         int64 // decoded/encoded ratio of a stream above 1 MiB decoded: 200
	MaxSections      int   // cross-reference sections followed: 1,000
	MaxWork          int64 // bytes the lexer may scan in strings and stream searches over the File's life: 64 MiB
}

// DefaultLimits returns the default caps.
func DefaultLimits() Limits { return Limits{}.withDefaults() }

func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = 32 << 20
	}
	if l.MaxObjects <= 0 {
		l.MaxObjects = 1_000_000
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 64
	}
	if l.MaxStreamDecoded <= 0 {
		l.MaxStreamDecoded = 16 << 20
	}
	if l.MaxTotalDecoded <= 0 {
		l.MaxTotalDecoded = 64 << 20
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = 200
	}
	if l.MaxSections <= 0 {
		l.MaxSections = 1000
	}
	if l.MaxWork <= 0 {
		l.MaxWork = 64 << 20
	}
	return l
}
