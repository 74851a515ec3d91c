package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func lifecycleSeal(id string) model.Seal {
	return model.Seal{ID: id, Name: "业务专用章", Agency: "北京市朝阳区社会保险事业管理中心", Alg: "sm2",
		Status: model.SealRequested, RequestedBy: "caadmin", RequestNote: "新设", CreatedAt: at(time.Minute)}
}

// testUpdateSeal walks a seal through its statuses with UpdateSeal: each
// change applies only from the status it names.
func testUpdateSeal(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	se := lifecycleSeal("s1")
	wantNotFound(t, "UpdateSeal of a missing seal", s.UpdateSeal(c, se, model.SealRequested))
	must(t, "PutSeal", s.PutSeal(c, se))

	approved := se
	approvedAt := at(time.Hour)
	approved.Status, approved.ApprovedBy, approved.ApprovedAt = model.SealActive, "caadmin2", &approvedAt
	approved.KeyID, approved.CertSerial, approved.SESeal = "key-s1", "0a01", []byte{0x30, 0x00, 0xff}
	must(t, "UpdateSeal requested → active", s.UpdateSeal(c, approved, model.SealRequested))
	got, err := s.Seal(c, se.ID)
	must(t, "Seal", err)
	wantSame(t, "Seal after UpdateSeal", got, approved)

	again := approved
	again.ApprovedBy = "someone-else"
	wantConflict(t, "UpdateSeal from a status the seal has left", s.UpdateSeal(c, again, model.SealRequested))
	got, err = s.Seal(c, se.ID)
	must(t, "Seal", err)
	wantSame(t, "Seal after a refused UpdateSeal (unchanged)", got, approved)

	suspended := approved
	suspended.Status, suspended.StatusReason = model.SealSuspended, "盖章机维修"
	must(t, "UpdateSeal active → suspended", s.UpdateSeal(c, suspended, model.SealActive))
	must(t, "UpdateSeal suspended → active", s.UpdateSeal(c, approved, model.SealSuspended))
	// The same transition again, after a plain PutSeal in between.
	must(t, "PutSeal", s.PutSeal(c, approved))
	must(t, "UpdateSeal active → suspended (second time)", s.UpdateSeal(c, suspended, model.SealActive))
	got, err = s.Seal(c, se.ID)
	must(t, "Seal", err)
	wantSame(t, "Seal after suspending twice", got, suspended)

	list, err := s.ListSeals(c)
	must(t, "ListSeals", err)
	wantSame(t, "ListSeals after UpdateSeal", list, []model.Seal{suspended})
}

// testUpdateSealConcurrent has every goroutine try to move one requested
// seal to active, each as another approver: exactly one succeeds, the
// others get ErrConflict, and the stored seal is the winner's.
func testUpdateSealConcurrent(t *testing.T, s store.Store, o Options) {
	c := ctx(t)
	const rounds = 5
	for r := range rounds {
		id := "race-" + string(rune('a'+r))
		must(t, "PutSeal", s.PutSeal(c, lifecycleSeal(id)))
		g := o.Goroutines
		errs := make([]error, g)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for w := range g {
			wg.Go(func() {
				se := lifecycleSeal(id)
				se.Status, se.ApprovedBy = model.SealActive, "approver-"+string(rune('a'+w))
				<-start
				errs[w] = s.UpdateSeal(c, se, model.SealRequested)
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for w, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("seal %s: goroutines %d and %d both moved it out of requested", id, winner, w)
			case err == nil:
				winner = w
			case !errors.Is(err, model.ErrConflict):
				t.Errorf("seal %s: goroutine %d: err = %v, want nil or model.ErrConflict", id, w, err)
			}
		}
		if winner < 0 {
			t.Fatalf("seal %s: no goroutine moved it out of requested", id)
		}
		got, err := s.Seal(c, id)
		must(t, "Seal", err)
		if want := "approver-" + string(rune('a'+winner)); got.Status != model.SealActive || got.ApprovedBy != want {
			t.Errorf("seal %s: stored %s approved by %q, want active approved by the winner %q", id, got.Status, got.ApprovedBy, want)
		}
	}
}
