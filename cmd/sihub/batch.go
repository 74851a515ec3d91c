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
	app.TuneGC(os.Getenv) // a long run: the server's collector settings
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
		if !pr.failures[f] { // failures of earlier runs
			fmt.Fprintf(stderr, "batch: failed %s: %s\n", f.Subject, f.Reason)
		}
	}
	if res.Failed > len(res.Job.Failures) {
		fmt.Fprintf(stderr, "batch: … and %d more failures\n", res.Failed-len(res.Job.Failures))
	}
	run := res.Run
	fmt.Fprintf(stdout, "job=%s persons=%d skipped=%d run=%d elapsed=%.1fs rate=%.1f/s\n", res.Job.ID, res.Job.Subjects, res.Skipped, run.Done, run.Elapsed.Seconds(), run.Rate())
	fmt.Fprintf(stdout, "issued=%d already=%d failed=%d\n", res.Issued, res.Already, res.Failed)
	if res.Failed > 0 {
		return exitInvalid
	}
	return exitOK
}
