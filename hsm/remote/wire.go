package remote

import (
	"crypto"
	"crypto/rsa"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
)

// maxMessage caps one message.
const maxMessage = 1 << 20

// ErrProtocol: the peer sent something malformed.
var ErrProtocol = errors.New("hsm/remote: protocol error")

type request struct {
	Op     string        `json:"op"` // generate, find, list, delete, sign, capabilities
	Key    string        `json:"key,omitempty"`
	Alg    hsm.Algorithm `json:"alg,omitempty"`
	Label  string        `json:"label,omitempty"`
	Caller string        `json:"caller,omitempty"`
	Digest []byte        `json:"digest,omitempty"`
	Opts   *signOpts     `json:"opts,omitempty"`
}

// signOpts carries crypto.SignerOpts across the wire.
type signOpts struct {
	Hash     crypto.Hash `json:"hash,omitempty"`
	PSS      bool        `json:"pss,omitempty"`
	Salt     int         `json:"salt,omitempty"`
	SM2      bool        `json:"sm2,omitempty"` // GM signing: digest is the message
	SignerID []byte      `json:"uid,omitempty"`
}

type keyInfo struct {
	ID     string        `json:"id"`
	Alg    hsm.Algorithm `json:"alg"`
	Public []byte        `json:"pub"` // PKIX DER
}

type response struct {
	Err     *wireError       `json:"err,omitempty"`
	Key     *keyInfo         `json:"key,omitempty"`
	List    []hsm.KeyInfo    `json:"list,omitempty"`
	Caps    []hsm.Capability `json:"caps,omitempty"`
	Sig     []byte           `json:"sig,omitempty"`
	Version int              `json:"v,omitempty"`
}

type wireError struct {
	Kind string `json:"kind"`
	Msg  string `json:"msg"`
}

var errorKinds = []struct {
	kind string
	err  error
}{
	{"not-found", hsm.ErrKeyNotFound},
	{"unsupported", hsm.ErrUnsupported},
	{"wrong-password", hsm.ErrWrongPassword},
	{"bad-signature", hsm.ErrBadSignature},
	{"device", hsm.ErrDeviceUnavailable},
	{"closed", hsm.ErrClosed},
}

func toWire(err error) *wireError {
	if err == nil {
		return nil
	}
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			return &wireError{Kind: k.kind, Msg: err.Error()}
		}
	}
	return &wireError{Msg: err.Error()}
}

// remoteError is an error from the child, with its kind.
type remoteError struct {
	kind error
	msg  string
}

func (e *remoteError) Error() string { return "hsm/remote: signer process: " + e.msg }
func (e *remoteError) Unwrap() error { return e.kind }

func fromWire(w *wireError) error {
	if w == nil {
		return nil
	}
	for _, k := range errorKinds {
		if w.Kind == k.kind {
			return &remoteError{kind: k.err, msg: w.Msg}
		}
	}
	return &remoteError{msg: w.Msg}
}

func encodeOpts(opts crypto.SignerOpts) *signOpts {
	if opts == nil {
		return nil
	}
	if uid, ok := hsm.SM2SignerID(opts); ok {
		return &signOpts{SM2: true, SignerID: uid}
	}
	if p, ok := opts.(*rsa.PSSOptions); ok {
		return &signOpts{Hash: p.Hash, PSS: true, Salt: p.SaltLength}
	}
	return &signOpts{Hash: opts.HashFunc()}
}

func decodeOpts(o *signOpts) crypto.SignerOpts {
	switch {
	case o == nil:
		return nil
	case o.SM2:
		return sm2.NewSM2SignerOption(true, o.SignerID)
	case o.PSS:
		return &rsa.PSSOptions{Hash: o.Hash, SaltLength: o.Salt}
	}
	return o.Hash
}

func writeMessage(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) > maxMessage {
		return fmt.Errorf("%w: message of %d bytes", ErrProtocol, len(b))
	}
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	copy(buf[4:], b)
	_, err = w.Write(buf)
	return err
}

func readMessage(r io.Reader, v any) error {
	var h [4]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(h[:])
	if n > maxMessage {
		return fmt.Errorf("%w: message of %d bytes", ErrProtocol, n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %v", ErrProtocol, err)
	}
	return nil
}
