package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"sihub/app"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	log.Info("garbage collector", "settings", app.TuneGC(os.Getenv).String())
	a, err := app.Open(ctx, cfg, app.Options{Logger: log})
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	h, err := a.Handler(version)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, `sihub %s is running at http://%s  (public URL %s)
  data:            %s
  portal login:    %s/login   demo person %s, password %s
  verify a code:   %s/v
  verify a PDF:    %s/verify
  health:          %s/healthz
Press Ctrl-C to stop.
`, version, ln.Addr(), cfg.PublicURL, cfg.DataDir, cfg.PublicURL, app.DemoPersonID, app.DemoPersonPassword,
		cfg.PublicURL, cfg.PublicURL, cfg.PublicURL)
	go a.RunPKIRefresh(ctx, time.Minute) // CRLs are regenerated before their nextUpdate
	go a.RunKeyAudit(ctx, time.Minute)   // counted key uses reach the audit trail
	go a.RunExpiryWarnings(ctx, 24*time.Hour)
	go a.RunSealSync(ctx, 15*time.Second) // seal changes made by sihub seal … reach this process
	go a.RunDelivery(ctx, 10*time.Second) // the outbox's SMS and email, and notices to reconcile
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "sihub:", err)
			return exitError
		}
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			fmt.Fprintln(stderr, "sihub: shutdown:", err)
			return exitError
		}
	}
	return exitOK
}
