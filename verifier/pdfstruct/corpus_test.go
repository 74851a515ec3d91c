package pdfstruct

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corpusDir returns ../shared/corpora/pdf relative to the module root.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
	return filepath.Join(dir, "..", "shared", "corpora", "pdf")
}

// corpusFiles lists every file under the PDF corpus except manifests and
// licences.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	root := corpusDir(t)
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		base := d.Name()
		if strings.HasSuffix(base, ".tsv") || strings.HasPrefix(base, "LICENSE") || strings.HasSuffix(base, ".md") ||
			strings.HasSuffix(base, ".pem") || strings.HasSuffix(base, ".pfx") || base == "source" || base == "SOURCE" {
			return nil
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		t.Skipf("corpus not readable: %v", err)
	}
	return files
}

// walk resolves the catalog and everything reachable from it, bounded.
func walk(f *File, o Object, seen map[int]bool, budget *int) {
	if *budget <= 0 {
		return
	}
	*budget--
	switch v := o.(type) {
	case Ref:
		if seen[v.Num] {
			return
		}
		seen[v.Num] = true
		r, err := f.Object(v.Num)
		if err == nil {
			walk(f, r, seen, budget)
		}
	case Dict:
		for _, x := range v {
			walk(f, x, seen, budget)
		}
	case Array:
		for _, x := range v {
			walk(f, x, seen, budget)
		}
	case *Stream:
		walk(f, v.Dict, seen, budget)
	}
}

func TestCorpusNoPanic(t *testing.T) {
	files := corpusFiles(t)
	if len(files) < 100 {
		t.Fatalf("only %d corpus files found", len(files))
	}
	opened := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		f, err := Open(ctx, data, Limits{})
		if err == nil {
			opened++
			budget := 100000
			walk(f, f.Trailer(), map[int]bool{}, &budget)
		}
		cancel()
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: took %v", path, d)
		}
		if testing.Verbose() {
			rel, _ := filepath.Rel(corpusDir(t), path)
			rep := false
			if f != nil {
				rep = f.Repaired()
			}
			t.Logf("%s: err=%v repaired=%v", rel, err, rep)
		}
	}
	t.Logf("%d of %d files opened", opened, len(files))
}

// TestCorpusWellFormed: the signed DSS files and pyHanko's well-formed
// samples (classic, hybrid and stream cross-references) open without a
// repair, every revision ends at an EOF marker, and the catalog resolves.
func TestCorpusWellFormed(t *testing.T) {
	root := corpusDir(t)
	var files []string
	for _, pattern := range []string{"dss/*.pdf", "dss/*/*.pdf", "pyhanko/minimal.pdf", "pyhanko/minimal-xref.pdf", "pyhanko/minimal-hybrid-xref*.pdf", "pyhanko/minimal-two-fields-signed-twice.pdf"} {
		m, _ := filepath.Glob(filepath.Join(root, pattern))
		files = append(files, m...)
	}
	if len(files) < 45 {
		t.Fatalf("only %d files", len(files))
	}
	streams := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Open(context.Background(), data, Limits{})
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if _, err := f.Catalog(); err != nil || f.Repaired() {
			t.Errorf("%s: catalog %v, repaired %v, notes %q", path, err, f.Repaired(), f.Notes())
		}
		for _, r := range f.Revisions() {
			if r.End < 0 || r.End <= r.XrefOffset {
				t.Errorf("%s: revision at %d ends at %d", path, r.XrefOffset, r.End)
			}
			if r.Stream {
				streams++
			}
		}
	}
	if streams == 0 {
		t.Error("no cross-reference stream among the samples")
	}
}
