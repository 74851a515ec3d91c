package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sihub/model"
)

// ExpireSeals marks every active or suspended seal whose validity is over
// as expired (actor "system", audited "seal.expire"); from then on it
// seals nothing. It runs at Open and with the daily expiry check, and
// returns how many seals it expired. A seal changed meanwhile by someone
// else is left to the next run.
func (c *CAAdmin) ExpireSeals(ctx context.Context) (int, error) {
	ss, err := c.a.Store.ListSeals(ctx)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	n := 0
	for _, s := range ss {
		if (s.Status != model.SealActive && s.Status != model.SealSuspended) || !now.After(s.ValidUntil) {
			continue
		}
		from := s.Status
		s.Status, s.StatusReason = model.SealExpired, "validity ended "+s.ValidUntil.UTC().Format(time.RFC3339)
		s.StatusChangedAt, s.StatusChangedBy = &now, "system"
		err := c.updateSeal(ctx, s, from)
		if errors.Is(err, model.ErrConflict) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("app: expiring seal %s: %w", s.ID, err)
		}
		c.a.PKI.DeactivateSeal(s)
		c.fallback(ctx, s.Alg)
		c.audit(ctx, "system", "seal.expire", s.ID, "ok", s.StatusReason)
		n++
	}
	return n, nil
}
