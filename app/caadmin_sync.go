package app

import (
	"context"
	"time"

	"sihub/certs"
	"sihub/hsm"
	"sihub/model"
)

// SyncSeals brings the seals this process seals with in line with the
// store, for changes made by another process (sihub seal … on the same
// data directory, a second server): the seal of an algorithm whose stored
// status is no longer active stops here too, and the newest approved
// active seal of the algorithm takes over. Changes made through this
// process's CAAdmin take effect at once and need no sync.
func (c *CAAdmin) SyncSeals(ctx context.Context) error {
	ss, err := c.a.Store.ListSeals(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	byID := make(map[string]model.Seal, len(ss))
	for _, s := range ss {
		byID[s.ID] = s
	}
	now := c.now()
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		cur, err := c.a.PKI.Seal(alg)
		if err != nil || cur == nil {
			continue
		}
		if stored, ok := byID[cur.Seal.ID]; ok && stored.Status != cur.Seal.Status && stored.Status != model.SealActive {
			c.a.PKI.DeactivateSeal(stored)
			c.a.Logger.Info("seal stopped elsewhere", "seal", stored.ID, "status", stored.Status)
		}
		cur, _ = c.a.PKI.Seal(alg)
		var best *model.Seal
		for i, s := range ss {
			if s.Alg != string(alg) || s.Agency != c.a.Config.Agency || s.Status != model.SealActive || now.After(s.ValidUntil) {
				continue
			}
			if best == nil || activeSince(s).After(activeSince(*best)) {
				best = &ss[i]
			}
		}
		if best == nil || best.ID == cur.Seal.ID && cur.Seal.Status == model.SealActive {
			continue
		}
		if cur.Seal.Status == model.SealActive && !activeSince(*best).After(activeSince(cur.Seal)) {
			continue
		}
		m, err := certs.LoadSeal(ctx, c.a.PKI, c.a.Store, *best)
		if err != nil {
			c.a.Logger.Warn("an active seal cannot take over", "seal", best.ID, "err", err)
			continue
		}
		if err := c.a.PKI.ActivateSeal(m); err != nil {
			return err
		}
		if c.a.seals != nil {
			c.a.seals.Add(*best)
		}
		c.a.Logger.Info("seal activated elsewhere takes over", "seal", best.ID, "alg", alg)
	}
	return nil
}

// RunSealSync calls CAAdmin.SyncSeals every interval until ctx ends.
func (a *App) RunSealSync(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.caAdmin.SyncSeals(ctx); err != nil && ctx.Err() == nil {
				a.Logger.Error("seal sync", "err", err)
			}
		}
	}
}
