package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sihub/app"
	"sihub/store/sqlite"
)

// runBackup copies the embedded store while the server keeps running. The
// copy holds every record, the registry with its PDFs, the audit trail and
// the keys — wrapped, so the key passphrase is still needed to use them.
// Restore by placing the file as sihub.db in an empty data directory. The
// portal's session key (DATA/session.key) is not in the copy: after a
// restore people log in again and consent tokens are granted anew.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file to write (must not exist)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: sihub backup --out FILE")
		return exitError
	}
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	if cfg.MongoURI != "" {
		fmt.Fprintln(stderr, "sihub: backup copies the embedded store; back up MongoDB with its own tools (mongodump, or snapshots of the replica set)")
		return exitError
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, sqlite.FileName)); err != nil {
		fmt.Fprintln(stderr, "sihub: no store to back up:", err)
		return exitError
	}
	st, err := sqlite.Open(ctx, cfg.DataDir)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer st.Close()
	if err := st.BackupTo(ctx, *out); err != nil {
		if errors.Is(err, os.ErrExist) {
			fmt.Fprintln(stderr, "sihub: backup: the output file exists; choose a new name")
		} else {
			fmt.Fprintln(stderr, "sihub:", err)
		}
		return exitError
	}
	fmt.Fprintf(stdout, "backup=%s\n", *out)
	return exitOK
}
