//go:build cgo

package sdf

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

typedef int (*sdf_open_device)(void **);
typedef int (*sdf_close_device)(void *);
typedef int (*sdf_open_session)(void *, void **);
typedef int (*sdf_close_session)(void *);
typedef int (*sdf_get_access)(void *, unsigned int, unsigned char *, unsigned int);
typedef int (*sdf_release_access)(void *, unsigned int);
typedef int (*sdf_export_sign_pub)(void *, unsigned int, void *);
typedef int (*sdf_internal_sign)(void *, unsigned int, unsigned char *, unsigned int, void *);
typedef int (*sdf_generate_random)(void *, unsigned int, unsigned char *);

typedef struct {
	void *lib;
	sdf_open_device open_device;
	sdf_close_device close_device;
	sdf_open_session open_session;
	sdf_close_session close_session;
	sdf_get_access get_access;
	sdf_release_access release_access;
	sdf_export_sign_pub export_sign_pub;
	sdf_internal_sign internal_sign;
	sdf_generate_random generate_random;
} sdf_lib;

// sdf_load fills l from the library at path; it returns NULL or the name
// of the first symbol that is missing ("dlopen" if the library is).
static const char *sdf_load(const char *path, sdf_lib *l) {
	l->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!l->lib) return "dlopen";
#define SYM(field, name) if (!(l->field = (void *)dlsym(l->lib, name))) return name;
	SYM(open_device, "SDF_OpenDevice")
	SYM(close_device, "SDF_CloseDevice")
	SYM(open_session, "SDF_OpenSession")
	SYM(close_session, "SDF_CloseSession")
	SYM(get_access, "SDF_GetPrivateKeyAccessRight")
	SYM(release_access, "SDF_ReleasePrivateKeyAccessRight")
	SYM(export_sign_pub, "SDF_ExportSignPublicKey_ECC")
	SYM(internal_sign, "SDF_InternalSign_ECC")
	SYM(generate_random, "SDF_GenerateRandom")
#undef SYM
	return NULL;
}

static void sdf_unload(sdf_lib *l) { if (l->lib) dlclose(l->lib); l->lib = NULL; }

static int sdf_OpenDevice(sdf_lib *l, void **h) { return l->open_device(h); }
static int sdf_CloseDevice(sdf_lib *l, void *h) { return l->close_device(h); }
static int sdf_OpenSession(sdf_lib *l, void *d, void **s) { return l->open_session(d, s); }
static int sdf_CloseSession(sdf_lib *l, void *s) { return l->close_session(s); }
static int sdf_GetPrivateKeyAccessRight(sdf_lib *l, void *s, unsigned int i, unsigned char *p, unsigned int n) { return l->get_access(s, i, p, n); }
static int sdf_ReleasePrivateKeyAccessRight(sdf_lib *l, void *s, unsigned int i) { return l->release_access(s, i); }
static int sdf_ExportSignPublicKey_ECC(sdf_lib *l, void *s, unsigned int i, void *pub) { return l->export_sign_pub(s, i, pub); }
static int sdf_InternalSign_ECC(sdf_lib *l, void *s, unsigned int i, unsigned char *e, unsigned int n, void *sig) { return l->internal_sign(s, i, e, n, sig); }
static int sdf_GenerateRandom(sdf_lib *l, void *s, unsigned int n, unsigned char *out) { return l->generate_random(s, n, out); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// library is the narrow seam over the vendor library: exactly the calls
// sihub uses. Handles are the device's opaque pointers (C memory).
type library struct {
	l *C.sdf_lib // C memory
}

func loadLibrary(path string) (*library, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	l := (*C.sdf_lib)(C.calloc(1, C.sizeof_sdf_lib))
	if missing := C.sdf_load(cpath, l); missing != nil {
		name := C.GoString(missing)
		C.sdf_unload(l)
		C.free(unsafe.Pointer(l))
		if name == "dlopen" {
			return nil, fmt.Errorf("hsm/sdf: cannot load %s", path)
		}
		return nil, fmt.Errorf("hsm/sdf: %s lacks %s", path, name)
	}
	return &library{l: l}, nil
}

func (lib *library) unload() {
	C.sdf_unload(lib.l)
	C.free(unsafe.Pointer(lib.l))
}

func sdr(rc C.int) error {
	if rc == 0 {
		return nil
	}
	return SDR(uint32(rc))
}

func (lib *library) openDevice() (unsafe.Pointer, error) {
	var h unsafe.Pointer
	if err := sdr(C.sdf_OpenDevice(lib.l, &h)); err != nil {
		return nil, fmt.Errorf("SDF_OpenDevice: %w", err)
	}
	return h, nil
}

func (lib *library) closeDevice(h unsafe.Pointer) { C.sdf_CloseDevice(lib.l, h) }

func (lib *library) openSession(dev unsafe.Pointer) (unsafe.Pointer, error) {
	var s unsafe.Pointer
	if err := sdr(C.sdf_OpenSession(lib.l, dev, &s)); err != nil {
		return nil, fmt.Errorf("SDF_OpenSession: %w", err)
	}
	return s, nil
}

func (lib *library) closeSession(s unsafe.Pointer) { C.sdf_CloseSession(lib.l, s) }

func (lib *library) getAccessRight(s unsafe.Pointer, idx uint, password string) error {
	pw := C.CBytes([]byte(password))
	defer func() {
		clear(unsafe.Slice((*byte)(pw), len(password)))
		C.free(pw)
	}()
	if err := sdr(C.sdf_GetPrivateKeyAccessRight(lib.l, s, C.uint(idx), (*C.uchar)(pw), C.uint(len(password)))); err != nil {
		return fmt.Errorf("SDF_GetPrivateKeyAccessRight(%d): %w", idx, err)
	}
	return nil
}

func (lib *library) releaseAccessRight(s unsafe.Pointer, idx uint) {
	C.sdf_ReleasePrivateKeyAccessRight(lib.l, s, C.uint(idx))
}

// outBuffer is C memory for a structure the device fills: always as large
// as the 64-byte layout (a library built with ECCref_MAX_LEN = 64 cannot
// overrun it when rs-size says 32), pre-filled with a canary so that such a
// mismatch is detected instead of misread.
type outBuffer struct {
	p    unsafe.Pointer
	size int // bytes the configured layout uses
	max  int
}

const canary = 0xA5

func newOutBuffer(size, max int) outBuffer {
	p := C.malloc(C.size_t(max))
	b := unsafe.Slice((*byte)(p), max)
	for i := range b {
		b[i] = canary
	}
	return outBuffer{p: p, size: size, max: max}
}

func (o outBuffer) free() { C.free(o.p) }

// bytes returns the structure, or ErrLayout when the library wrote past it.
func (o outBuffer) bytes(what string) ([]byte, error) {
	b := unsafe.Slice((*byte)(o.p), o.max)
	for _, c := range b[o.size:] {
		if c != canary {
			return nil, fmt.Errorf("%w: the library wrote a %s longer than %d bytes (check rs-size)", ErrLayout, what, o.size)
		}
	}
	return append([]byte(nil), b[:o.size]...), nil
}

func (lib *library) exportSignPublicKey(s unsafe.Pointer, idx uint, rs int) ([]byte, error) {
	buf := newOutBuffer(pubKeySize(rs), pubKeySize(64))
	defer buf.free()
	if err := sdr(C.sdf_ExportSignPublicKey_ECC(lib.l, s, C.uint(idx), buf.p)); err != nil {
		return nil, fmt.Errorf("SDF_ExportSignPublicKey_ECC(%d): %w", idx, err)
	}
	return buf.bytes("ECCrefPublicKey")
}

func (lib *library) internalSign(s unsafe.Pointer, idx uint, e []byte, rs int) ([]byte, error) {
	ce := C.CBytes(e)
	defer C.free(ce)
	buf := newOutBuffer(sigSize(rs), sigSize(64))
	defer buf.free()
	if err := sdr(C.sdf_InternalSign_ECC(lib.l, s, C.uint(idx), (*C.uchar)(ce), C.uint(len(e)), buf.p)); err != nil {
		return nil, fmt.Errorf("SDF_InternalSign_ECC(%d): %w", idx, err)
	}
	return buf.bytes("ECCSignature")
}

func (lib *library) generateRandom(s unsafe.Pointer, n int) ([]byte, error) {
	buf := C.calloc(1, C.size_t(n))
	defer C.free(buf)
	if err := sdr(C.sdf_GenerateRandom(lib.l, s, C.uint(n), (*C.uchar)(buf))); err != nil {
		return nil, fmt.Errorf("SDF_GenerateRandom: %w", err)
	}
	return C.GoBytes(buf, C.int(n)), nil
}
