//go:build cgo

package sdf

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
	"sihub/hsm/remote"
)

// runSignerChild is the signer process: this test binary re-executed with
// SIHUB_TEST_SIGNER_CHILD set to an sdf: URI.
func runSignerChild(uri string) int {
	ctx := context.Background()
	b, err := hsm.Open(ctx, uri)
	if err != nil {
		fmt.Fprintln(os.Stderr, "signer child:", err)
		return 2
	}
	defer b.(*Backend).Close()
	if err := remote.Serve(ctx, b, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "signer child:", err)
		return 1
	}
	return 0
}

// children records the signer processes the parent starts.
type children struct {
	mu    sync.Mutex
	procs []*exec.Cmd
}

func (c *children) last() *exec.Cmd {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.procs[len(c.procs)-1]
}

func (c *children) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.procs)
}

// The SDF backend runs in a signer process; the process is killed in the
// middle of a signature (as a vendor library crash would end it): the call
// fails with hsm.ErrDeviceUnavailable, this process lives on, and the next
// signature starts a new signer process.
func TestSDFInSignerProcess(t *testing.T) {
	d := newTestDevice(t, 64, 1)
	uri := fmt.Sprintf("sdf:?module-path=%s&key-index=1&pin-value=%s", d.lib, url.QueryEscape(d.password))
	kids := &children{}
	command := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SIHUB_TEST_SIGNER_CHILD="+uri)
		cmd.Stderr = os.Stderr
		kids.mu.Lock()
		kids.procs = append(kids.procs, cmd)
		kids.mu.Unlock()
		return cmd
	}
	ctx := context.Background()
	b, err := remote.Start(ctx, command, remote.Options{Pool: hsm.PoolOptions{MaxSessions: 1, CallTimeout: time.Minute}})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer b.Close()
	caps, err := hsm.Capabilities(ctx, b)
	if err != nil || !hsm.Has(caps, hsm.CapSM2SM3) {
		t.Fatalf("capabilities %v, %v", caps, err)
	}
	k, err := b.Find(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	pub := k.Public().(*ecdsa.PublicKey)
	uid := []byte("remote-seal")
	sign := func(i int) error {
		msg := []byte(fmt.Sprintf("document %d", i))
		sig, err := k.Sign(nil, msg, sm2.NewSM2SignerOption(true, uid))
		if err == nil && !sm2.VerifyASN1WithSM2(pub, uid, msg, sig) {
			t.Fatalf("document %d: invalid signature", i)
		}
		return err
	}
	for i := range 3 {
		if err := sign(i); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
	}
	if _, err := b.Find(ctx, "9"); !errors.Is(err, hsm.ErrKeyNotFound) {
		t.Fatalf("Find(9) across the process boundary: %v", err)
	}

	d.set(t, d.hang, true) // the device hangs in SDF_InternalSign_ECC ...
	res := make(chan error)
	go func() { res <- sign(3) }()
	if err := kids.last().Process.Kill(); err != nil { // ... and the process dies
		t.Fatal(err)
	}
	if err := <-res; !errors.Is(err, hsm.ErrDeviceUnavailable) {
		t.Fatalf("signature in a killed signer process: %v", err)
	}
	d.set(t, d.hang, false)
	before := kids.count()
	for i := 4; i < 7; i++ {
		if err := sign(i); err != nil {
			t.Fatalf("document %d after the crash: %v", i, err)
		}
	}
	if kids.count() != before+1 {
		t.Fatalf("%d new signer processes, want 1", kids.count()-before)
	}
}
