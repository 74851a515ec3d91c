package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"sihub/app"
)

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	persons := fs.Int("persons", 0, "number of synthetic insured persons to add")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed (the same seed gives the same persons)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *persons <= 0 || *persons > 10_000_000 || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: sihub seed --persons N [--seed S]   (1 ≤ N ≤ 10,000,000)")
		return exitError
	}
	a, err := openApp(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	start := time.Now()
	res, err := app.SeedSynthetic(ctx, a.Store, *persons, *seed, a.Config.Now())
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "persons=%d units=%d contributions=%d seconds=%.1f persons_per_second=%.0f\n",
		res.Persons, res.Units, res.Contributions, secs, float64(res.Persons)/secs)
	return exitOK
}
