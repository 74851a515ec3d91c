package auth

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// cheap keeps the tests fast; the format and checks are the same.
var cheap = Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashPasswordFormat(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(h) {
		t.Fatalf("hash %q does not have the PHC argon2id form", h)
	}
	ok, err := CheckPassword(h, "correct horse")
	if err != nil || !ok {
		t.Fatalf("CheckPassword(right) = %v, %v", ok, err)
	}
	ok, err = CheckPassword(h, "correct horsE")
	if err != nil || ok {
		t.Fatalf("CheckPassword(wrong) = %v, %v", ok, err)
	}
}

func TestHashIsSalted(t *testing.T) {
	a, _ := HashPasswordWith(cheap, "pw", bytes.NewReader(bytes.Repeat([]byte{1}, 16)))
	b, _ := HashPasswordWith(cheap, "pw", bytes.NewReader(bytes.Repeat([]byte{2}, 16)))
	if a == b {
		t.Fatal("different salts gave the same string")
	}
	for _, h := range []string{a, b} {
		if ok, err := CheckPassword(h, "pw"); !ok || err != nil {
			t.Fatalf("CheckPassword(%q) = %v, %v", h, ok, err)
		}
	}
}

// TestKnownVector checks interoperability with the reference argon2
// implementation (RFC 9106 tool output for these inputs), so hashes made by
// other tools verify here.
func TestKnownVector(t *testing.T) {
	// echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32 -e
	const h = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	ok, err := CheckPassword(h, "password")
	if err != nil || !ok {
		t.Fatalf("reference vector: %v, %v", ok, err)
	}
	if ok, _ := CheckPassword(h, "passwore"); ok {
		t.Fatal("wrong password accepted against reference vector")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	good, _ := HashPasswordWith(cheap, "pw", bytes.NewReader(make([]byte, 16)))
	cases := map[string]string{
		"empty":        "",
		"argon2i":      strings.Replace(good, "argon2id", "argon2i", 1),
		"version":      strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":  strings.Replace(good, "m=64", "m=4000000", 1),
		"huge time":    strings.Replace(good, "t=1", "t=99", 1),
		"zero threads": strings.Replace(good, "p=1", "p=0", 1),
		"order":        strings.Replace(good, "m=64,t=1", "t=1,m=64", 1),
		"bad salt":     strings.Replace(good, "$AAAA", "$!AAA", 1),
		"short salt":   "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + strings.Split(good, "$")[5],
		"extra field":  good + "$x",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuu5Y4nqLHIr0zg2SmQJUzjXzWQPW0fzYi",
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			ok, err := CheckPassword(h, "pw")
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("CheckPassword(%q) = %v, %v; want false, ErrMalformedHash", h, ok, err)
			}
		})
	}
}

func TestPasswordTooLong(t *testing.T) {
	long := strings.Repeat("a", MaxPasswordBytes+1)
	if _, err := HashPasswordWith(cheap, long, bytes.NewReader(make([]byte, 16))); !errors.Is(err, ErrPasswordTooLong) {
		t.Fatalf("err = %v", err)
	}
	h, _ := HashPasswordWith(cheap, "pw", bytes.NewReader(make([]byte, 16)))
	if ok, err := CheckPassword(h, long); ok || err != nil {
		t.Fatalf("long password: %v, %v", ok, err)
	}
}

func FuzzCheckPassword(f *testing.F) {
	good, _ := HashPasswordWith(cheap, "pw", bytes.NewReader(make([]byte, 16)))
	f.Add(good, "pw")
	f.Add("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "password")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "")
	f.Add("$$$$$", "x")
	f.Fuzz(func(t *testing.T, encoded, password string) {
		p, salt, key, derr := decode(encoded)
		if derr == nil {
			// Anything accepted is within bounds and re-encodes to itself.
			if encode(p, salt, key) != encoded {
				t.Fatalf("accepted non-canonical string %q", encoded)
			}
			if p.MemoryKiB > 1024 || p.Time > 2 || p.Threads > 2 {
				return // valid but too costly to hash on every fuzz input
			}
		}
		ok, err := CheckPassword(encoded, password)
		if (err == nil) != (derr == nil) {
			t.Fatalf("CheckPassword error %v, decode error %v", err, derr)
		}
		if err != nil && ok {
			t.Fatal("ok with error")
		}
	})
}
