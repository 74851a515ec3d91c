package hsm

import (
	"context"
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/emmansun/gmsm/sm2"
)

// testRuns makes scheme names unique across -count repetitions (the
// registry is process-wide and refuses a second registration).
var testRuns atomic.Int64

func TestRegistry(t *testing.T) {
	scheme := fmt.Sprintf("test-reg%d", testRuns.Add(1))
	var got string
	Register(scheme, func(_ context.Context, uri string) (Backend, error) {
		got = uri
		return fixedBackend{}, nil
	})
	if !slices.Contains(Schemes(), scheme) {
		t.Fatalf("Schemes() = %v", Schemes())
	}
	upper := strings.ToUpper(scheme) + ":x?pin-value=1"
	if _, err := Open(context.Background(), upper); err != nil || got != upper {
		t.Fatalf("Open: %v, opener saw %q", err, got)
	}
	_, err := Open(context.Background(), "nope:secret-pin")
	if !errors.Is(err, ErrUnknownScheme) || strings.Contains(err.Error(), "secret-pin") {
		t.Fatalf("unknown scheme: %v", err)
	}
	if _, err := Open(context.Background(), "no-colon"); !errors.Is(err, ErrUnknownScheme) {
		t.Fatalf("no scheme: %v", err)
	}
	for _, bad := range []func(){
		func() { Register(scheme, func(context.Context, string) (Backend, error) { return nil, nil }) },
		func() { Register("a:b", func(context.Context, string) (Backend, error) { return nil, nil }) },
		func() { Register("test-nil", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("Register did not panic")
				}
			}()
			bad()
		}()
	}
}

func TestDeviceErrorKinds(t *testing.T) {
	for _, e := range []error{ErrTimeout, ErrCircuitOpen} {
		if !errors.Is(e, ErrDeviceUnavailable) {
			t.Errorf("%v is not ErrDeviceUnavailable", e)
		}
	}
	if errors.Is(ErrDeviceUnavailable, ErrTimeout) || errors.Is(ErrNotAvailable, ErrDeviceUnavailable) {
		t.Error("kinds leak into each other")
	}
}

func TestObservedBackend(t *testing.T) {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	type event struct {
		caller, id, op string
		err            error
	}
	var events []event
	obs := func(ctx context.Context, id, op string, err error) {
		events = append(events, event{CallerFrom(ctx), id, op, err})
	}
	b := ObservedBackend(fixedBackend{testKey{priv, SM2}}, obs)
	ctx := WithCaller(context.Background(), "clerk-7")
	k, err := b.Find(ctx, "k-test")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := sm2.CalculateSM2Hash(&priv.PublicKey, []byte("m"), nil)
	if _, err := k.Sign(rand.Reader, e, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.List(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "k-test"); err != nil {
		t.Fatal(err)
	}
	want := []event{{"clerk-7", "k-test", OpFind, nil}, {"clerk-7", "k-test", OpSign, nil}, {"clerk-7", "", OpList, nil}, {"clerk-7", "k-test", OpDelete, nil}}
	if !slices.Equal(events, want) {
		t.Fatalf("events %v, want %v", events, want)
	}
	// A failing signature is reported with its error.
	events = nil
	bad := ObservedBackend(VerifyingBackend(fixedBackend{testKey{ecdsaOnSM2Curve{priv}, SM2}}), obs)
	k, _ = bad.Find(ctx, "k-test")
	if _, err := k.Sign(rand.Reader, []byte("m"), sm2.DefaultSM2SignerOpts); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("Sign: %v", err)
	}
	if len(events) != 2 || events[1].op != OpSign || !errors.Is(events[1].err, ErrBadSignature) {
		t.Fatalf("events %v", events)
	}
	if fb := (fixedBackend{}); ObservedBackend(fb, nil) != Backend(fb) {
		t.Fatal("nil observer wraps")
	}
}

func TestSM2Digest(t *testing.T) {
	priv, _ := sm2.GenerateKey(rand.Reader)
	pub := &priv.PublicKey
	msg := []byte("参保证明")
	uid := []byte("sihub")
	want, _ := sm2.CalculateSM2Hash(pub, msg, uid)
	e, err := SM2Digest(pub, msg, sm2.NewSM2SignerOption(true, uid))
	if err != nil || string(e) != string(want) {
		t.Fatalf("with signer ID: %x, %v", e, err)
	}
	def, _ := sm2.CalculateSM2Hash(pub, msg, nil)
	if e, err := SM2Digest(pub, msg, sm2.DefaultSM2SignerOpts); err != nil || string(e) != string(def) {
		t.Fatalf("default ID: %x, %v", e, err)
	}
	if e, err := SM2Digest(pub, def, nil); err != nil || string(e) != string(def) {
		t.Fatalf("precomputed: %v", err)
	}
	if _, err := SM2Digest(pub, msg, crypto.SHA256); err == nil {
		t.Fatal("a 12-byte digest without GM options was accepted")
	}
}

func TestCapabilities(t *testing.T) {
	if _, err := Capabilities(context.Background(), fixedBackend{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("backend without reporter: %v", err)
	}
	caps := []Capability{CapSM2SM3, CapRSA3072PSS}
	if !Has(caps, CapSM2SM3) || Has(caps, CapECDSAP256) {
		t.Fatal("Has")
	}
	if got := AlgorithmCapabilities(RSA3072); len(got) != 2 {
		t.Fatalf("RSA3072 needs %v", got)
	}
}
