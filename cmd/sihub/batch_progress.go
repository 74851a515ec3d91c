package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"sihub/app"
	"sihub/model"
)

// batchBlock is the documents per logged block: each block's rate is
// logged, so a long run shows whether its rate stays flat.
const batchBlock = 10_000

// batchPrinter shows a run's progress on stderr: one updating line on a
// terminal, a line every interval otherwise; a line per block of
// batchBlock documents with the block's rate, and every failure.
type batchPrinter struct {
	w        io.Writer
	tty      bool
	interval time.Duration

	last       time.Duration // elapsed at the last progress line
	blockStart time.Duration // elapsed at the start of the current block
	shown      bool          // an updating line is on screen
	p          app.BatchProgress
	failures   map[model.BatchFailure]bool // the failures shown
	printed    app.BatchProgress           // the state last shown
}

func newBatchPrinter(w io.Writer, interval time.Duration) *batchPrinter {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	if interval <= 0 {
		interval = 5 * time.Second
	}
	return &batchPrinter{w: w, tty: tty, interval: interval, failures: map[model.BatchFailure]bool{}}
}

// update is BatchOptions.Progress: called serialised, after each document.
func (b *batchPrinter) update(p app.BatchProgress) {
	b.p = p
	if p.Last != nil {
		b.failures[*p.Last] = true
		b.clear()
		fmt.Fprintf(b.w, "batch: failed %s: %s\n", p.Last.Subject, p.Last.Reason)
	}
	if p.Done > 0 && p.Done%batchBlock == 0 {
		d := p.Elapsed - b.blockStart
		b.clear()
		fmt.Fprintf(b.w, "batch: block %d (%d–%d): %d statements in %.1fs, %.1f/s\n", p.Done/batchBlock,
			p.Done-batchBlock+1, p.Done, batchBlock, d.Seconds(), float64(batchBlock)/max(d.Seconds(), 1e-9))
		b.blockStart = p.Elapsed
	}
	step := b.interval
	if b.tty {
		step = 200 * time.Millisecond
	}
	if p.Elapsed-b.last >= step {
		b.line(p)
		b.last = p.Elapsed
	}
}

func (b *batchPrinter) line(p app.BatchProgress) {
	b.printed = p
	done := p.DoneBefore + p.Done
	pct := 100.0
	if p.Total > 0 {
		pct = 100 * float64(done) / float64(p.Total)
	}
	eta := "-"
	if e := p.ETA(); e > 0 {
		eta = e.Round(time.Second).String()
	}
	s := fmt.Sprintf("batch %s: %d/%d (%.1f%%) %.1f/s ETA %s issued=%d already=%d failed=%d",
		p.JobID, done, p.Total, pct, p.Rate(), eta, p.Issued, p.Already, p.Failed)
	if b.tty {
		fmt.Fprintf(b.w, "\r\033[K%s", s)
		b.shown = true
		return
	}
	fmt.Fprintln(b.w, s)
}

// clear ends the updating line before a line of its own.
func (b *batchPrinter) clear() {
	if b.shown {
		fmt.Fprint(b.w, "\r\033[K")
		b.shown = false
	}
}

// end prints the final state.
func (b *batchPrinter) end() {
	if b.p.JobID == "" {
		return
	}
	if b.p.Done != b.printed.Done || b.p.Last != nil {
		b.line(b.p)
	}
	if b.tty {
		fmt.Fprintln(b.w)
		b.shown = false
	}
}
