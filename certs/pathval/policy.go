package pathval

import (
	"encoding/asn1"

	"github.com/emmansun/gmsm/smx509"
)

const anyPolicy = "2.5.29.32.0"

var (
	oidPolicies          = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidPolicyMappings    = asn1.ObjectIdentifier{2, 5, 29, 33}
	oidPolicyConstraints = asn1.ObjectIdentifier{2, 5, 29, 36}
	oidInhibitAnyPolicy  = asn1.ObjectIdentifier{2, 5, 29, 54}
)

// certPolicy holds the policy extensions of one certificate; -1 for an
// absent skip count.
type certPolicy struct {
	present         bool
	policies        []string
	mappings        [][2]string
	requireExplicit int
	inhibitMapping  int
	inhibitAny      int
}

func parsePolicy(c *smx509.Certificate) (certPolicy, bool) {
	p := certPolicy{requireExplicit: -1, inhibitMapping: -1, inhibitAny: -1}
	for _, e := range c.Extensions {
		switch {
		case e.Id.Equal(oidPolicies):
			var infos []struct {
				ID   asn1.ObjectIdentifier
				Rest asn1.RawValue `asn1:"optional"`
			}
			if rest, err := asn1.Unmarshal(e.Value, &infos); err != nil || len(rest) != 0 {
				return p, false
			}
			p.present = true
			seen := map[string]bool{}
			for _, in := range infos {
				s := in.ID.String()
				if seen[s] {
					return p, false
				}
				seen[s] = true
				p.policies = append(p.policies, s)
			}
		case e.Id.Equal(oidPolicyMappings):
			var maps []struct{ Issuer, Subject asn1.ObjectIdentifier }
			if rest, err := asn1.Unmarshal(e.Value, &maps); err != nil || len(rest) != 0 || len(maps) == 0 {
				return p, false
			}
			for _, m := range maps {
				p.mappings = append(p.mappings, [2]string{m.Issuer.String(), m.Subject.String()})
			}
		case e.Id.Equal(oidPolicyConstraints):
			var pc struct {
				Require int `asn1:"optional,tag:0,default:-1"`
				Inhibit int `asn1:"optional,tag:1,default:-1"`
			}
			if rest, err := asn1.Unmarshal(e.Value, &pc); err != nil || len(rest) != 0 || pc.Require < -1 || pc.Inhibit < -1 {
				return p, false
			}
			if pc.Require == -1 && pc.Inhibit == -1 {
				return p, false
			}
			p.requireExplicit, p.inhibitMapping = pc.Require, pc.Inhibit
		case e.Id.Equal(oidInhibitAnyPolicy):
			var n int
			if rest, err := asn1.Unmarshal(e.Value, &n); err != nil || len(rest) != 0 || n < 0 {
				return p, false
			}
			p.inhibitAny = n
		}
	}
	return p, true
}

type pnode struct {
	valid    string
	expected []string
	parent   *pnode
	children int
	dead     bool
}

// policyState is the RFC 5280 §6.1.2 policy state.
type policyState struct {
	levels                        [][]*pnode // nil tree when levels == nil
	explicit, mapping, inhibitAny int
}

func newPolicyState(n int, o *Options) *policyState {
	s := &policyState{explicit: n + 1, mapping: n + 1, inhibitAny: n + 1}
	if o.RequireExplicitPolicy {
		s.explicit = 0
	}
	if o.InhibitPolicyMapping {
		s.mapping = 0
	}
	if o.InhibitAnyPolicy {
		s.inhibitAny = 0
	}
	s.levels = [][]*pnode{{{valid: anyPolicy, expected: []string{anyPolicy}}}}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *policyState) add(level int, parent *pnode, valid string, expected []string) {
	parent.children++
	s.levels[level] = append(s.levels[level], &pnode{valid: valid, expected: expected, parent: parent})
}

// prune removes nodes without children above depth, and dead nodes.
func (s *policyState) prune() {
	for d := len(s.levels) - 1; d >= 0; d-- {
		kept := s.levels[d][:0]
		for _, n := range s.levels[d] {
			if n.dead || (d < len(s.levels)-1 && n.children == 0) {
				if n.parent != nil {
					n.parent.children--
				}
				continue
			}
			kept = append(kept, n)
		}
		s.levels[d] = kept
	}
	if len(s.levels[0]) == 0 {
		s.levels = nil
	}
}

// process runs §6.1.3 (d)-(f) for certificate i (1-based), last = leaf.
func (s *policyState) process(p certPolicy, selfIssued, last bool) bool {
	if s.levels != nil && p.present {
		prev := s.levels[len(s.levels)-1]
		s.levels = append(s.levels, nil)
		d := len(s.levels) - 1
		hasAny := false
		for _, pol := range p.policies {
			if pol == anyPolicy {
				hasAny = true
				continue
			}
			matched := false
			for _, n := range prev {
				if contains(n.expected, pol) {
					s.add(d, n, pol, []string{pol})
					matched = true
				}
			}
			if !matched {
				for _, n := range prev {
					if n.valid == anyPolicy {
						s.add(d, n, pol, []string{pol})
					}
				}
			}
		}
		if hasAny && (s.inhibitAny > 0 || (!last && selfIssued)) {
			for _, n := range prev {
				for _, e := range n.expected {
					exists := false
					for _, c := range s.levels[d] {
						if c.parent == n && c.valid == e {
							exists = true
							break
						}
					}
					if !exists {
						s.add(d, n, e, []string{e})
					}
				}
			}
		}
		s.prune()
	} else if !p.present {
		s.levels = nil
	}
	return s.explicit > 0 || s.levels != nil
}

// prepare runs §6.1.4 (a), (b), (h)-(j) for a CA certificate.
func (s *policyState) prepare(p certPolicy, selfIssued bool) bool {
	for _, m := range p.mappings {
		if m[0] == anyPolicy || m[1] == anyPolicy {
			return false
		}
	}
	if len(p.mappings) > 0 && s.levels != nil {
		d := len(s.levels) - 1
		issuers := []string{}
		for _, m := range p.mappings {
			if !contains(issuers, m[0]) {
				issuers = append(issuers, m[0])
			}
		}
		for _, id := range issuers {
			var sds []string
			for _, m := range p.mappings {
				if m[0] == id && !contains(sds, m[1]) {
					sds = append(sds, m[1])
				}
			}
			if s.mapping > 0 {
				found := false
				for _, n := range s.levels[d] {
					if n.valid == id {
						n.expected = sds
						found = true
					}
				}
				if !found {
					for _, n := range s.levels[d] {
						if n.valid == anyPolicy && n.parent != nil {
							s.add(d, n.parent, id, sds)
							break
						}
					}
				}
			} else {
				for _, n := range s.levels[d] {
					if n.valid == id {
						n.dead = true
					}
				}
			}
		}
		s.prune()
	}
	if !selfIssued {
		dec(&s.explicit)
		dec(&s.mapping)
		dec(&s.inhibitAny)
	}
	if p.requireExplicit >= 0 && p.requireExplicit < s.explicit {
		s.explicit = p.requireExplicit
	}
	if p.inhibitMapping >= 0 && p.inhibitMapping < s.mapping {
		s.mapping = p.inhibitMapping
	}
	if p.inhibitAny >= 0 && p.inhibitAny < s.inhibitAny {
		s.inhibitAny = p.inhibitAny
	}
	return true
}

func dec(x *int) {
	if *x > 0 {
		*x--
	}
}

// wrapUp runs §6.1.5 (a), (b), (g) and returns the valid policies, ok.
func (s *policyState) wrapUp(p certPolicy, initial []string) ([]string, bool) {
	dec(&s.explicit)
	if p.requireExplicit == 0 {
		s.explicit = 0
	}
	if s.levels != nil && len(initial) > 0 && !contains(initial, anyPolicy) {
		d := len(s.levels) - 1
		var anyLeaf *pnode
		for lv := range s.levels {
			for _, n := range s.levels[lv] {
				if n.parent != nil && n.parent.valid == anyPolicy && n.valid != anyPolicy && !contains(initial, n.valid) {
					n.dead = true
				}
				if lv == d && n.valid == anyPolicy {
					anyLeaf = n
				}
			}
		}
		if anyLeaf != nil && anyLeaf.parent != nil {
			for _, pol := range initial {
				exists := false
				for _, n := range s.levels[d] {
					if n.valid == pol && !n.dead {
						exists = true
					}
				}
				if !exists {
					s.add(d, anyLeaf.parent, pol, []string{pol})
				}
			}
			anyLeaf.dead = true
		}
		// Dead interior nodes take their subtrees with them.
		for lv := 1; lv < len(s.levels); lv++ {
			for _, n := range s.levels[lv] {
				if n.parent.dead {
					n.dead = true
				}
			}
		}
		s.prune()
	}
	if s.explicit == 0 && s.levels == nil {
		return nil, false
	}
	var out []string
	if s.levels != nil {
		for _, n := range s.levels[len(s.levels)-1] {
			if !contains(out, n.valid) {
				out = append(out, n.valid)
			}
		}
	}
	return out, true
}
