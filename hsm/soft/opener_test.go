package soft

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"sihub/hsm"
)

var openerRuns atomic.Int64

func TestOpenerRegistersSoft(t *testing.T) {
	scheme := fmt.Sprintf("soft-test%d", openerRuns.Add(1))
	hsm.Register(scheme, Opener(newMemStore(), []byte("correct horse battery staple"), Options{KDF: KDFParams{Time: 1, MemoryKiB: 8 * 1024, Threads: 1}}))
	ctx := context.Background()
	if _, err := hsm.Open(ctx, scheme+":x"); err == nil {
		t.Fatal("Opener accepted a URI with a path")
	}
	b, err := hsm.Open(ctx, scheme+":")
	if err != nil {
		t.Fatal(err)
	}
	k, err := b.Generate(ctx, hsm.P256, "via registry")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Find(ctx, k.ID()); err != nil {
		t.Fatal(err)
	}
}
