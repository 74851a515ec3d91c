package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"sihub/app"
	"sihub/model"
)

// TestBatchPrinterLog feeds a run of 25,000 statements at 100/s, then
// 200/s, to the printer writing to a file that is not a terminal: a
// progress line every interval, a line per block of 10,000 with its own
// rate, each failure once, and no terminal control characters.
func TestBatchPrinterLog(t *testing.T) {
	var out bytes.Buffer
	pr := newBatchPrinter(&out, 30*time.Second)
	p := app.BatchProgress{JobID: "statements-2025-all", Total: 30_000, DoneBefore: 5_000}
	for i := 1; i <= 25_000; i++ {
		step := 10 * time.Millisecond
		if i > 10_000 {
			step = 5 * time.Millisecond
		}
		p.Done, p.Elapsed, p.Last = i, p.Elapsed+step, nil
		if i == 12_345 {
			p.Failed++
			p.Last = &model.BatchFailure{Subject: "110105********1239", Reason: "signer: bad request: no paid pension contribution"}
		}
		p.Issued = i - p.Failed
		pr.update(p)
	}
	pr.end()
	log := out.String()
	if strings.ContainsAny(log, "\r\033") {
		t.Errorf("control characters in a log:\n%q", log)
	}
	blocks := regexp.MustCompile(`(?m)^batch: block (\d) \((\d+)–(\d+)\): 10000 statements in ([\d.]+)s, ([\d.]+)/s$`).FindAllStringSubmatch(log, -1)
	if len(blocks) != 2 || blocks[0][5] != "100.0" || blocks[1][5] != "200.0" || blocks[1][2] != "10001" || blocks[1][3] != "20000" {
		t.Errorf("block lines %q, want blocks 1 at 100/s and 2 at 200/s:\n%s", blocks, log)
	}
	if n := strings.Count(log, "batch: failed 110105********1239: signer: bad request"); n != 1 {
		t.Errorf("the failure is shown %d times", n)
	}
	// 175 s in all: a line every 30 s, and the final state.
	lines := regexp.MustCompile(`(?m)^batch statements-2025-all: (\d+)/30000 .* ETA (\S+) issued=(\d+) already=0 failed=(\d)$`).FindAllStringSubmatch(log, -1)
	if len(lines) != 6 {
		t.Fatalf("%d progress lines, want 6:\n%s", len(lines), log)
	}
	if last := lines[len(lines)-1]; last[1] != "30000" || last[2] != "-" || last[3] != "24999" || last[4] != "1" {
		t.Errorf("last progress line %q, want 30000 of 30000 done, no ETA, 24999 issued, 1 failed", last[0])
	}
	if first := lines[0]; first[1] != "8000" || first[2] != "3m40s" {
		t.Errorf("first progress line %q, want 8000 done (5000 before) and 22000 left at 100/s", first[0])
	}
}

// TestBatchPrinterTerminal: on a terminal the progress line is rewritten
// in place and ends with a newline.
func TestBatchPrinterTerminal(t *testing.T) {
	var out bytes.Buffer
	pr := newBatchPrinter(&out, time.Second)
	pr.tty = true
	p := app.BatchProgress{JobID: "j", Total: 10}
	for i := 1; i <= 10; i++ {
		p.Done, p.Issued, p.Elapsed = i, i, time.Duration(i)*time.Second
		pr.update(p)
	}
	pr.end()
	s := out.String()
	if strings.Count(s, "\r\033[K") != 10 || strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "issued=10 already=0 failed=0\n") {
		t.Errorf("terminal output %q", s)
	}
}
