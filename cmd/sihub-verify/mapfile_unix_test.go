//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sihub/internal/clifile"
	"sihub/internal/testutil"
	"sihub/verifier"
)

// TestReadMapped: a regular file is mapped with exactly its bytes; an
// empty file, a directory, a missing file and one over the cap give what
// clifile.ReadCapped gives (content or error).
func TestReadMapped(t *testing.T) {
	dir := t.TempDir()
	content := bytes.Repeat([]byte("%PDF-1.7 sihub "), 5000)
	file := testutil.WriteFile(t, dir, "a.pdf", content)
	b, mapped, err := readMapped(file, clifile.MaxPDF)
	if err != nil || !mapped || !bytes.Equal(b, content) {
		t.Fatalf("regular file: mapped %v, %d bytes, %v; want %d bytes mapped", mapped, len(b), err, len(content))
	}
	b[0] = 'x' // copy-on-write: the file does not change
	if onDisk, _ := os.ReadFile(file); !bytes.Equal(onDisk, content) {
		t.Fatal("writing to the mapping changed the file")
	}

	empty := testutil.WriteFile(t, dir, "empty.pdf", nil)
	for _, c := range []struct {
		name, path string
		max        int64
	}{
		{"empty", empty, clifile.MaxPDF},
		{"directory", dir, clifile.MaxPDF},
		{"missing", filepath.Join(dir, "missing.pdf"), clifile.MaxPDF},
		{"over the cap", file, 1000},
	} {
		b, mapped, err := readMapped(c.path, c.max)
		wantB, wantErr := clifile.ReadCapped(c.path, c.max)
		if mapped || !bytes.Equal(b, wantB) || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Errorf("%s: mapped %v, %d bytes, %v; want not mapped, %d bytes, %v", c.name, mapped, len(b), err, len(wantB), wantErr)
		}
	}
	if _, _, err := readMapped(file, 1000); !errors.Is(err, clifile.ErrTooLarge) {
		t.Errorf("over the cap: %v, want ErrTooLarge", err)
	}
}

// TestMappedFileTruncated: a file cut short while mapped (its tail pages
// fault) is reported as could not check, exit 2, not a crash.
func TestMappedFileTruncated(t *testing.T) {
	dir := t.TempDir()
	// large enough that the verifier reads pages past the first one
	content := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("% filler line of a file that is cut short\n"), 4000)...)
	content = append(content, "trailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n"...)
	file := testutil.WriteFile(t, dir, "cut.pdf", content)
	pdf, mapped, err := readMapped(file, clifile.MaxPDF)
	if err != nil || !mapped {
		t.Fatalf("mapped %v, %v", mapped, err)
	}
	if err := os.Truncate(file, 0); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := verifyBytes(context.Background(), verifier.New(verifier.Options{}), file, pdf, mapped, false, &out, &errb)
	if code != exitError || !strings.Contains(errb.String(), "changed while it was being read") {
		t.Fatalf("exit %d, stderr %q, stdout %q; want 2 and a message", code, errb.String(), out.String())
	}
}
