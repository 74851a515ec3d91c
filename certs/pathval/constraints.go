package pathval

import (
	"net"
	"net/url"
	"strings"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var oidNameConstraints = []int{2, 5, 29, 30}

// subtrees is one GeneralSubtrees list by name form.
type subtrees struct {
	dns, email, uri []string
	ip              []*net.IPNet
	dn              [][][]attr
	other           int // forms this package does not evaluate
}

type nameConstraints struct {
	permitted, excluded subtrees
	hasPermitted        [5]bool // dns, email, uri, ip, dn
}

// parseNameConstraints reads the nameConstraints extension of c, nil when
// absent.
func parseNameConstraints(c *smx509.Certificate) (*nameConstraints, bool) {
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidNameConstraints) {
			continue
		}
		nc := &nameConstraints{}
		in := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return nil, false
		}
		for !seq.Empty() {
			var list cryptobyte.String
			var tag cbasn1.Tag
			if !seq.ReadAnyASN1(&list, &tag) {
				return nil, false
			}
			var dst *subtrees
			switch tag {
			case cbasn1.Tag(0).ContextSpecific().Constructed():
				dst = &nc.permitted
			case cbasn1.Tag(1).ContextSpecific().Constructed():
				dst = &nc.excluded
			default:
				return nil, false
			}
			if !parseSubtrees(list, dst) {
				return nil, false
			}
		}
		p := &nc.permitted
		nc.hasPermitted = [5]bool{len(p.dns) > 0, len(p.email) > 0, len(p.uri) > 0, len(p.ip) > 0, len(p.dn) > 0}
		return nc, true
	}
	return nil, true
}

func parseSubtrees(list cryptobyte.String, dst *subtrees) bool {
	for !list.Empty() {
		var st cryptobyte.String
		if !list.ReadASN1(&st, cbasn1.SEQUENCE) {
			return false
		}
		var base cryptobyte.String
		var tag cbasn1.Tag
		if !st.ReadAnyASN1Element(&base, &tag) {
			return false
		}
		var body cryptobyte.String
		if !base.ReadAnyASN1(&body, &tag) {
			return false
		}
		switch tag {
		case cbasn1.Tag(1).ContextSpecific():
			dst.email = append(dst.email, string(body))
		case cbasn1.Tag(2).ContextSpecific():
			if strings.HasPrefix(string(body), ".") {
				return false // a leading period is for URI and email constraints only
			}
			dst.dns = append(dst.dns, string(body))
		case cbasn1.Tag(6).ContextSpecific():
			dst.uri = append(dst.uri, string(body))
		case cbasn1.Tag(7).ContextSpecific():
			n := len(body) / 2
			if n != 4 && n != 16 || len(body) != 2*n {
				return false
			}
			mask := net.IPMask(body[n:])
			if ones, bits := mask.Size(); ones == 0 && bits == 0 && !allZero(mask) {
				return false // non-contiguous mask
			}
			dst.ip = append(dst.ip, &net.IPNet{IP: net.IP(body[:n]), Mask: mask})
		case cbasn1.Tag(4).ContextSpecific().Constructed():
			n, ok := parseName(body)
			if !ok {
				return false
			}
			dst.dn = append(dst.dn, n)
		default:
			dst.other++
		}
	}
	return true
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// certNames are the names of a certificate that name constraints apply to.
type certNames struct {
	dns, email []string
	uriHosts   []string
	badURI     bool
	ips        []net.IP
	dn         [][][]attr
	otherForms int
}

var oidEmailAddress = []int{1, 2, 840, 113549, 1, 9, 1}

func namesOf(c *smx509.Certificate) certNames {
	var n certNames
	n.dns = c.DNSNames
	n.email = append(n.email, c.EmailAddresses...)
	n.ips = c.IPAddresses
	for _, u := range c.URIs {
		h := uriHost(u)
		if h == "" {
			n.badURI = true
			continue
		}
		n.uriHosts = append(n.uriHosts, h)
	}
	n.dn, n.otherForms = sanDirNames(c)
	if dn, ok := parseName(c.RawSubject); ok && len(dn) > 0 {
		n.dn = append(n.dn, dn)
		for _, rdn := range dn {
			for _, a := range rdn {
				if a.typ.Equal(oidEmailAddress) && !strings.HasPrefix(a.val, "\x00") {
					n.email = append(n.email, a.val)
				}
			}
		}
	}
	return n
}

func uriHost(u *url.URL) string {
	h := u.Host
	if h == "" {
		return ""
	}
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	if net.ParseIP(strings.Trim(h, "[]")) != nil {
		return ""
	}
	return h
}

// check reports whether names satisfy nc.
func (nc *nameConstraints) check(n certNames) (string, bool) {
	if n.otherForms > 0 && (nc.excluded.other > 0 || nc.permitted.other > 0) {
		return "subjectAltName form this validator does not evaluate is constrained", false
	}
	for _, d := range n.dns {
		if anyOf(nc.excluded.dns, func(c string) bool { return matchDNSConstraint(d, c) || wildcardCovers(d, c) }) {
			return "DNS name " + d + " excluded", false
		}
		if nc.hasPermitted[0] && !anyOf(nc.permitted.dns, func(c string) bool { return matchDNSConstraint(d, c) }) {
			return "DNS name " + d + " not permitted", false
		}
	}
	for _, m := range n.email {
		if anyOf(nc.excluded.email, func(c string) bool { return matchEmailConstraint(m, c) }) {
			return "email " + m + " excluded", false
		}
		if nc.hasPermitted[1] && !anyOf(nc.permitted.email, func(c string) bool { return matchEmailConstraint(m, c) }) {
			return "email " + m + " not permitted", false
		}
	}
	if n.badURI && (nc.hasPermitted[2] || len(nc.excluded.uri) > 0) {
		return "URI without a host name under URI constraints", false
	}
	for _, h := range n.uriHosts {
		if anyOf(nc.excluded.uri, func(c string) bool { return matchURIConstraint(h, c) }) {
			return "URI host " + h + " excluded", false
		}
		if nc.hasPermitted[2] && !anyOf(nc.permitted.uri, func(c string) bool { return matchURIConstraint(h, c) }) {
			return "URI host " + h + " not permitted", false
		}
	}
	for _, ip := range n.ips {
		if anyOf(nc.excluded.ip, func(c *net.IPNet) bool { return matchIPConstraint(ip, c) }) {
			return "IP " + ip.String() + " excluded", false
		}
		if nc.hasPermitted[3] && !anyOf(nc.permitted.ip, func(c *net.IPNet) bool { return matchIPConstraint(ip, c) }) {
			return "IP " + ip.String() + " not permitted", false
		}
	}
	for _, dn := range n.dn {
		if anyOf(nc.excluded.dn, func(c [][]attr) bool { return nameWithin(dn, c) }) {
			return "directory name excluded", false
		}
		if nc.hasPermitted[4] && !anyOf(nc.permitted.dn, func(c [][]attr) bool { return nameWithin(dn, c) }) {
			return "directory name not permitted", false
		}
	}
	return "", true
}

func anyOf[T any](list []T, f func(T) bool) bool {
	for _, x := range list {
		if f(x) {
			return true
		}
	}
	return false
}

var oidSubjectAltName = []int{2, 5, 29, 17}

// sanDirNames returns the directoryName entries of the subjectAltName.
func sanDirNames(c *smx509.Certificate) (out [][][]attr, other int) {
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidSubjectAltName) {
			continue
		}
		in := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return out, other
		}
		for !seq.Empty() {
			var body cryptobyte.String
			var tag cbasn1.Tag
			if !seq.ReadAnyASN1(&body, &tag) {
				return out, other
			}
			switch tag {
			case cbasn1.Tag(4).ContextSpecific().Constructed():
				if n, ok := parseName(body); ok {
					out = append(out, n)
				}
			case cbasn1.Tag(1).ContextSpecific(), cbasn1.Tag(2).ContextSpecific(),
				cbasn1.Tag(6).ContextSpecific(), cbasn1.Tag(7).ContextSpecific():
			default:
				other++
			}
		}
	}
	return out, other
}
