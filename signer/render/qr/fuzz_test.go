package qr

import "testing"

// FuzzEncode encodes arbitrary payloads: every one up to the capacity
// yields a well-formed symbol, longer ones ErrTooLong, nothing panics.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "a", "http://127.0.0.1:8080/v/ABCD", "社会保险", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Encode(s)
		if len(s) > 2331 {
			if err == nil {
				t.Fatalf("%d bytes accepted", len(s))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Size != 4*c.Version+17 || c.Mask < 0 || c.Mask > 7 {
			t.Fatalf("version %d size %d mask %d", c.Version, c.Size, c.Mask)
		}
		bm := c.Bitmap()
		if len(bm) != c.Size+2*QuietZone || bm[QuietZone][QuietZone] != true || bm[0][0] {
			t.Fatal("bitmap frame wrong: finder corner must be dark, quiet zone light")
		}
	})
}
