package hsm

import (
	"testing"
	"time"
)

func TestSetURIOption(t *testing.T) {
	var o PoolOptions
	for _, kv := range [][2]string{
		{OptMaxSessions, "8"}, {OptCallTimeout, "2500ms"}, {OptBreakerFailures, "5"},
		{OptBreakerCoolDown, "1m"}, {OptInline, "true"},
	} {
		if known, err := o.SetURIOption(kv[0], kv[1]); !known || err != nil {
			t.Fatalf("%s=%s: %v %v", kv[0], kv[1], known, err)
		}
	}
	want := PoolOptions{MaxSessions: 8, CallTimeout: 2500 * time.Millisecond, FailureThreshold: 5, CoolDown: time.Minute, Mode: ModeInline}
	if o.MaxSessions != want.MaxSessions || o.CallTimeout != want.CallTimeout || o.FailureThreshold != want.FailureThreshold ||
		o.CoolDown != want.CoolDown || o.Mode != want.Mode {
		t.Fatalf("got %+v", o)
	}
	for _, kv := range [][2]string{
		{OptMaxSessions, "0"}, {OptMaxSessions, "x"}, {OptCallTimeout, "-1s"}, {OptCallTimeout, "5"},
		{OptBreakerCoolDown, "48h"}, {OptInline, "maybe"}, {OptMaxSessions, "00000000000000000000000000000000001"},
	} {
		if known, err := o.SetURIOption(kv[0], kv[1]); !known || err == nil {
			t.Errorf("%s=%s accepted", kv[0], kv[1])
		}
	}
	var m PoolOptions
	for _, tc := range []struct {
		value string
		want  CallMode
	}{{"inline", ModeInline}, {"hand-off", ModeHandOff}, {"auto", ModeAuto}} {
		if _, err := m.SetURIOption(OptCallMode, tc.value); err != nil || m.Mode != tc.want {
			t.Errorf("%s=%s: %v %+v", OptCallMode, tc.value, err, m)
		}
	}
	if _, err := m.SetURIOption(OptInline, "false"); err != nil || m.Mode != ModeHandOff {
		t.Errorf("%s=false: %v, mode %v", OptInline, err, m.Mode)
	}
	if _, err := m.SetURIOption(OptInlineBelow, "400us"); err != nil || m.InlineBelow != 400*time.Microsecond {
		t.Errorf("%s=400us: %v %v", OptInlineBelow, err, m.InlineBelow)
	}
	for _, kv := range [][2]string{{OptCallMode, "fast"}, {OptInlineBelow, "0"}} {
		if _, err := m.SetURIOption(kv[0], kv[1]); err == nil {
			t.Errorf("%s=%s accepted", kv[0], kv[1])
		}
	}
	if known, _ := o.SetURIOption("pin-value", "1"); known {
		t.Error("pin-value taken for a pool option")
	}
}
