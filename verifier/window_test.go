package verifier

import (
	"context"
	"testing"
	"time"

	"sihub/model"
)

// TestRegistryVerificationWindow: past its VerifyUntil (and its
// ValidUntil) a document is reported expired by the registry check, while
// its signature stays valid; before that, and for a document without a
// window, the registry answers as before.
func TestRegistryVerificationWindow(t *testing.T) {
	pki := testPKI(t, "sm2")
	pdf := sealed(t, "sm2")
	withWindow := func(validFor, verifyFor time.Duration) mapRegistry {
		reg := registryFor(pdf, model.DocValid)
		d := reg[CanonicalCode(testCode)]
		d.ValidUntil = testNow.Add(validFor)
		if verifyFor > 0 {
			d.VerifyUntil = testNow.Add(verifyFor)
		}
		reg[d.Code] = d
		return reg
	}
	cases := []struct {
		name    string
		reg     mapRegistry
		at      time.Duration
		expired bool
	}{
		{"within validity", withWindow(time.Hour, 2*time.Hour), 30 * time.Minute, false},
		{"past validity, within window", withWindow(time.Hour, 2*time.Hour), 90 * time.Minute, false},
		{"past window", withWindow(time.Hour, 2*time.Hour), 3 * time.Hour, true},
		{"window shorter than validity: validity counts", withWindow(4*time.Hour, 2*time.Hour), 3 * time.Hour, false},
		{"past both, window shorter", withWindow(4*time.Hour, 2*time.Hour), 5 * time.Hour, true},
		{"no window recorded", withWindow(time.Hour, 0), 3 * time.Hour, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newVerifier(t, c.reg, testNow.Add(c.at), pki.Root).Verify(context.Background(), pdf)
			if got := r.HasReason(ReasonDocumentExpired); got != c.expired {
				t.Errorf("document_expired = %v, want %v: %v", got, c.expired, reasons(r))
			}
			wantStatus := RegistryValid
			if c.expired {
				wantStatus = RegistryExpired
			}
			if r.Document.RegistryStatus != wantStatus {
				t.Errorf("registry_status = %q, want %q", r.Document.RegistryStatus, wantStatus)
			}
			if r.Valid == c.expired {
				t.Errorf("valid = %v with %v", r.Valid, reasons(r))
			}
			if !r.Signatures[0].Valid {
				t.Errorf("the signature itself should stay valid: %v", r.Signatures[0].Errors)
			}
		})
	}
	// The report names the window's end.
	r := newVerifier(t, withWindow(time.Hour, 2*time.Hour), testNow, pki.Root).Verify(context.Background(), pdf)
	if r.Document.VerifyUntil == nil || !r.Document.VerifyUntil.Equal(testNow.Add(2*time.Hour)) {
		t.Errorf("verify_until = %v, want %v", r.Document.VerifyUntil, testNow.Add(2*time.Hour))
	}
}
