package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"sihub/hsm"
	"sihub/model"
)

// AuditAppender writes audit entries (store.Audit).
type AuditAppender interface {
	AppendAudit(ctx context.Context, e model.AuditEntry) error
}

// keyAudit records key use in the audit trail. Generation, deletion and
// every failure are written at once; successful signatures and look-ups
// are counted per key, operation and caller and written as one entry per
// minute, so sealing hundreds of documents a second does not double the
// commits. Nothing secret reaches it: hsm passes key IDs, operations and
// errors only.
type keyAudit struct {
	audit AuditAppender
	now   func() time.Time
	log   *slog.Logger

	mu     sync.Mutex
	counts map[keyUse]int
	since  time.Time
}

type keyUse struct{ key, op, caller string }

func newKeyAudit(a AuditAppender, now func() time.Time, log *slog.Logger) *keyAudit {
	return &keyAudit{audit: a, now: now, log: log, counts: map[keyUse]int{}, since: now()}
}

// observe is the hsm.Observer.
func (k *keyAudit) observe(ctx context.Context, keyID, op string, err error) {
	caller := hsm.CallerFrom(ctx)
	if caller == "" {
		caller = "system"
	}
	if err == nil && (op == hsm.OpSign || op == hsm.OpFind || op == hsm.OpList) {
		k.mu.Lock()
		k.counts[keyUse{keyID, op, caller}]++
		k.mu.Unlock()
		return
	}
	e := model.AuditEntry{Time: k.now().UTC(), Actor: caller, Action: "key." + op, Object: keyID, Outcome: "ok"}
	if err != nil {
		e.Outcome, e.Detail = "failed", errorKind(err)
	}
	if aerr := k.audit.AppendAudit(context.WithoutCancel(ctx), e); aerr != nil {
		k.log.Error("key audit", "err", aerr)
	}
}

// errorKind names an hsm error by its kind, never by its text.
func errorKind(err error) string {
	for _, kind := range []error{hsm.ErrBadSignature, hsm.ErrDeviceUnavailable, hsm.ErrKeyNotFound, hsm.ErrWrongPassword, hsm.ErrUnsupported} {
		if errors.Is(err, kind) {
			return "error=" + kind.Error()
		}
	}
	return "error=other"
}

// flush writes the counted uses since the last flush.
func (k *keyAudit) flush(ctx context.Context) error {
	k.mu.Lock()
	counts, since := k.counts, k.since
	k.counts, k.since = map[keyUse]int{}, k.now()
	k.mu.Unlock()
	uses := make([]keyUse, 0, len(counts))
	for u := range counts {
		uses = append(uses, u)
	}
	sort.Slice(uses, func(i, j int) bool {
		if uses[i].key != uses[j].key {
			return uses[i].key < uses[j].key
		}
		return uses[i].op+uses[i].caller < uses[j].op+uses[j].caller
	})
	var errs []error
	for _, u := range uses {
		errs = append(errs, k.audit.AppendAudit(ctx, model.AuditEntry{Time: k.now().UTC(), Actor: u.caller,
			Action: "key." + u.op, Object: u.key, Outcome: "ok",
			Detail: fmt.Sprintf("count=%d since=%s", counts[u], since.UTC().Format(time.RFC3339))}))
	}
	return errors.Join(errs...)
}

// run flushes every interval until ctx ends.
func (k *keyAudit) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := k.flush(ctx); err != nil {
				k.log.Error("key audit", "err", err)
			}
		}
	}
}

// RunKeyAudit writes the counted key uses to the audit trail every
// interval until ctx ends (Close writes the rest).
func (a *App) RunKeyAudit(ctx context.Context, every time.Duration) {
	if a.keyAudit != nil {
		a.keyAudit.run(ctx, every)
	}
}
