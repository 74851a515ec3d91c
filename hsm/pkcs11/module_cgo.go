//go:build cgo

package pkcs11

import (
	"errors"
	"fmt"
	"sync"

	"github.com/miekg/pkcs11"
)

// module is one loaded PKCS#11 library. A library may be initialised only
// once per process, so backends on the same module path share it; gen
// counts re-initialisations (each invalidates sessions, logins, handles).
type module struct {
	path string

	// busy is held shared by every call into the module and exclusively by
	// C_Finalize (re-initialisation, unloading): finalising under a running
	// call would crash the process. Lock order: busy, then Backend.mu,
	// then mu.
	busy sync.RWMutex

	mu   sync.Mutex
	ctx  *pkcs11.Ctx
	refs int
	gen  uint64
	live bool // initialised
}

var modules struct {
	sync.Mutex
	byPath map[string]*module
}

func loadModule(path string) (*module, error) {
	modules.Lock()
	defer modules.Unlock()
	if m := modules.byPath[path]; m != nil {
		m.refs++
		return m, nil
	}
	c := pkcs11.New(path)
	if c == nil {
		return nil, fmt.Errorf("hsm/pkcs11: cannot load module %s", path)
	}
	m := &module{path: path, ctx: c, refs: 1}
	if err := m.initLocked(); err != nil {
		c.Destroy()
		return nil, err
	}
	if modules.byPath == nil {
		modules.byPath = map[string]*module{}
	}
	modules.byPath[path] = m
	return m, nil
}

func (m *module) initLocked() error {
	err := m.ctx.Initialize()
	if err != nil && !errors.Is(err, pkcs11.Error(pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
		return fmt.Errorf("hsm/pkcs11: C_Initialize: %w", err)
	}
	m.live = true
	m.gen++
	return nil
}

// reinit finalises and initialises the module again unless another backend
// already did so since generation seen.
func (m *module) reinit(seen uint64) (uint64, error) {
	m.busy.Lock()
	defer m.busy.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != seen && m.live {
		return m.gen, nil
	}
	if m.live {
		_ = m.ctx.Finalize()
		m.live = false
	}
	if err := m.initLocked(); err != nil {
		return m.gen, err
	}
	return m.gen, nil
}

func (m *module) generation() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen
}

func (m *module) release() {
	modules.Lock()
	defer modules.Unlock()
	m.refs--
	if m.refs > 0 {
		return
	}
	delete(modules.byPath, m.path)
	m.busy.Lock()
	defer m.busy.Unlock()
	m.mu.Lock()
	if m.live {
		_ = m.ctx.Finalize()
	}
	m.live = false
	m.mu.Unlock()
	m.ctx.Destroy()
}
