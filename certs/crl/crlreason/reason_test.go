package crlreason

import "testing"

func TestReason(t *testing.T) {
	for _, c := range []struct {
		r     Reason
		valid bool
		name  string
	}{
		{Unspecified, true, "unspecified"},
		{KeyCompromise, true, "keyCompromise"},
		{CertificateHold, true, "certificateHold"},
		{7, false, "reason(7)"},
		{RemoveFromCRL, true, "removeFromCRL"},
		{AACompromise, true, "aACompromise"},
		{11, false, "reason(11)"},
		{-1, false, "reason(-1)"},
	} {
		if c.r.Valid() != c.valid || c.r.String() != c.name {
			t.Errorf("%d: valid %v, name %q; want %v, %q", int(c.r), c.r.Valid(), c.r.String(), c.valid, c.name)
		}
	}
}
