package portal

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"sihub/internal/testutil"
	"sihub/model"
)

// fakeCA is an in-memory CAAdmin with the lifecycle rules of the
// interface's contract: no one approves their own request, changes apply
// only in the states the contract names, malformed requests are
// model.ErrInvalid, a replacement takes over from an active or suspended
// seal of its algorithm. An approval gives the seal validity, a certificate
// serial and the SESeal in sealDER.
type fakeCA struct {
	mu       sync.Mutex
	now      func() time.Time
	seals    map[string]model.Seal
	certs    []model.Certificate
	messages []model.Message
	sealDER  []byte
	n        int
	calls    []string // "approve caadmin2 seal-0001" …
	fail     error    // when set, every method returns it
}

func (f *fakeCA) record(format string, a ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

func (f *fakeCA) Seals(context.Context) ([]model.Seal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	var out []model.Seal
	for _, s := range f.seals {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b model.Seal) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

func (f *fakeCA) Seal(_ context.Context, id string) (model.Seal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return model.Seal{}, f.fail
	}
	s, ok := f.seals[id]
	if !ok {
		return model.Seal{}, fmt.Errorf("fakeca: seal %q: %w", id, model.ErrNotFound)
	}
	return s, nil
}

func (f *fakeCA) Certificates(context.Context) ([]model.Certificate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	return slices.Clone(f.certs), nil
}

func (f *fakeCA) Messages(_ context.Context, login, role string) ([]model.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	var out []model.Message
	for _, m := range f.messages {
		if m.Recipient == login || m.Recipient == model.RoleRecipient(role) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (f *fakeCA) RequestSeal(_ context.Context, actor string, r SealRequest) (model.Seal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("request %s %s", actor, r.Name)
	if f.fail != nil {
		return model.Seal{}, f.fail
	}
	if n := utf8.RuneCountInString(r.Name); n < 1 || n > 20 || (r.Alg != "sm2" && r.Alg != "p256") {
		return model.Seal{}, fmt.Errorf("fakeca: request %q %q: %w", r.Name, r.Alg, model.ErrInvalid)
	}
	if r.Replaces != "" {
		old, ok := f.seals[r.Replaces]
		switch {
		case !ok:
			return model.Seal{}, fmt.Errorf("fakeca: replaces %q: %w", r.Replaces, model.ErrNotFound)
		case old.Alg != r.Alg:
			return model.Seal{}, fmt.Errorf("fakeca: replaces a %s seal: %w", old.Alg, model.ErrInvalid)
		case old.Status != model.SealActive && old.Status != model.SealSuspended:
			return model.Seal{}, fmt.Errorf("fakeca: replaces a %s seal: %w", old.Status, model.ErrConflict)
		}
	}
	f.n++
	s := model.Seal{ID: fmt.Sprintf("seal-%04d", f.n), Name: r.Name, Agency: "示范市社会保险事业管理中心", Alg: r.Alg,
		Status: model.SealRequested, CreatedAt: f.now(), RequestedBy: actor, RequestNote: r.Note, Replaces: r.Replaces}
	f.seals[s.ID] = s
	return s, nil
}

// change applies a transition allowed from the states in from.
func (f *fakeCA) change(op, actor, id string, from []string, apply func(*model.Seal) error) (model.Seal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("%s %s %s", op, actor, id)
	if f.fail != nil {
		return model.Seal{}, f.fail
	}
	s, ok := f.seals[id]
	if !ok {
		return model.Seal{}, fmt.Errorf("fakeca: seal %q: %w", id, model.ErrNotFound)
	}
	if !slices.Contains(from, s.Status) {
		return model.Seal{}, fmt.Errorf("fakeca: %s a %s seal: %w", op, s.Status, model.ErrConflict)
	}
	if err := apply(&s); err != nil {
		return model.Seal{}, err
	}
	f.seals[id] = s
	return s, nil
}

func (f *fakeCA) ApproveSeal(_ context.Context, actor, id string) (model.Seal, error) {
	return f.change("approve", actor, id, []string{model.SealRequested}, func(s *model.Seal) error {
		if s.RequestedBy == actor {
			return fmt.Errorf("fakeca: %s approves own request: %w", actor, model.ErrForbidden)
		}
		now := f.now()
		s.Status, s.ApprovedBy, s.ApprovedAt = model.SealActive, actor, &now
		s.ValidFrom, s.ValidUntil = now, now.AddDate(2, 0, 0)
		s.CertSerial, s.KeyID, s.SESeal = "5e41"+s.ID[5:], "key-"+s.ID, f.sealDER
		if s.Replaces != "" {
			old := f.seals[s.Replaces]
			old.Status, old.ReplacedBy = model.SealReplaced, s.ID
			f.seals[old.ID] = old
		}
		return nil
	})
}

func (f *fakeCA) statusChange(op, actor, id, reason, to string, from ...string) (model.Seal, error) {
	return f.change(op, actor, id, from, func(s *model.Seal) error {
		now := f.now()
		s.Status, s.StatusReason, s.StatusChangedAt, s.StatusChangedBy = to, reason, &now, actor
		return nil
	})
}

func (f *fakeCA) RejectSeal(_ context.Context, actor, id, reason string) (model.Seal, error) {
	return f.statusChange("reject", actor, id, reason, model.SealRejected, model.SealRequested)
}

func (f *fakeCA) SuspendSeal(_ context.Context, actor, id, reason string) (model.Seal, error) {
	return f.statusChange("suspend", actor, id, reason, model.SealSuspended, model.SealActive)
}

func (f *fakeCA) ResumeSeal(_ context.Context, actor, id string) (model.Seal, error) {
	return f.statusChange("resume", actor, id, "", model.SealActive, model.SealSuspended)
}

func (f *fakeCA) RevokeSeal(_ context.Context, actor, id, reason string) (model.Seal, error) {
	if !revocationReason(reason) {
		return model.Seal{}, fmt.Errorf("fakeca: reason %q: %w", reason, model.ErrInvalid)
	}
	return f.statusChange("revoke", actor, id, reason, model.SealRevoked, model.SealActive, model.SealSuspended)
}

// callCount counts the recorded changes.
func (f *fakeCA) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// Administrators of the CA tests.
const (
	admin1, admin1PW = "caadmin", "ca-admin-pw-1"
	admin2, admin2PW = "caadmin2", "ca-admin-pw-2"
	unitCode, unitPW = "91110108MA01ABCD5T", "unit-pw-1"
)

// v4SESeal is a GB/T 38540 v4 seal made by another implementation.
func v4SESeal(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(testutil.Corpora(t, "crypto", "sm", "ofdrw", "UserV4.esl"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newCAEnv is newEnv with two CA administrators, a unit agent and fake
// with its clock set to the env's.
func newCAEnv(t *testing.T, fake *fakeCA) *env {
	t.Helper()
	return newEnv(t, func(c *Config, d *Deps) {
		accts := d.Accounts.(fakeAccounts)
		accts[admin1] = model.Account{Login: admin1, Role: model.AccountCAAdmin, DisplayName: "制章管理员 赵刚", PasswordHash: hashFor(t, admin1PW)}
		accts[admin2] = model.Account{Login: admin2, Role: model.AccountCAAdmin, DisplayName: "制章管理员 钱丽", PasswordHash: hashFor(t, admin2PW)}
		accts[unitCode] = model.Account{Login: unitCode, Role: model.AccountUnit, UnitCode: unitCode, PasswordHash: hashFor(t, unitPW)}
		if fake != nil {
			fake.now = c.Now
			d.CAAdmin = fake
		}
	})
}

func newFakeCA() *fakeCA {
	return &fakeCA{seals: map[string]model.Seal{}, now: time.Now}
}
