package clifile

import (
	"bytes"
	"path/filepath"
	"testing"

	"sihub/internal/testutil"
)

func TestReadCapped(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("sihub"), 200) // 1000 bytes
	p := testutil.WriteFile(t, dir, "f.pdf", data)
	for _, max := range []int64{1000, 1001, 1 << 20} {
		b, err := ReadCapped(p, max)
		if err != nil || !bytes.Equal(b, data) {
			t.Errorf("max %d: %d bytes, %v", max, len(b), err)
		}
	}
	if _, err := ReadCapped(p, 999); err == nil {
		t.Error("a file one byte over the cap was read")
	}
	if b, err := ReadCapped(testutil.WriteFile(t, dir, "empty", nil), 10); err != nil || len(b) != 0 {
		t.Errorf("empty file: %q, %v", b, err)
	}
	if _, err := ReadCapped(filepath.Join(dir, "missing"), 10); err == nil {
		t.Error("a missing file was read")
	}
}
