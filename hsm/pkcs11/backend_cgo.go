//go:build cgo

package pkcs11

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/miekg/pkcs11"

	"sihub/hsm"
)

// Backend is one token; it implements hsm.Backend, hsm.CapabilityReporter
// and io.Closer, and is safe for concurrent use.
type Backend struct {
	cfg  Config
	pin  string
	mod  *module
	pool *hsm.Pool[pkcs11.SessionHandle]
	sm2  *SM2Profile

	mu       sync.Mutex
	gen      uint64 // module generation the state below belongs to
	slot     uint
	haveSlot bool
	loggedIn bool
	handles  map[string]pkcs11.ObjectHandle // hex CKA_ID → private key handle
	broken   bool                           // a device error asks for re-initialisation
	closed   bool
}

var _ hsm.Backend = (*Backend)(nil)
var _ hsm.CapabilityReporter = (*Backend)(nil)

func init() {
	hsm.Register("pkcs11", func(ctx context.Context, uri string) (hsm.Backend, error) {
		cfg, err := ParseURI(uri)
		if err != nil {
			return nil, err
		}
		return Open(ctx, cfg)
	})
}

// Open loads the module, finds the token and logs in.
func Open(ctx context.Context, cfg Config) (*Backend, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	pin, err := cfg.pin()
	if err != nil {
		return nil, err
	}
	mod, err := loadModule(cfg.ModulePath)
	if err != nil {
		return nil, err
	}
	b := &Backend{cfg: cfg, pin: pin, mod: mod, handles: map[string]pkcs11.ObjectHandle{}}
	b.pool = hsm.NewPool[pkcs11.SessionHandle](sessions{b}, cfg.Pool)
	var tokenMfr string
	err = b.do(ctx, 0, func(pkcs11.SessionHandle) error {
		ti, err := mod.ctx.GetTokenInfo(b.slot)
		tokenMfr = ti.ManufacturerID
		return err
	})
	if err != nil {
		b.Close()
		return nil, err
	}
	switch {
	case cfg.SM2 != nil:
		p := *cfg.SM2
		b.sm2 = &p
	case cfg.SM2Profile != "":
		p, err := SM2ProfileNamed(cfg.SM2Profile)
		if err != nil {
			b.Close()
			return nil, err
		}
		b.sm2 = &p
	default:
		libMfr := ""
		if info, err := mod.ctx.GetInfo(); err == nil {
			libMfr = info.ManufacturerID
		}
		if p, ok := SM2ProfileFor(cfg.ModulePath, tokenMfr, libMfr); ok {
			b.sm2 = &p
		}
	}
	return b, nil
}

// Close logs out, closes the sessions and unloads the module when no other
// backend uses it.
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	b.pool.Close()
	// Finalising or unloading the module under a running call would crash
	// the process: wait for calls still in the library (callers that timed
	// out leave theirs running), and if they do not return, leave the
	// module loaded.
	if !b.pool.Drain(time.After(b.slowTimeout())) {
		return fmt.Errorf("%w: device calls still running; module left loaded", hsm.ErrDeviceUnavailable)
	}
	b.mod.release()
	return nil
}

// slowTimeout bounds key generation and import (RSA-3072 generation takes
// seconds on a software token, more under load): SlowCallTimeout, at least
// the call timeout.
func (b *Backend) slowTimeout() time.Duration {
	if b.cfg.Pool.CallTimeout > SlowCallTimeout {
		return b.cfg.Pool.CallTimeout
	}
	return SlowCallTimeout
}

// SlowCallTimeout is the timeout of key generation and import.
const SlowCallTimeout = 2 * time.Minute

// Breaker reports the circuit breaker's state ("closed", "open", "half-open").
func (b *Backend) Breaker() string { return b.pool.State() }

// CallPath reports how the next call reaches the device ("inline" or
// "hand-off") and the moving average of answered calls (hsm.CallMode).
func (b *Backend) CallPath() (string, time.Duration) { return b.pool.CallPath() }

// sessions adapts the backend to hsm.Sessions.
type sessions struct{ b *Backend }

// do runs fn on a pooled session while holding the module shared, with
// the call timeout (timeout 0) or the given one.
func (b *Backend) do(ctx context.Context, timeout time.Duration, fn func(pkcs11.SessionHandle) error) error {
	return b.pool.DoWithin(ctx, timeout, func(s pkcs11.SessionHandle) error {
		b.mod.busy.RLock()
		defer b.mod.busy.RUnlock()
		return fn(s)
	})
}

func (s sessions) Open(context.Context) (pkcs11.SessionHandle, error) {
	b := s.b
	b.mu.Lock()
	closed, broken, seen := b.closed, b.broken, b.gen
	b.mu.Unlock()
	if closed {
		return 0, hsm.ErrClosed
	}
	if broken {
		// Waits for calls still running in the module (also other backends').
		if _, err := b.mod.reinit(seen); err != nil {
			return 0, err
		}
	}
	b.mod.busy.RLock()
	defer b.mod.busy.RUnlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	gen := b.mod.generation()
	if gen != b.gen || b.broken {
		b.gen, b.haveSlot, b.loggedIn, b.broken = gen, false, false, false
		clear(b.handles)
	}
	if !b.haveSlot {
		slot, err := b.findSlot()
		if err != nil {
			b.broken = true
			return 0, err
		}
		b.slot, b.haveSlot = slot, true
	}
	sh, err := b.mod.ctx.OpenSession(b.slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		b.broken = true
		return 0, fmt.Errorf("hsm/pkcs11: C_OpenSession: %w", err)
	}
	if !b.loggedIn {
		err := b.mod.ctx.Login(sh, pkcs11.CKU_USER, b.pin)
		if err != nil && !errors.Is(err, pkcs11.Error(pkcs11.CKR_USER_ALREADY_LOGGED_IN)) {
			_ = b.mod.ctx.CloseSession(sh)
			if errors.Is(err, pkcs11.Error(pkcs11.CKR_PIN_INCORRECT)) {
				return 0, fmt.Errorf("%w: token PIN rejected", hsm.ErrWrongPassword)
			}
			return 0, fmt.Errorf("hsm/pkcs11: C_Login: %w", err)
		}
		b.loggedIn = true
	}
	return sh, nil
}

func (s sessions) Close(sh pkcs11.SessionHandle) {
	s.b.mod.busy.RLock()
	defer s.b.mod.busy.RUnlock()
	_ = s.b.mod.ctx.CloseSession(sh)
}

// deviceErrors are the return values that mean the session, token or
// device is gone rather than that the request was wrong.
var deviceErrors = map[pkcs11.Error]bool{
	pkcs11.CKR_DEVICE_ERROR:             true,
	pkcs11.CKR_DEVICE_REMOVED:           true,
	pkcs11.CKR_DEVICE_MEMORY:            true,
	pkcs11.CKR_TOKEN_NOT_PRESENT:        true,
	pkcs11.CKR_TOKEN_NOT_RECOGNIZED:     true,
	pkcs11.CKR_SESSION_HANDLE_INVALID:   true,
	pkcs11.CKR_SESSION_CLOSED:           true,
	pkcs11.CKR_CRYPTOKI_NOT_INITIALIZED: true,
	pkcs11.CKR_GENERAL_ERROR:            true,
	pkcs11.CKR_FUNCTION_FAILED:          true,
	pkcs11.CKR_USER_NOT_LOGGED_IN:       true,
	pkcs11.CKR_SLOT_ID_INVALID:          true,
	pkcs11.CKR_OBJECT_HANDLE_INVALID:    true,
	pkcs11.CKR_KEY_HANDLE_INVALID:       true,
}

func (s sessions) Failed(err error) bool {
	var pe pkcs11.Error
	failed := errors.Is(err, hsm.ErrDeviceUnavailable) || (errors.As(err, &pe) && deviceErrors[pe])
	if failed {
		s.b.mu.Lock()
		s.b.broken = true
		s.b.mu.Unlock()
	}
	return failed
}

// errTokenMissing: no slot holds the configured token.
var errTokenMissing = fmt.Errorf("%w: token not present", hsm.ErrDeviceUnavailable)

func (b *Backend) findSlot() (uint, error) {
	c := b.mod.ctx
	slots, err := c.GetSlotList(true)
	if err != nil {
		return 0, fmt.Errorf("hsm/pkcs11: C_GetSlotList: %w", err)
	}
	for _, s := range slots {
		if b.cfg.SlotID != nil && s != *b.cfg.SlotID {
			continue
		}
		ti, err := c.GetTokenInfo(s)
		if err != nil {
			continue
		}
		if b.cfg.Token != "" && strings.TrimRight(ti.Label, " ") != b.cfg.Token {
			continue
		}
		if b.cfg.Serial != "" && strings.TrimRight(ti.SerialNumber, " ") != b.cfg.Serial {
			continue
		}
		if b.cfg.Manufacturer != "" && strings.TrimRight(ti.ManufacturerID, " ") != b.cfg.Manufacturer {
			continue
		}
		return s, nil
	}
	return 0, errTokenMissing
}

// Capabilities asks the token for its mechanisms.
func (b *Backend) Capabilities(ctx context.Context) ([]hsm.Capability, error) {
	var caps []hsm.Capability
	err := b.do(ctx, 0, func(pkcs11.SessionHandle) error {
		b.mu.Lock()
		slot := b.slot
		b.mu.Unlock()
		ms, err := b.mod.ctx.GetMechanismList(slot)
		if err != nil {
			return fmt.Errorf("hsm/pkcs11: C_GetMechanismList: %w", err)
		}
		var found []hsm.Capability
		have := map[uint]bool{}
		for _, m := range ms {
			have[m.Mechanism] = true
		}
		if b.sm2 != nil && have[b.sm2.KeyGen] && have[b.sm2.Sign] {
			found = append(found, hsm.CapSM2SM3)
		}
		if have[pkcs11.CKM_EC_KEY_PAIR_GEN] && have[pkcs11.CKM_ECDSA] {
			found = append(found, hsm.CapECDSAP256)
		}
		if have[pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN] && have[pkcs11.CKM_RSA_PKCS] {
			found = append(found, hsm.CapRSA3072PKCS1)
		}
		if have[pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN] && have[pkcs11.CKM_RSA_PKCS_PSS] {
			found = append(found, hsm.CapRSA3072PSS)
		}
		caps = found
		return nil
	})
	if err != nil {
		return nil, err
	}
	return caps, nil
}

func newKeyID() ([]byte, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("hsm/pkcs11: key id: %w", err)
	}
	return id, nil
}

func parseKeyID(id string) ([]byte, error) {
	raw, err := hex.DecodeString(id)
	if err != nil || len(raw) == 0 || len(raw) > 64 {
		return nil, fmt.Errorf("%w: %q is not a PKCS#11 key id", hsm.ErrKeyNotFound, id)
	}
	return raw, nil
}
