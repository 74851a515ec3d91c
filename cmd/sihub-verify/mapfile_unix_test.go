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
	"time"

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
	b, changed, err := readMapped(file, clifile.MaxPDF)
	if err != nil || changed == nil || !bytes.Equal(b, content) {
		t.Fatalf("regular file: mapped %v, %d bytes, %v; want %d bytes mapped", changed != nil, len(b), err, len(content))
	}
	b[0] = 'x' // copy-on-write: the file does not change
	if onDisk, _ := os.ReadFile(file); !bytes.Equal(onDisk, content) {
		t.Fatal("writing to the mapping changed the file")
	}
	if changed() {
		t.Error("an untouched file is reported changed")
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
		b, changed, err := readMapped(c.path, c.max)
		wantB, wantErr := clifile.ReadCapped(c.path, c.max)
		if changed != nil || !bytes.Equal(b, wantB) || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Errorf("%s: mapped %v, %d bytes, %v; want not mapped, %d bytes, %v", c.name, changed != nil, len(b), err, len(wantB), wantErr)
		}
	}
	if _, _, err := readMapped(file, 1000); !errors.Is(err, clifile.ErrTooLarge) {
		t.Errorf("over the cap: %v, want ErrTooLarge", err)
	}
}

// cutFile writes a file the verifier reads beyond its first page, dated an
// hour back (so that a change made now shows in its times), and maps it.
func cutFile(t *testing.T) (path string, pdf []byte, changed func() bool) {
	t.Helper()
	content := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("% filler line of a file that is cut short\n"), 4000)...)
	content = append(content, "trailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n"...)
	path = testutil.WriteFile(t, t.TempDir(), "cut.pdf", content)
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	pdf, changed, err := readMapped(path, clifile.MaxPDF)
	if err != nil || changed == nil {
		t.Fatalf("mapped %v, %v", changed != nil, err)
	}
	return path, pdf, changed
}

// TestMappedFileChanged: a file cut short (its tail pages fault) or
// rewritten in place while mapped is reported as could not check, exit 2,
// not a crash and not a report on bytes that are no version of the file.
func TestMappedFileChanged(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(path string) error
	}{
		{"truncated", func(path string) error { return os.Truncate(path, 0) }},
		{"rewritten", func(path string) error {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt([]byte("%PDF-1.4"), 0)
			return err
		}},
	} {
		path, pdf, changed := cutFile(t)
		if err := c.change(path); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		code := verifyBytes(context.Background(), verifier.New(verifier.Options{}), path, pdf, changed, false, &out, &errb)
		if code != exitError || !strings.Contains(errb.String(), "changed while it was being read") || out.Len() != 0 {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want 2, a message and no report", c.name, code, errb.String(), out.String())
		}
	}
}
