package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"sihub/signer"
)

func TestKindsEnv(t *testing.T) {
	const day = 24 * time.Hour
	cfg, err := FromEnv(func(name string) string {
		if name == "SIHUB_KINDS" {
			return " insurance-certificate=30d/90d , receipt=720h, rights-record=@B-LTA,overseas-exemption=1000d@B-LT"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]signer.KindConfig{
		signer.KindInsuranceCertificate: {Validity: 30 * day, VerifyWindow: 90 * day},
		signer.KindReceipt:              {Validity: 30 * day},
		signer.KindOverseasExemption:    {Validity: 1000 * day},
	}
	if len(cfg.Kinds) != len(want) {
		t.Fatalf("kinds %v, want %v", cfg.Kinds, want)
	}
	for k, w := range want {
		if cfg.Kinds[k] != w {
			t.Errorf("%s: %+v, want %+v", k, cfg.Kinds[k], w)
		}
	}
	if len(cfg.Levels) != 2 || cfg.Levels[signer.KindRightsRecord] != signer.LevelBLTA || cfg.Levels[signer.KindOverseasExemption] != signer.LevelBLT {
		t.Fatalf("levels %v", cfg.Levels)
	}

	for _, bad := range []struct{ value, says string }{
		{"insurance-certficate=30d", "not KIND="},
		{"receipt", "not KIND="},
		{"receipt=12h", "between a day"},
		{"receipt=thirty", "neither days"},
		{"receipt=xd", "number of days"},
		{"receipt=90d/30d", "shorter than the validity"},
		{"receipt=/30d", "needs a validity"},
		{"receipt=30d@B-X", "level"},
		{"receipt=30d,receipt=60d", "twice"},
		{"receipt=,receipt=60d", "twice"},
		{"receipt=" + strings.Repeat("9", 5000) + "d", "longer than"},
		{"receipt=213505d", "between a day"}, // × 24 h wraps past int64 to about a day
		{"receipt=0d", "between a day"},
	} {
		_, err := FromEnv(func(name string) string {
			if name == "SIHUB_KINDS" {
				return bad.value
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("SIHUB_KINDS=%.40s: %v, want an error saying %q", bad.value, err, bad.says)
		}
	}
}

// TestKindsEnvReachesTheRegistry: what SIHUB_KINDS sets is what an issued
// document gets: its validity and verification window in the registry,
// and its PAdES level.
func TestKindsEnvReachesTheRegistry(t *testing.T) {
	env, err := FromEnv(func(name string) string {
		if name == "SIHUB_KINDS" {
			return "insurance-certificate=30d/60d@B-T"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	a := testApp(t, t.TempDir(), func(c *Config) { c.Kinds, c.Levels = env.Kinds, env.Levels })
	defer a.Close()
	ctx := context.Background()
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	d := iss.Document
	cst := time.FixedZone("CST", 8*3600)
	if want := endOfDayIn(d.IssuedAt.Add(30*24*time.Hour), cst); !d.ValidUntil.Equal(want) {
		t.Errorf("valid until %s, want %s", d.ValidUntil, want)
	}
	stored, err := a.Store.DocumentByCode(ctx, d.Code)
	if err != nil {
		t.Fatal(err)
	}
	if want := endOfDayIn(d.IssuedAt.Add(60*24*time.Hour), cst); !stored.VerifyUntil.Equal(want) {
		t.Errorf("registry verifiable until %s, want %s", stored.VerifyUntil, want)
	}
	r := a.Verifier.Verify(ctx, iss.PDF)
	if !r.Valid || len(r.Signatures) == 0 || r.Signatures[0].Level != string(signer.LevelBT) {
		t.Fatalf("valid %v, signatures %+v: want one B-T signature (the certificate's default is B-LT)", r.Valid, r.Signatures)
	}
}

// FuzzKindsEnv: any SIHUB_KINDS value is either refused with an error or
// gives kinds signer accepts — a validity of at least a day and a window
// no shorter than it — and levels that are valid.
func FuzzKindsEnv(f *testing.F) {
	for _, s := range []string{"insurance-certificate=30d/90d", "receipt=720h,rights-record=@B-LTA", "receipt=/30d",
		"overseas-exemption=1000d@B-LT", "x=1d", ",,receipt=1d,", "receipt=9999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		kinds, levels, err := parseKindsEnv(v)
		if err != nil {
			return
		}
		for k, c := range kinds {
			if _, ok := signer.KindNames[k]; !ok {
				t.Fatalf("%q: unknown kind %q accepted", v, k)
			}
			if c.Validity < 24*time.Hour || (c.VerifyWindow != 0 && c.VerifyWindow < c.Validity) {
				t.Fatalf("%q: %s got %+v", v, k, c)
			}
		}
		for k, l := range levels {
			if _, ok := signer.KindNames[k]; !ok || !l.Valid() {
				t.Fatalf("%q: %s level %q", v, k, l)
			}
		}
	})
}
