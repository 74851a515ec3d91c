package ident

import (
	"errors"
	"fmt"
)

// Error kinds, checked with errors.Is.
var (
	ErrLength    = errors.New("ident: wrong length")
	ErrCharacter = errors.New("ident: invalid character")
	ErrCheck     = errors.New("ident: check character mismatch")
	ErrDate      = errors.New("ident: invalid date")
	ErrArea      = errors.New("ident: invalid area code")
	ErrOrgCode   = errors.New("ident: invalid organisation code")
)

// Error describes why an identifier is invalid, in Chinese (ZH, for people)
// and English (EN, for logs).
type Error struct {
	Kind error // one of the ErrXxx kinds
	Pos  int   // 1-based position of the offending character, 0 if none
	ZH   string
	EN   string
}

func (e *Error) Error() string { return "ident: " + e.ZH + " (" + e.EN + ")" }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

func newErr(kind error, pos int, zh, en string, args ...any) *Error {
	// zh and en take the same arguments in the same order.
	return &Error{Kind: kind, Pos: pos, ZH: fmt.Sprintf(zh, args...), EN: fmt.Sprintf(en, args...)}
}
