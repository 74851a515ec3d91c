package verifier

import (
	"fmt"
	"slices"
	"time"
)

// rangeEnd is where a signature's byte range ends, -1 when unusable.
func rangeEnd(s *SignatureReport) int64 {
	if len(s.ByteRange) != 4 {
		return -1
	}
	return s.ByteRange[2] + s.ByteRange[3]
}

// finishLevels runs after every signature is checked: it sets each
// signature's PAdES level — B-T with a valid signature timestamp, B-LT
// when revocation evidence for it came from the DSS as well, B-LTA when a
// valid document timestamp covers it too — and lets a valid document
// timestamp prove the existence of a signature whose certificate has
// expired since, when its revocation state is known good.
func finishLevels(r *Report) {
	for i := range r.Signatures {
		s := &r.Signatures[i]
		if s.Type != TypeSignature {
			s.Level = ""
			continue
		}
		end := rangeEnd(s)
		var docTS *SignatureReport
		for j := range r.Signatures {
			t := &r.Signatures[j]
			if t.Type == TypeDocTimestamp && t.Timestamp != nil && t.Timestamp.Valid && end >= 0 && rangeEnd(t) > end {
				docTS = t
				break
			}
		}
		if s.expiredSince && docTS != nil && s.Revocation == RevocationGood && len(s.Chain) > 0 {
			gen := docTS.Timestamp.GenTime
			inside := true
			for _, c := range s.Chain {
				inside = inside && !gen.After(c.NotAfter) && !gen.Before(c.NotBefore)
			}
			if inside {
				s.Errors = slices.DeleteFunc(s.Errors, func(p Problem) bool { return p.Code == ReasonCertExpired })
				s.Notes = append(s.Notes, fmt.Sprintf("the certificate has expired since; the document timestamp of %s proves the signature existed while it was valid",
					gen.UTC().Format(time.RFC3339)))
				s.expiredSince = false
			}
		}
		s.Level = LevelBB
		if s.Timestamp == nil || !s.Timestamp.Valid {
			continue
		}
		s.Level = LevelBT
		if s.RevocationSource != RevocationSourceDSSOCSP && s.RevocationSource != RevocationSourceDSSCRL {
			continue
		}
		s.Level = LevelBLT
		if docTS != nil {
			s.Level = LevelBLTA
		}
	}
}
