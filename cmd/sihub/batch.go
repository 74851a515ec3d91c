package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"time"

	"sihub/app"
)

// batchBlock is the documents per logged block: each block's rate is
// logged, so a long run shows whether its rate stays flat.
const batchBlock = 10_000

func runBatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "statements" {
		fmt.Fprintln(stderr, "usage: sihub batch statements --year YYYY [flags]   (sihub batch statements -h for the flags)")
		return exitError
	}
	fs := flag.NewFlagSet("batch statements", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := app.BatchOptions{}
	fs.IntVar(&o.Year, "year", 0, "the statements' year (default last year)")
	fs.StringVar(&o.Region, "region", "", "only persons whose region starts with this area code (e.g. 110105, or 11 for a province)")
	fs.StringVar(&o.Alg, "alg", "sm2", "seal algorithm(s): sm2, p256 or sm2,p256")
	fs.IntVar(&o.Workers, "workers", runtime.GOMAXPROCS(0), "statements issued at once")
	fs.Float64Var(&o.Rate, "rate", 0, "at most this many statements per second from this process (0: no cap; the batch runs at lowered CPU priority, see --nice)")
	fs.DurationVar(&o.Lease, "lease", app.DefaultBatchLease, "how long a claimed work item stays this process's without renewal; another process takes it over after that")
	fs.IntVar(&o.Limit, "limit", 0, "plan the job for the first N persons only (a measurement run; a job of its own)")
	fs.IntVar(&o.Chunk, "chunk", app.DefaultBatchChunk, "persons per work item")
	nice := fs.Int("nice", 10, "lower this process's CPU priority by this much (0-19), so the portal on the same machine stays responsive")
	every := fs.Duration("progress-every", 5*time.Second, "progress line interval when stderr is not a terminal")
	if err := fs.Parse(args[1:]); err != nil {
		return exitError
	}
	if fs.NArg() != 0 || *nice < 0 || *nice > 19 {
		fmt.Fprintln(stderr, "usage: sihub batch statements --year YYYY [--region CODE] [--workers N] [--rate R] [--alg sm2|p256] [--lease 2m] [--limit N] [--chunk N] [--nice N]")
		return exitError
	}
	a, err := openApp(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	if o.Year == 0 {
		o.Year = a.Config.Now().Year() - 1
	}
	if *nice > 0 {
		if err := lowerPriority(*nice); err != nil {
			fmt.Fprintln(stderr, "sihub: batch: cannot lower the CPU priority:", err)
		}
	}
	pr := newBatchPrinter(stderr, *every)
	o.Progress = pr.update
	res, err := app.RunStatementBatch(ctx, a.Store, a.Issuer, o)
	pr.end()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "sihub: batch %s interrupted after %d statements; run the same command again to resume\n", app.BatchJobID(o), res.Run.Done)
		} else {
			fmt.Fprintln(stderr, "sihub:", err)
		}
		return exitError
	}
	for _, f := range res.Job.Failures {
		fmt.Fprintf(stderr, "batch: failed %s: %s\n", f.Subject, f.Reason)
	}
	if res.Failed > len(res.Job.Failures) {
		fmt.Fprintf(stderr, "batch: … and %d more failures\n", res.Failed-len(res.Job.Failures))
	}
	run := res.Run
	fmt.Fprintf(stdout, "job=%s persons=%d run=%d elapsed=%.1fs rate=%.1f/s\n", res.Job.ID, res.Job.Subjects, run.Done, run.Elapsed.Seconds(), run.Rate())
	fmt.Fprintf(stdout, "issued=%d already=%d failed=%d\n", res.Issued, res.Already, res.Failed)
	if res.Failed > 0 {
		return exitInvalid
	}
	return exitOK
}

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
	printed    app.BatchProgress // the state last shown
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
	return &batchPrinter{w: w, tty: tty, interval: interval}
}

// update is BatchOptions.Progress: called serialised, after each document.
func (b *batchPrinter) update(p app.BatchProgress) {
	b.p = p
	if p.Last != nil {
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
