// Package code makes and parses anti-forgery codes (防伪码/校验码).
//
// A code is 17 random symbols and one check symbol from a 31-symbol
// alphabet without look-alike characters (no 0, 1, I, L, O): 84 random
// bits, case-insensitive. It is printed in three groups of six for reading
// aloud ("7KQ4M2-XW9PTA-HC3R8F") and stored in canonical form (upper case,
// no separators).
//
// The check symbol is a weighted sum modulo 31 with distinct non-zero
// weights; because 31 is prime every single-symbol error and every swap of
// two adjacent symbols changes it.
package code

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Alphabet is the set of symbols a code is written in.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

const (
	randomLen = 17
	// Len is the length of a canonical code.
	Len = randomLen + 1
	// GroupLen is the number of symbols per printed group.
	GroupLen = 6
	// MaxInput bounds what Parse reads: a grouped code with generous spacing.
	MaxInput = 64
)

// Bits is the entropy of the random part, rounded down.
const Bits = 84 // 17 × log2(31) = 84.2

// Errors returned by Parse. All wrap ErrInvalid.
var (
	ErrInvalid  = errors.New("code: invalid anti-forgery code")
	errLength   = fmt.Errorf("%w: must have %d symbols", ErrInvalid, Len)
	errSymbol   = fmt.Errorf("%w: unknown symbol", ErrInvalid)
	errChecksum = fmt.Errorf("%w: check symbol does not match (mistyped?)", ErrInvalid)
)

var value [256]int8

func init() {
	for i := range value {
		value[i] = -1
	}
	for i := 0; i < len(Alphabet); i++ {
		value[Alphabet[i]] = int8(i)
		value[Alphabet[i]|0x20] = int8(i) // lower case
	}
}

// New returns a fresh canonical code using r (crypto/rand when nil).
func New(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var out [Len]byte
	var buf [32]byte
	n := 0
	for n < randomLen {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("code: reading randomness: %w", err)
		}
		for _, b := range buf {
			c, ok := symbol(b)
			if !ok {
				continue
			}
			out[n] = c
			n++
			if n == randomLen {
				break
			}
		}
	}
	out[randomLen] = Alphabet[check(out[:randomLen])]
	return string(out[:]), nil
}

// symbol maps a random byte to a symbol. Rejection sampling keeps every
// symbol equally likely: 248 = 8 × 31 is the largest multiple of 31 below
// 256, so bytes from 248 up are drawn again.
func symbol(b byte) (byte, bool) {
	if b >= 248 {
		return 0, false
	}
	return Alphabet[int(b)%len(Alphabet)], true
}

// check computes the check symbol's value for the random part.
func check(s []byte) int {
	sum := 0
	for i, c := range s {
		sum += int(value[c]) * (i + 2)
	}
	return (31 - sum%31) % 31
}

// Parse accepts a code as a person types or a scanner reads it — any case,
// with spaces or hyphens between symbols — and returns the canonical form.
func Parse(s string) (string, error) {
	if len(s) > MaxInput {
		return "", errLength
	}
	var out [Len]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == ' ' || c == '\t' {
			continue
		}
		if value[c] < 0 {
			return "", fmt.Errorf("%w %q", errSymbol, rune(c))
		}
		if n == Len {
			return "", errLength
		}
		out[n] = Alphabet[value[c]]
		n++
	}
	if n != Len {
		return "", errLength
	}
	if int(value[out[randomLen]]) != check(out[:randomLen]) {
		return "", errChecksum
	}
	return string(out[:]), nil
}

// Group formats a canonical code for printing: groups of GroupLen joined by '-'.
func Group(canonical string) string {
	var b strings.Builder
	for i := 0; i < len(canonical); i += GroupLen {
		if i > 0 {
			b.WriteByte('-')
		}
		end := min(i+GroupLen, len(canonical))
		b.WriteString(canonical[i:end])
	}
	return b.String()
}
