package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"sihub/model"
)

// Sender sends one outbox message through its channel (model.ChannelSMS,
// model.ChannelEmail): an SMS or mail gateway's adapter. An error wrapping
// ErrUndeliverable gives the message up at once; any other error is
// retried with backoff.
type Sender interface {
	Send(ctx context.Context, m model.OutboxMessage) error
}

// ErrUndeliverable: the gateway refused the message for good (a bad
// address); it is not retried.
var ErrUndeliverable = errors.New("app: delivery: undeliverable")

// LogSender is the default Sender: it writes each message to the log,
// with the address masked, and reports it delivered, so that sihub runs
// without an SMS or mail gateway.
type LogSender struct{ Logger *slog.Logger }

// Send logs m.
func (s LogSender) Send(ctx context.Context, m model.OutboxMessage) error {
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "delivery: message recorded (no gateway configured)", "id", m.ID, "channel", m.Channel,
		"to", MaskAddress(m.Address), "recipient", model.MaskID(m.Recipient), "link", m.Link)
	return nil
}

// MaskAddress hides most of a phone number or an email address for logs:
// "13800138000" → "138****8000", "zhang.san@example.cn" → "z***@example.cn".
func MaskAddress(a string) string {
	if at := strings.LastIndexByte(a, '@'); at > 0 {
		first, _ := utf8.DecodeRuneInString(a)
		return string(first) + "***" + a[at:]
	}
	r := []rune(a)
	if len(r) <= 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// DispatcherOptions tune a Dispatcher. Zero values take the defaults.
type DispatcherOptions struct {
	// MaxAttempts is how many sends are tried before a message is failed
	// (default 5).
	MaxAttempts int
	// Backoff is the wait after the first failed send; it doubles after
	// each further one, up to MaxBackoff (defaults 1 minute and 1 hour).
	Backoff, MaxBackoff time.Duration
	// Lease is how long a taken message is left to its dispatcher before
	// another may take it over (default 2 minutes): a dispatcher that
	// dies mid-send costs at most one duplicate after the lease.
	Lease time.Duration
	// Batch is the most messages sent per pass (default 100).
	Batch int
	// ReconcileBatch is the most audit entries per action a pass
	// reconciles (default 5000): enough to keep up with a batch run
	// issuing hundreds of documents a second.
	ReconcileBatch int
	// Lookback is how far back the first reconciliation pass reads the
	// audit trail (default 1 hour); later passes continue from there.
	Lookback time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives failures (default slog.Default()).
	Logger *slog.Logger
}

// Dispatcher sends the outbox through a Sender. Each pass (Tick) first
// reconciles — re-deriving, from the audit trail's document.issue and
// document.withdraw entries since the last pass, the notices whose
// writing failed at issue time (writes are idempotent, so notices that
// exist are left alone) — then takes the due messages one by one
// (compare-and-set on the attempt count, so several dispatchers in several
// processes share the outbox), sends each, and marks it sent, pending
// again with backoff, or failed after MaxAttempts.
type Dispatcher struct {
	d      *Delivery
	sender Sender
	o      DispatcherOptions
	since  map[string]time.Time // reconciliation cursor per audit action
}

// NewDispatcher returns a Dispatcher of d's store through sender.
func NewDispatcher(d *Delivery, sender Sender, o DispatcherOptions) *Dispatcher {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Minute
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.ReconcileBatch <= 0 {
		o.ReconcileBatch = 5000
	}
	if o.Lookback <= 0 {
		o.Lookback = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Dispatcher{d: d, sender: sender, o: o}
}

// DispatchResult counts what one pass did.
type DispatchResult struct {
	Reconciled int // notices re-derived from the audit trail
	Sent       int
	Retried    int // failed sends that will be tried again
	Failed     int // messages given up in this pass
}

// Run makes a pass every interval until ctx ends.
func (p *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := p.Tick(ctx); err != nil && ctx.Err() == nil {
			p.o.Logger.ErrorContext(ctx, "delivery: dispatch pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick makes one pass: reconcile, then send what is due.
func (p *Dispatcher) Tick(ctx context.Context) (DispatchResult, error) {
	var res DispatchResult
	n, rerr := p.reconcile(ctx)
	res.Reconciled = n
	now := p.o.Now()
	due, err := p.d.store.DueOutbox(ctx, now, p.o.Batch)
	if err != nil {
		return res, errors.Join(rerr, fmt.Errorf("app: delivery: due outbox: %w", err))
	}
	for _, m := range due {
		if ctx.Err() != nil {
			break
		}
		p.send(ctx, m, &res)
	}
	return res, rerr
}

// send takes m, sends it and records the outcome.
func (p *Dispatcher) send(ctx context.Context, m model.OutboxMessage, res *DispatchResult) {
	now := p.o.Now()
	from := m.Attempts
	m.Attempts++
	m.NextAttemptAt = now.Add(p.o.Lease)
	if err := p.d.store.UpdateOutbox(ctx, m, from); err != nil {
		if !errors.Is(err, model.ErrConflict) { // a conflict: another dispatcher has it
			p.o.Logger.ErrorContext(ctx, "delivery: taking an outbox message", "id", m.ID, "err", err)
		}
		return
	}
	err := p.sender.Send(ctx, m)
	done := p.o.Now()
	taken := m.Attempts
	switch {
	case err == nil:
		m.Status, m.SentAt, m.LastError = model.OutboxSent, &done, ""
		res.Sent++
	case errors.Is(err, ErrUndeliverable) || m.Attempts >= p.o.MaxAttempts:
		m.Status, m.LastError = model.OutboxFailed, truncate(err.Error(), 500)
		res.Failed++
		p.o.Logger.WarnContext(ctx, "delivery: message failed", "id", m.ID, "channel", m.Channel,
			"to", MaskAddress(m.Address), "attempts", m.Attempts, "err", err)
	default:
		m.NextAttemptAt, m.LastError = done.Add(p.backoff(m.Attempts)), truncate(err.Error(), 500)
		res.Retried++
	}
	if err := p.d.store.UpdateOutbox(ctx, m, taken); err != nil {
		p.o.Logger.ErrorContext(ctx, "delivery: recording an outbox message", "id", m.ID, "err", err)
	}
}

// backoff is the wait after the attempts-th failed send.
func (p *Dispatcher) backoff(attempts int) time.Duration {
	b := p.o.Backoff
	for i := 1; i < attempts && b < p.o.MaxBackoff; i++ {
		b *= 2
	}
	return min(b, p.o.MaxBackoff)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// reconcile writes the notices of documents issued or withdrawn since the
// last pass (the audit trail says which), up to ReconcileBatch entries
// per action. Each action's cursor moves to the last entry read, or to
// the first one whose notice could not be written, which the next pass
// tries again.
func (p *Dispatcher) reconcile(ctx context.Context) (int, error) {
	if p.since == nil {
		start := p.o.Now().Add(-p.o.Lookback)
		p.since = map[string]time.Time{"document.issue": start, "document.withdraw": start}
	}
	n := 0
	var errs []error
	for action, since := range p.since {
		entries, err := p.d.store.AuditEntries(ctx, since, action, "", p.o.ReconcileBatch)
		if err != nil {
			errs = append(errs, fmt.Errorf("app: delivery: reconcile: %w", err))
			continue
		}
		next, failed := since, false
		for _, e := range entries {
			if ctx.Err() != nil {
				failed = true
				break
			}
			if !failed {
				next = e.Time
			}
			if e.Outcome != "ok" {
				continue
			}
			doc, err := p.d.store.DocumentByCode(ctx, e.Object)
			switch {
			case errors.Is(err, model.ErrNotFound):
				continue
			case err != nil:
			case action == "document.withdraw":
				err = p.d.DocumentWithdrawn(ctx, doc)
			default:
				err = p.d.DocumentIssued(ctx, doc, "")
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("app: delivery: reconcile %s: %w", e.Object, err))
				failed = true
				continue
			}
			n++
		}
		if !failed && len(entries) == p.o.ReconcileBatch && !next.After(since) {
			next = next.Add(time.Nanosecond) // a full page of one instant: step past it
		}
		p.since[action] = next
	}
	return n, errors.Join(errs...)
}

// RunDelivery sends the outbox through the configured Sender
// (Options.Sender) every interval until ctx ends; sihub serve runs it.
func (a *App) RunDelivery(ctx context.Context, interval time.Duration) {
	NewDispatcher(a.Delivery, a.sender, DispatcherOptions{Now: a.Config.Now, Logger: a.Logger}).Run(ctx, interval)
}
