package qr

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sihub/internal/testutil"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"
)

// maskOf finds the mask whose format word a bitmap (with quiet zone)
// carries in its top-left copy.
func maskOf(t *testing.T, bm [][]bool, size int) int {
	t.Helper()
	at := func(x, y int) bool { return bm[y+QuietZone][x+QuietZone] }
	for m := 0; m < 8; m++ {
		g := &grid{size: size, dark: make([]bool, size*size), fn: make([]bool, size*size)}
		g.formatModules(m, g.set)
		ok := true
		for y := 0; y < 9 && ok; y++ {
			for x := 0; x < 9 && ok; x++ {
				if g.fn[y*size+x] && (x == 8 || y == 8) && x != 6 && y != 6 && g.dark[y*size+x] != at(x, y) {
					ok = false
				}
			}
		}
		if ok {
			return m
		}
	}
	t.Fatal("no level M format word found")
	return -1
}

// unmasked returns the symbol's modules with the data mask removed.
func unmasked(t *testing.T, bm [][]bool, v int) []bool {
	size := 4*v + 17
	m := maskOf(t, bm, size)
	fn := newGrid(v).fn
	out := make([]bool, size*size)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			d := bm[y+QuietZone][x+QuietZone]
			if !fn[y*size+x] && maskBit(m, x, y) {
				d = !d
			}
			// format words differ with the mask; compare everything else
			if fn[y*size+x] && (x == 8 || y == 8) && (x < 9 || y < 9 || x == 8 || y == 8) {
				if (x == 8 && (y < 9 || y >= size-8)) || (y == 8 && (x < 9 || x >= size-8)) {
					d = false
				}
			}
			out[y*size+x] = d
		}
	}
	return out
}

// TestMatchesSkip2 compares symbols with github.com/skip2/go-qrcode for
// byte-mode payloads of every version: after removing each one's mask the
// modules must be identical (the choice among valid masks may differ).
func TestMatchesSkip2(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := []int{1, 10, 13, 14, 20, 60, 100, 150, 180, 181, 200, 213, 214, 250, 300, 400, 600, 900, 1300, 1800, 2331}
	for i := 0; i < 10; i++ {
		lengths = append(lengths, 1+rng.IntN(2331))
	}
	seen := map[int]bool{}
	for _, n := range lengths {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26)) // lowercase only: skip2 keeps byte mode
		}
		text := string(b)
		c, err := Encode(text)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		seen[c.Version] = true
		q, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		if q.VersionNumber != c.Version {
			t.Errorf("%d bytes: version %d, skip2 %d", n, c.Version, q.VersionNumber)
			continue
		}
		ref, got := q.Bitmap(), c.Bitmap()
		if len(ref) != len(got) {
			t.Errorf("%d bytes: %d modules per side, skip2 %d", n, len(got), len(ref))
			continue
		}
		a, b2 := unmasked(t, got, c.Version), unmasked(t, ref, c.Version)
		diff := 0
		for i := range a {
			if a[i] != b2[i] {
				diff++
			}
		}
		if diff != 0 {
			t.Errorf("%d bytes, version %d: %d modules differ from skip2 after unmasking", n, c.Version, diff)
		}
		if maskOf(t, got, c.Size) != c.Mask {
			t.Errorf("%d bytes: format word says mask %d, encoder chose %d", n, maskOf(t, got, c.Size), c.Mask)
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d versions exercised", len(seen))
	}
	if _, err := Encode(strings.Repeat("a", 2332)); err == nil {
		t.Error("2332 bytes accepted at level M")
	}
}

func TestCodewordCounts(t *testing.T) {
	for v := 1; v <= 40; v++ {
		b := levelM[v]
		if got := (b.n1+b.n2)*b.ec + b.data(); got != rawModules(v)/8 {
			t.Errorf("version %d: table gives %d codewords, the symbol holds %d", v, got, rawModules(v)/8)
		}
	}
}

// TestZbar decodes an encoded symbol, drawn as a PGM image, with zbarimg.
func TestZbar(t *testing.T) {
	zbar := testutil.NeedTool(t, "zbarimg")
	for _, text := range []string{
		"http://127.0.0.1:8080/v/K7Q2M9XR4TZ8HW3C5N6P?t=eyJrIjoiSzdRMk05WFI0VFo4SFczQzVONlAifQ.MEUCIQDx3mYk0aJ8fQ2r7L1nqV9",
		"社会保险个人参保证明 12345",
		strings.Repeat("0123456789ABCDEFabcdef", 30),
	} {
		c, err := Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		bm := c.Bitmap()
		const scale = 4
		n := len(bm) * scale
		img := []byte("P5\n" + itoa(n) + " " + itoa(n) + "\n255\n")
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				px := byte(255)
				if bm[y/scale][x/scale] {
					px = 0
				}
				img = append(img, px)
			}
		}
		f := filepath.Join(t.TempDir(), "q.pgm")
		os.WriteFile(f, img, 0o600)
		out, err := exec.Command(zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", f).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v (version %d)", err, c.Version)
		}
		if got := strings.TrimSuffix(string(out), "\n"); got != text {
			t.Errorf("decoded %q, want %q", got, text)
		}
	}
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	text := "http://127.0.0.1:8080/v/K7Q2M9XR4TZ8HW3C5N6P?t=eyJrIjoiSzdRMk05WFI0VFo4SFczQzVONlAiLCJuIjoiU0IzNzAyLTIwMjYxMTI4LTAwMDEyMyIsImUiOjE3OTYwMDAwMDB9.MEUCIQDx3mYk0aJ8fQ2r7L1nqV9wXcZtB5sH6gUeKpNy4oRjAiB2"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Encode(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeSkip2 is the same payload through github.com/skip2/go-qrcode,
// for comparison.
func BenchmarkEncodeSkip2(b *testing.B) {
	text := "http://127.0.0.1:8080/v/K7Q2M9XR4TZ8HW3C5N6P?t=eyJrIjoiSzdRMk05WFI0VFo4SFczQzVONlAiLCJuIjoiU0IzNzAyLTIwMjYxMTI4LTAwMDEyMyIsImUiOjE3OTYwMDAwMDB9.MEUCIQDx3mYk0aJ8fQ2r7L1nqV9wXcZtB5sH6gUeKpNy4oRjAiB2"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		q, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			b.Fatal(err)
		}
		q.Bitmap()
	}
}

// TestPenaltyFastPath checks the bit-set penalty against the module by
// module one on random symbols of every size it handles, and on real
// symbols under every mask.
func TestPenaltyFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for v := 1; 4*v+17+8 <= 128; v++ {
		n := 4*v + 17
		g := &grid{size: n, dark: make([]bool, n*n), fn: make([]bool, n*n)}
		for trial := 0; trial < 20; trial++ {
			density := rng.Float64()
			for i := range g.dark {
				g.dark[i] = rng.Float64() < density
			}
			fast := g.penalty(make([]u128, n), make([]u128, n))
			slow := g.penaltyBytes(make([]uint8, n*n), make([]uint8, n*n))
			if fast != slow {
				t.Fatalf("version %d trial %d: fast penalty %d, reference %d", v, trial, fast, slow)
			}
		}
	}
	c, _ := Encode(strings.Repeat("sihub", 40))
	g := &grid{size: c.Size, dark: c.dark}
	if a, b := g.penalty(make([]u128, c.Size), make([]u128, c.Size)), g.penaltyBytes(make([]uint8, c.Size*c.Size), make([]uint8, c.Size*c.Size)); a != b || a == 0 {
		t.Errorf("real symbol: fast %d, reference %d", a, b)
	}
}

// TestBestMaskBits checks that the bit-set mask search picks the mask the
// module-by-module penalty picks, and draws the same symbol, for
// payloads of many lengths.
func TestBestMaskBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 60; i++ {
		b := make([]byte, 1+rng.IntN(200))
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		c, err := Encode(string(b))
		if err != nil {
			t.Fatal(err)
		}
		v := c.Version
		cw := addErrorCorrection(dataCodewords(string(b), v), levelM[v])
		want, wantMask := -1, -1
		for m := 0; m < 8; m++ {
			g := place(v, cw)
			g.applyMask(v, m)
			g.drawFormat(m)
			if s := g.penaltyBytes(make([]uint8, g.size*g.size), make([]uint8, g.size*g.size)); want < 0 || s < want {
				want, wantMask = s, m
			}
		}
		if c.Mask != wantMask {
			t.Fatalf("%d bytes, version %d: mask %d, the reference search picks %d", len(b), v, c.Mask, wantMask)
		}
		g := place(v, cw)
		g.applyMask(v, wantMask)
		g.drawFormat(wantMask)
		for k := range g.dark {
			if g.dark[k] != c.dark[k] {
				t.Fatalf("%d bytes, version %d: module %d differs", len(b), v, k)
			}
		}
	}
}
