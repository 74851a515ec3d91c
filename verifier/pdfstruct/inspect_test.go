package pdfstruct

import (
	"fmt"
	"strings"
	"testing"
)

// TestObjectsInReportsWhatInspectAtDoes checks that the scan reports, for
// each object it finds, the end and repeated keys InspectAt reports for the
// same offset (callers use either), and that the parsed values do not
// depend on how many entries a dictionary has or on nesting.
func TestObjectsInReportsWhatInspectAtDoes(t *testing.T) {
	b := newBuilder()
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	b.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /Count 2 >>")
	var big strings.Builder
	big.WriteString("<<")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&big, " /K%d %d", i%30, i) // keys 0..9 repeat after the stack holds 30
	}
	big.WriteString(" /Nested << /A 1 /A [1 [2 3] << /B 4 /B 5 >>] >> >>")
	b.obj(3, big.String())
	b.obj(4, "<< /Length 5 /Length 5 >>\nstream\nhello\nendstream")
	b.table([]int{0, 1, 2, 3, 4}, "<< /Size 5 /Root 1 0 R >>")
	f := open(t, b.b.Bytes())
	heads := f.ObjectsIn(0, int64(b.b.Len()), 0)
	if len(heads) != 4 {
		t.Fatalf("found %d objects, want 4", len(heads))
	}
	for _, h := range heads {
		end, dups, err := f.InspectAt(h.Offset)
		if err != nil || end != h.End || fmt.Sprint(dups) != fmt.Sprint(h.Dups) {
			t.Errorf("object %d: scan says end %d dups %v; InspectAt says %d %v %v", h.Num, h.End, h.Dups, end, dups, err)
		}
	}
	if got := fmt.Sprint(heads[1].Dups); got != "[Count]" {
		t.Errorf("object 2 repeats %s, want [Count]", got)
	}
	if got := fmt.Sprint(heads[2].Dups); got != "[K0 K1 K2 K3 K4 K5 K6 K7 K8 K9 A B]" {
		t.Errorf("object 3 repeats %s", got)
	}
	// the same answers once the objects were loaded (then they come from
	// the loads), for a fresh File
	g := open(t, b.b.Bytes())
	for n := 1; n <= 4; n++ {
		if _, err := g.Object(n); err != nil {
			t.Fatal(err)
		}
	}
	if again := g.ObjectsIn(0, int64(b.b.Len()), 0); fmt.Sprint(again) != fmt.Sprint(heads) {
		t.Errorf("after loading, the scan says %v, before %v", again, heads)
	}
	for _, h := range heads {
		end, dups, err := g.InspectAt(h.Offset)
		if err != nil || end != h.End || fmt.Sprint(dups) != fmt.Sprint(h.Dups) {
			t.Errorf("object %d after loading: InspectAt says %d %v %v, want %d %v", h.Num, end, dups, err, h.End, h.Dups)
		}
	}
	o, err := f.Object(3)
	if err != nil {
		t.Fatal(err)
	}
	d := o.(Dict)
	if len(d) != 31 || d["K0"] != Object(Int(30)) || d["K29"] != Object(Int(29)) {
		t.Errorf("object 3 read as %d entries, K0=%v K29=%v", len(d), d["K0"], d["K29"])
	}
	arr := d["Nested"].(Dict)["A"].(Array)
	if len(arr) != 3 || len(arr[1].(Array)) != 2 || arr[2].(Dict)["B"] != Object(Int(5)) {
		t.Errorf("nested values read as %v", arr)
	}
}
